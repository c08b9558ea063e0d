// Finding → e-mail (SNS Subject + Message), used by the formatter Lambda and by `secnotify preview`.
// SNS rejects subjects that are not ASCII, contain line breaks or exceed 100 characters, and messages
// over 256 KB; the original formatter ignored all four, so every rule here is about staying inside them.
import { fromAsff, isAsffFinding } from './asff.js';
import { type Finding, isObject, type JsonObject, str } from './model.js';
import { fromOcsf, isOcsfFinding } from './ocsf.js';

export interface EmailSettings {
  /** IANA time zone for the dates in the body. */
  timeZone: string;
  /** Identity Center access-portal subdomain (`d-abcd1234` or a custom alias). */
  idcSubdomain?: string;
  /** Permission set the deep link signs in with; the deep link needs both. */
  permissionSet?: string;
  /** Skip Security Hub control findings that are merely re-evaluated (NEW, CreatedAt != UpdatedAt). */
  skipRepeated: boolean;
}

export interface Email {
  subject: string;
  message: string;
}

/** What happens to one finding of an event: an e-mail, or the reason there is none. */
export interface EmailPlan {
  finding: Finding;
  email?: Email;
  skipped?: string;
}

export const SUBJECT_MAX_CHARS = 100;
/** SNS allows 262144 bytes per message; a little is kept back for the subject and attributes. */
export const MESSAGE_MAX_BYTES = 256 * 1024 - 1024;
/** A description longer than this is cut in the body (the raw JSON below still has what fits). */
const DESCRIPTION_MAX_BYTES = 32 * 1024;

// ---------------------------------------------------------------------------------------------------
// Input: EventBridge events (ASFF or OCSF), GetFindings-like `{Findings: […]}`, or a bare finding.

interface Parsed {
  event?: JsonObject;
  findings: Finding[];
}

function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input !== 'object') return `a ${typeof input}`;
  const keys = Object.keys(input).slice(0, 6);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.join(', ')}`;
}

function parseFinding(value: unknown, where: string, eventRegion?: string): Finding {
  if (isAsffFinding(value)) return fromAsff(value, eventRegion);
  if (isOcsfFinding(value)) return fromOcsf(value, eventRegion);
  throw new Error(
    `${where} is not a Security Hub finding: expected ASFF (Id, AwsAccountId, ProductArn) or OCSF (finding_info, cloud.account.uid), got ${describeInput(value)}.`,
  );
}

export function parseFindings(input: unknown): Parsed {
  if (isObject(input) && isObject(input.detail) && 'findings' in input.detail) {
    const list = input.detail.findings;
    if (!Array.isArray(list) || list.length === 0) {
      throw new Error('The EventBridge event has no findings in detail.findings.');
    }
    const region = str(input.region);
    return { event: input, findings: list.map((f, i) => parseFinding(f, `detail.findings[${i}]`, region)) };
  }
  if (isObject(input) && (Array.isArray(input.Findings) || Array.isArray(input.findings))) {
    const list = (input.Findings ?? input.findings) as unknown[];
    if (list.length === 0) throw new Error('The input holds an empty list of findings.');
    return { findings: list.map((f, i) => parseFinding(f, `findings[${i}]`)) };
  }
  if (isAsffFinding(input) || isOcsfFinding(input)) return { findings: [parseFinding(input, 'The input')] };
  throw new Error(
    `The input is neither a Security Hub EventBridge event (detail.findings) nor a finding (ASFF or OCSF): got ${describeInput(input)}.`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Subject: ASCII only, one line, at most 100 characters.

const ASCII_FOR: Record<string, string> = {
  ß: 'ss',
  ẞ: 'SS',
  Æ: 'AE',
  æ: 'ae',
  Œ: 'OE',
  œ: 'oe',
  Ø: 'O',
  ø: 'o',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Þ: 'Th',
  þ: 'th',
  ı: 'i',
  '‘': "'",
  '’': "'",
  '‚': "'",
  '‛': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '«': '"',
  '»': '"',
  '‹': "'",
  '›': "'",
  '–': '-',
  '—': '-',
  '‐': '-',
  '−': '-',
  '…': '...',
  '•': '*',
  '·': '.',
  '€': 'EUR',
  '£': 'GBP',
  '©': '(c)',
  '®': '(R)',
  '™': '(TM)',
};

/** Folds all whitespace (line breaks, tabs, no-break and ideographic spaces) and control characters. */
export function foldWhitespace(text: string): string {
  return text.replace(/[\s\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();
}

/**
 * ASCII transliteration for the subject: accents are dropped (NFKD + no combining marks), a few
 * letters and punctuation marks get their usual spelling, pictographs disappear, and whatever is left
 * (CJK, Cyrillic, …) becomes one `?` per run; the body keeps the original text.
 */
export function toAscii(text: string): string {
  return foldWhitespace(text)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\x20-\x7e]/g, (ch) => ASCII_FOR[ch] ?? ch)
    .replace(/(?:\p{Extended_Pictographic}|\u200d|\ufe0f)+/gu, '')
    .replace(/[^\x20-\x7e]+/g, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
}

function accountLabel(f: Finding): string {
  return f.accountName ?? f.accountId;
}

/** The words for the finding's state: `new`, or what it is now (`resolved`, `archived`, …). */
function stateWords(f: Finding): string[] {
  const words: string[] = [];
  if (f.workflowStatus !== 'NEW') words.push(f.workflowStatus.replace(/_/g, ' '));
  if (f.recordState !== 'ACTIVE') words.push(f.recordState.replace(/_/g, ' '));
  return words;
}

export function subjectFor(f: Finding): string {
  const state = stateWords(f);
  const status = state.length === 0 ? 'new' : state.join(' and ').toLowerCase();
  const subject = toAscii(
    `${f.severity} severity ${status} Security Hub finding on ${accountLabel(f)}: ${f.title}`,
  );
  if (subject.length <= SUBJECT_MAX_CHARS) return subject;
  return `${subject.slice(0, SUBJECT_MAX_CHARS - 3).trimEnd()}...`;
}

// ---------------------------------------------------------------------------------------------------
// Times in the subscriber's zone.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'longOffset',
      });
    } catch {
      throw new Error(`Unknown time zone "${timeZone}": use an IANA name such as UTC or Europe/Berlin.`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `2024-03-31 03:00:00 UTC+02:00 (Europe/Berlin)`; text that is not a date is shown as it came. */
export function formatTime(iso: string, timeZone: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(time)) parts[part.type] = part.value;
  const offset =
    parts.timeZoneName === 'GMT' ? 'UTC+00:00' : (parts.timeZoneName ?? '').replace(/^GMT/, 'UTC');
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${offset} (${timeZone})`;
}

