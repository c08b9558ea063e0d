// Finding → chat message for Slack and Microsoft Teams, delivered by Amazon Q Developer in chat applications
// from an SNS topic. Messages use the "custom notification" event format of the Amazon Q Developer in chat
// applications Administrator Guide ("Custom notifications using Amazon Q Developer in chat applications",
// Event schema): `version` must be "1.0", `source` must be "custom", `content.textType` may only be
// "client-markdown", and `metadata.threadId` groups updates of one subject in one thread of the channel.
// Anything else published to the topic is not shown in the channel.
//
// Finding text is data here as in the e-mail: single-line fields go through displayFinding (folded,
// cleaned, URLs defanged) and are then shown as inline code, which Slack and Teams markdown render
// literally (no bold, no links, no mentions); backticks and angle brackets (Slack's `<…|…>` links and
// `<!channel>` mentions) are replaced first so the code span cannot be closed or escaped. The card's title
// holds only the formatter's own words, and the only links are the console link and the sign-in link the
// formatter builds. Description and recommendation text stay in the e-mail and the console.
import { createHash } from 'node:crypto';
import type { CfnTemplate } from '../core/cfn-yaml.js';
import {
  cleanLine,
  consoleUrl,
  displayFinding,
  type EmailSettings,
  findingLink,
  fitSubject,
  stateWords,
} from './format.js';
import type { Finding } from './model.js';
import { applyJsonTransformer, type InputTransformer } from './transformer.js';

export interface ChatContent {
  textType: 'client-markdown';
  title: string;
  description: string;
  nextSteps?: string[];
  keywords?: string[];
}

export interface ChatMetadata {
  threadId?: string;
  summary?: string;
  eventType?: string;
  relatedResources?: string[];
  additionalContext?: Record<string, string>;
}

/** One Amazon Q Developer custom notification, published as the SNS message as it is (JSON). */
export interface ChatNotification {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: ChatContent;
  metadata?: ChatMetadata;
}

/** Most characters of finding text shown in one code span of a card. */
const FIELD_MAX_CHARS = 300;
/** Most resources named on one card (and in relatedResources). */
const CARD_RESOURCES = 5;

/**
 * A single-line value from a finding, as chat shows it: cleaned like the e-mail's fields (displayFinding
 * has already folded it and defanged URLs), backticks and angle brackets replaced, cut, in inline code.
 */