// ---------------------------------------------------------------------------------------------------
// Links.

const CONSOLE_HOSTS: Record<string, string> = {
  aws: 'console.aws.amazon.com',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
  'aws-cn': 'console.amazonaws.cn',
};
// The console's finding search takes `<field>=\operator\:EQUALS\:<value>`, URL-encoded twice in the
// hash route (the form AWS's own solutions link with); the value is encoded twice to match.
const EQUALS_FILTER = '%3D%255Coperator%255C%253AEQUALS%255C%253A';

/** The finding in the Security Hub console of its own region (ASFF: CSPM console; OCSF: new console). */
export function consoleUrl(f: Finding): string {
  const host = CONSOLE_HOSTS[f.partition] ?? CONSOLE_HOSTS.aws;
  const value = encodeURIComponent(encodeURIComponent(f.id));
  const region = encodeURIComponent(f.region);
  return f.format === 'ocsf'
    ? `https://${region}.${host}/securityhub/v2/home?region=${region}#/findings?search=finding_info.uid${EQUALS_FILTER}${value}`
    : `https://${region}.${host}/securityhub/home?region=${region}#/findings?search=Id${EQUALS_FILTER}${value}`;
}

/** The console link, through the Identity Center sign-in deep link when both parts are configured. */
export function findingLink(
  f: Finding,
  settings: Pick<EmailSettings, 'idcSubdomain' | 'permissionSet'>,
): string {
  const url = consoleUrl(f);
  if (!settings.idcSubdomain || !settings.permissionSet) return url;
  const portal = f.partition === 'aws-cn' ? 'awsapps.cn' : 'awsapps.com';
  return (
    `https://${settings.idcSubdomain}.${portal}/start/#/console?account_id=${encodeURIComponent(f.accountId)}` +
    `&role_name=${encodeURIComponent(settings.permissionSet)}&destination=${encodeURIComponent(url)}`
  );
}

// ---------------------------------------------------------------------------------------------------
// Body.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, never splitting a character. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  const bytes = encoder.encode(text);
  let end = Math.max(0, maxBytes);
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return decoder.decode(bytes.subarray(0, end));
}

function firstLine(f: Finding): string {
  const where = `account ${f.accountName ? `${f.accountName} (${f.accountId})` : f.accountId} in ${f.region}`;
  const state = stateWords(f);
  if (state.length === 0) {
    return `New ${f.severity} severity finding from ${f.productName} in ${where}: ${foldWhitespace(f.title)}`;
  }
  return `The ${f.severity} severity finding from ${f.productName} in ${where} is now ${state.join(' and ')}: ${foldWhitespace(f.title)}`;
}

function statusLine(f: Finding): string {
  return f.format === 'ocsf'
    ? `${f.recordState === 'ACTIVE' ? f.workflowStatus : f.recordState}`
    : `${f.workflowStatus} (record state ${f.recordState})`;
}

function bodyHead(f: Finding, settings: EmailSettings, eventFindings: number): string {
  const lines: string[] = [firstLine(f), ''];
  lines.push(
    'Account',
    `  ID:      ${f.accountId}`,
    `  Name:    ${accountLabel(f)}`,
    `  Region:  ${f.region}`,
    '',
  );

  let description = f.description;
  if (utf8Bytes(description) > DESCRIPTION_MAX_BYTES) {
    const total = utf8Bytes(description);
    description = `${cutToBytes(description, DESCRIPTION_MAX_BYTES)} [description cut: ${DESCRIPTION_MAX_BYTES} of ${total} bytes shown]`;
  }
  lines.push(
    'Finding',
    `  Product:     ${f.productName}`,
    `  Title:       ${foldWhitespace(f.title)}`,
    `  Severity:    ${f.severity}`,
    `  Status:      ${statusLine(f)}`,
    `  Types:       ${f.types.length > 0 ? f.types.join('; ') : '-'}`,
    `  Created:     ${f.createdAt ? formatTime(f.createdAt, settings.timeZone) : '-'}`,
    `  Updated:     ${f.updatedAt ? formatTime(f.updatedAt, settings.timeZone) : '-'}`,
    `  Finding ID:  ${f.id}`,
    '',
    'Description',
    description === '' ? '  -' : description,
    '',
    'Recommendation',
    `  ${f.recommendationText ?? 'None provided.'}`,
  );
  if (f.recommendationUrl) lines.push(`  ${f.recommendationUrl}`);
  lines.push('', `Resources (${f.resources.length})`);
  if (f.resources.length === 0) lines.push('  -');
  f.resources.forEach((r, i) => {
    lines.push(`  ${i + 1}. ${r.type}`, `     ID:     ${r.id}`, `     Region: ${r.region ?? f.region}`);
    lines.push(`     Tags:   ${r.tags.length > 0 ? r.tags.map(([k, v]) => `${k}=${v}`).join(', ') : '-'}`);
  });
  const signIn = settings.idcSubdomain && settings.permissionSet;
  lines.push(
    '',
    signIn
      ? `Open the finding in the Security Hub console (signs you in with IAM Identity Center, permission set ${settings.permissionSet}):`
      : 'Open the finding in the Security Hub console:',
    findingLink(f, settings),
  );
  if (eventFindings > 1) {
    lines.push(
      '',
      `This event held ${eventFindings} findings; each has its own e-mail and the JSON below holds this one.`,
    );
  }
  return lines.join('\n');
}

function rawDocument(parsed: Parsed, f: Finding): unknown {
  if (!parsed.event) return f.raw;
  const detail = parsed.event.detail as JsonObject;
  return { ...parsed.event, detail: { ...detail, findings: [f.raw] } };
}

export function emailFor(
  f: Finding,
  settings: EmailSettings,
  raw: unknown = f.raw,
  eventFindings = 1,
): Email {
  const subject = subjectFor(f);
  let head = bodyHead(f, settings, eventFindings);
  const rawJson = JSON.stringify(raw, null, 2);
  const rawLabel = raw === f.raw ? 'Raw finding JSON' : 'Raw event JSON';
  const budget = MESSAGE_MAX_BYTES - utf8Bytes(subject);

  const whole = `${head}\n\n${rawLabel}:\n${rawJson}`;
  if (utf8Bytes(whole) <= budget) return { subject, message: whole };

  // Too big for SNS: keep the readable part whole (it was bounded above unless there are very many
  // resources) and cut the JSON, saying so where the reader will look.
  const reserve = 512;
  if (utf8Bytes(head) > budget / 2) {
    head = `${cutToBytes(head, budget / 2)}\n[... e-mail text cut to stay within the SNS 256 KB limit]`;
  }
  const rawBytes = utf8Bytes(rawJson);
  const room = Math.max(0, budget - utf8Bytes(head) - reserve);
  const cut = cutToBytes(rawJson, room);
  const marker = `[... raw JSON cut: ${utf8Bytes(cut)} of ${rawBytes} bytes shown, to stay within the SNS 256 KB limit]`;
  return {
    subject,
    message: `${head}\n\n${rawLabel} (cut, see the end):\n${cut}\n${marker}`,
  };
}

/** Whether the finding is a Security Hub control finding that was only re-evaluated, not new. */
export function isRepeatedControlFinding(f: Finding): boolean {
  if (f.productName !== 'Security Hub' || f.workflowStatus !== 'NEW' || f.recordState !== 'ACTIVE')
    return false;
  if (!f.createdAt || !f.updatedAt) return false;
  const created = Date.parse(f.createdAt);
  const updated = Date.parse(f.updatedAt);
  if (Number.isNaN(created) || Number.isNaN(updated)) return f.createdAt !== f.updatedAt;
  return created !== updated;
}

/** One plan per finding of the input, in order: the e-mail, or why none is sent. */
export function planEmails(input: unknown, settings: EmailSettings): EmailPlan[] {
  formatterFor(settings.timeZone);
  const parsed = parseFindings(input);
  return parsed.findings.map((finding) => {
    if (settings.skipRepeated && isRepeatedControlFinding(finding)) {
      return {
        finding,
        skipped: `repeated Security Hub control finding (created ${finding.createdAt}, updated ${finding.updatedAt})`,
      };
    }
    return {
      finding,
      email: emailFor(finding, settings, rawDocument(parsed, finding), parsed.findings.length),
    };
  });
}

/** The e-mails for an EventBridge event (ASFF or OCSF) or a bare finding; throws on anything else. */
export function emailsForEvent(event: unknown, settings: EmailSettings): Email[] {
  return planEmails(event, settings).flatMap((plan) => (plan.email ? [plan.email] : []));
}