export function chatField(text: string, maxChars = FIELD_MAX_CHARS): string {
  let value = cleanLine(text)
    .replace(/`/g, "'")
    .replace(/</g, '\u2039')
    .replace(/>/g, '\u203a')
    .replace(/\b(https?):\/\//gi, '$1[:]//');
  if (value.length > maxChars) value = `${value.slice(0, maxChars - 3).trimEnd()}...`;
  return value === '' ? '-' : `\`${value}\``;
}

/** A word the formatter prints outside code (severity, status): letters, digits, spaces and - only. */
function plainWord(text: string, fallback: string): string {
  const word = fitSubject(text)
    .replace(/[^A-Za-z0-9 -]/g, '')
    .trim()
    .slice(0, 40);
  return word === '' ? fallback : word;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** Updates of one finding (same account and finding ID) share one thread of the channel. */
export function threadIdFor(f: Pick<Finding, 'accountId' | 'id'>): string {
  return `secnotify-finding-${sha(`${f.accountId}\n${f.id}`).slice(0, 40)}`;
}

function statusText(f: Finding): string {
  const words = stateWords(f);
  return words.length === 0 ? 'new' : words.join(' and ').toLowerCase();
}

function accountText(f: Finding): string {
  return f.accountName
    ? `${chatField(f.accountName, 80)} (${chatField(f.accountId, 20)})`
    : chatField(f.accountId, 20);
}

/** The card for one finding: severity, title, account, resource, status, console link and sign-in link. */
export function chatNotificationFor(
  original: Finding,
  settings: Pick<EmailSettings, 'idcSubdomain' | 'permissionSet'>,
): ChatNotification {
  const f = displayFinding(original);
  const severity = plainWord(f.severity, 'Unknown');
  const status = plainWord(statusText(f), 'new');
  const resources = f.resources.slice(0, CARD_RESOURCES);
  const lines = [
    `*Severity:* ${severity}`,
    `*Status:* ${status}`,
    `*Title:* ${chatField(f.title)}`,
    `*Account:* ${accountText(f)}, region ${chatField(f.region, 30)}`,
    `*Product:* ${chatField(f.productName, 100)}`,
    ...(resources.length === 0
      ? ['*Resource:* -']
      : resources.map(
          (r, i) =>
            `*Resource${f.resources.length > 1 ? ` ${i + 1}` : ''}:* ${chatField(r.type, 80)} ${chatField(r.id)}`,
        )),
    ...(f.resources.length > CARD_RESOURCES
      ? [`... and ${f.resources.length - CARD_RESOURCES} more resources`]
      : []),
    `*Finding ID:* ${chatField(f.id)}`,
  ];
  const signIn = settings.idcSubdomain && settings.permissionSet;
  const nextSteps = [`Open the finding in the Security Hub console: ${consoleUrl(original)}`];
  if (signIn) {
    nextSteps.push(
      `Sign in with IAM Identity Center (permission set ${plainWord(settings.permissionSet!, '-')}) and open it: ${findingLink(original, settings)}`,
    );
  }
  return {
    version: '1.0',
    source: 'custom',
    id: `secnotify-${sha(`${f.accountId}\n${f.id}\n${f.updatedAt ?? ''}\n${status}`).slice(0, 40)}`,
    content: {
      textType: 'client-markdown',
      title: `${severity} severity ${status} Security Hub finding`,
      description: lines.join('\n'),
      nextSteps,
      keywords: [severity, status, 'Security Hub'],
    },
    metadata: {
      threadId: threadIdFor(original),
      summary: fitSubject(`${severity} ${status} Security Hub finding on ${f.accountId}: ${f.title}`),
      eventType: 'SecurityHubFinding',
      relatedResources: resources.map((r) => cleanLine(r.id).slice(0, 256)).filter((r) => r !== ''),
      additionalContext: {
        findingId: cleanLine(f.id).slice(0, 512),
        accountId: cleanLine(f.accountId).slice(0, 64),
        region: cleanLine(f.region).slice(0, 64),
      },
    },
  };
}

/**
 * The dead-letter alarm's e-mail (alarm.ts, written from the alarm's cleaned fields) as a chat message: the
 * subject as title, the text as a code block so that nothing in it is markup.
 */
export function alarmChat(email: { subject: string; message: string }): ChatNotification {
  const text = email.message.replace(/`/g, "'").slice(0, 3000);
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: fitSubject(email.subject),
      description: `\`\`\`\n${text}\n\`\`\``,
      keywords: ['Security Hub', 'dead-letter'],
    },
    metadata: { eventType: 'SecurityHubNotificationsDeadLetterAlarm' },
  };
}

/** The SNS message for a chat notification (SNS delivers it to Amazon Q Developer as it is). */
export function chatMessage(notification: ChatNotification): string {
  return JSON.stringify(notification);
}

// ---------------------------------------------------------------------------------------------------
// eventbridge mode: the chat target's input transformer, applied offline (preview, tests).

/** The chat targets' transformers of a rendered eventbridge-mode template, by the detail-type of their rule. */
export function chatTransformers(
  rendered: CfnTemplate,
): { detailType: string; transformer: InputTransformer }[] {
  const out: { detailType: string; transformer: InputTransformer }[] = [];
  for (const resource of Object.values(rendered.Resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    for (const target of (resource.Properties?.Targets ?? []) as Record<string, unknown>[]) {
      const branch = (target['Fn::If'] as [string, Record<string, unknown>, unknown] | undefined)?.[1];
      if (branch?.Id !== 'chat-topic') continue;
      const detailType = /detail-type\\*"\s*:\s*\[\\*"([^"\\]+)\\*"\]/.exec(
        JSON.stringify(resource.Properties?.EventPattern ?? ''),
      )?.[1];
      if (detailType) out.push({ detailType, transformer: branch.InputTransformer as InputTransformer });
    }
  }
  return out;
}

/** The chat messages eventbridge mode sends for `event` (one per rule of its detail-type with a chat target). */
export function eventbridgeChatMessages(event: unknown, rendered: CfnTemplate): string[] {
  const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
  return chatTransformers(rendered)
    .filter((c) => c.detailType === detailType)
    .map((c) => applyJsonTransformer(c.transformer, event));
}
