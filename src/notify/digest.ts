// Digests, formatting: the findings queued for a period, de-duplicated to their latest state, as one e-mail
// and one chat message (sorted by severity, cut with "and N more"). Publishing and draining the queue, and
// why a message is deleted only after its digest was published: digest-delivery.ts.
import { createHash } from 'node:crypto';
import { type ChatNotification, chatField } from './chat.js';
import {
  cutToBytes,
  displayFinding,
  type Email,
  type EmailSettings,
  findingLink,
  fitSubject,
  MESSAGE_MAX_BYTES,
  SEVERITY_RANK,
  stateWords,
  utf8Bytes,
} from './format.js';
import type { Finding } from './model.js';

export type Destination = 'email' | 'chat';

/** What a queued message holds about a finding: what the digest lists, bounded in size. */
export type DigestEntry = Pick<
  Finding,
  | 'format'
  | 'id'
  | 'accountId'
  | 'accountName'
  | 'region'
  | 'partition'
  | 'productName'
  | 'title'
  | 'severity'
  | 'workflowStatus'
  | 'recordState'
  | 'updatedAt'
> & {
  /** The first resources (type, ID). */
  resources: { type: string; id: string }[];
  resourceCount: number;
};

/** The body of one queued message. */
export interface QueuedFinding {
  secnotifyDigest: 1;
  to: Destination;
  finding: DigestEntry;
}

/** A message taken from the queue (ReceiveMessage or an SQS event record). */
export interface QueueMessage {
  messageId: string;
  receiptHandle?: string;
  body: string;
}

const cut = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);

export function digestEntryOf(f: Finding): DigestEntry {
  return {
    format: f.format,
    id: cut(f.id, 1024),
    accountId: cut(f.accountId, 64),
    ...(f.accountName ? { accountName: cut(f.accountName, 256) } : {}),
    region: cut(f.region, 64),
    partition: cut(f.partition, 32),
    productName: cut(f.productName, 256),
    title: cut(f.title, 1024),
    severity: cut(f.severity, 64),
    workflowStatus: cut(f.workflowStatus, 64),
    recordState: cut(f.recordState, 64),
    ...(f.updatedAt ? { updatedAt: cut(f.updatedAt, 64) } : {}),
    resources: f.resources.slice(0, 3).map((r) => ({ type: cut(r.type, 256), id: cut(r.id, 1024) })),
    resourceCount: f.resources.length,
  };
}

/** The message bodies for findings to queue: one per finding and destination. */
export function queueBodies(findings: Finding[], destinations: Destination[]): string[] {
  return findings.flatMap((f) => {
    const entry = digestEntryOf(f);
    return destinations.map((to) =>
      JSON.stringify({ secnotifyDigest: 1, to, finding: entry } satisfies QueuedFinding),
    );
  });
}

function findingOf(e: DigestEntry): Finding {
  return {
    format: e.format,
    id: e.id,
    accountId: e.accountId,
    accountName: e.accountName,
    region: e.region,
    partition: e.partition,
    productName: e.productName,
    title: e.title,
    description: '',
    severity: e.severity,
    types: [],
    workflowStatus: e.workflowStatus,
    recordState: e.recordState,
    updatedAt: e.updatedAt,
    resources: e.resources.map((r) => ({ ...r, tags: [] })),
    raw: {},
  };
}

export function parseBody(body: string): QueuedFinding | undefined {
  try {
    const value = JSON.parse(body) as QueuedFinding;
    if (value?.secnotifyDigest !== 1 || (value.to !== 'email' && value.to !== 'chat')) return undefined;
    const f = value.finding;
    if (typeof f?.id !== 'string' || typeof f.accountId !== 'string' || !Array.isArray(f.resources))
      return undefined;
    return value;
  } catch {
    return undefined;
  }
}

const rank = (severity: string) => SEVERITY_RANK[severity] ?? 0;

/**
 * The findings of a period, each once in its latest state (same account and finding ID: the latest
 * `updatedAt`, or the later message when the times are equal or missing), most severe first.
 */
export function latestFindings(entries: DigestEntry[]): DigestEntry[] {
  const latest = new Map<string, { e: DigestEntry; order: number }>();
  entries.forEach((e, order) => {
    const key = `${e.accountId}\n${e.id}`;
    const seen = latest.get(key);
    const newer =
      !seen ||
      (Date.parse(e.updatedAt ?? '') || 0) > (Date.parse(seen.e.updatedAt ?? '') || 0) ||
      ((Date.parse(e.updatedAt ?? '') || 0) === (Date.parse(seen.e.updatedAt ?? '') || 0) &&
        order > seen.order);
    if (newer) latest.set(key, { e, order });
  });
  return [...latest.values()]
    .sort((a, b) => rank(b.e.severity) - rank(a.e.severity) || a.order - b.order)
    .map((x) => x.e);
}

export function digestIdOf(messageIds: string[]): string {
  return createHash('sha256')
    .update([...messageIds].sort().join('\n'))
    .digest('hex')
    .slice(0, 32);
}

interface Shown {
  e: DigestEntry;
  d: Finding;
}

function countsBySeverity(items: Shown[]): string {
  const counts = new Map<string, number>();
  for (const { d } of items) counts.set(d.severity, (counts.get(d.severity) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => rank(b[0]) - rank(a[0]))
    .map(([severity, n]) => `${n} ${severity}`)
    .join(', ');
}

function statusOf(d: Finding): string {
  const words = stateWords(d);
  return words.length === 0 ? 'NEW' : words.join(' and ');
}

function resourceText(d: Finding, count: number): string {
  const first = d.resources[0];
  if (!first) return '-';
  return `${first.type} ${first.id}${count > 1 ? ` (and ${count - 1} more)` : ''}`;
}

export interface DigestOptions {
  /** How the period is named in the text, e.g. "the last hour". */
  period?: string;
  digestId?: string;
}

/**
 * The digest e-mail: the subject counts findings by severity (ASCII, under 100 characters), the body lists
 * each finding once (title, resource, status, console link), most severe first, cut with "and N more" to
 * stay within SNS's message size. Throws on an empty list: nothing is sent for an empty period.
 */
export function digestEmail(
  entries: DigestEntry[],
  settings: EmailSettings,
  options: DigestOptions = {},
): Email {
  const items = latestFindings(entries).map((e) => ({ e, d: displayFinding(findingOf(e)) }));
  if (items.length === 0) throw new Error('a digest needs at least one finding');
  const counts = countsBySeverity(items);
  const accounts = new Set(items.map((i) => i.d.accountId));
  const on = accounts.size === 1 ? ` on ${items[0]!.d.accountId}` : ` on ${accounts.size} accounts`;
  // The counts matter most: the account part, then the total, give way before anything is cut.
  const total = items.length > 1 ? ` (${items.length} findings)` : '';
  const subject =
    [`Security Hub digest${on}: ${counts}${total}`, `Security Hub digest: ${counts}${total}`]
      .map(fitSubject)
      .find((text) => !text.endsWith('...')) ?? fitSubject(`Security Hub digest: ${counts}`);
  const head = [
    `Security Hub findings for this subscription${options.period ? ` in ${options.period}` : ''}: ${counts}.`,
    'Each finding is listed once, in its latest state, most severe first; open it in the console for its details.',
    '',
  ].join('\n');
  const foot = options.digestId ? `\nDigest ID: ${options.digestId}` : '';
  const budget = MESSAGE_MAX_BYTES - utf8Bytes(subject) - utf8Bytes(foot) - 1024;
  const parts: string[] = [head];
  let used = utf8Bytes(head);
  let listed = 0;
  for (const { e, d } of items) {
    const entry = [
      `${listed + 1}. ${d.severity}: ${d.title}`,
      `   Account:  ${d.accountName ? `${d.accountName} (${d.accountId})` : d.accountId}, ${d.region}`,
      `   Resource: ${resourceText(d, e.resourceCount)}`,
      `   Status:   ${statusOf(d)}`,
      `   ${findingLink(findingOf(e), settings)}`,
      '',
    ].join('\n');
    const size = utf8Bytes(entry) + 1;
    if (used + size > budget) break;
    parts.push(entry);
    used += size;
    listed++;
  }
  if (listed < items.length) {
    parts.push(
      `... and ${items.length - listed} more (not listed, to stay within the SNS 256 KB limit). Security Hub shows them all.`,
    );
  }
  return { subject, message: cutToBytes(`${parts.join('\n').trimEnd()}\n${foot}`, MESSAGE_MAX_BYTES) };
}

/** Most findings one chat digest lists. */
export const CHAT_DIGEST_ITEMS = 15;
/** A chat card's description is kept to this many characters. */
export const CHAT_DESCRIPTION_MAX_CHARS = 3500;

/** The digest as one chat card (same order and de-duplication as the e-mail, fewer entries). */
export function digestChat(
  entries: DigestEntry[],
  settings: EmailSettings,
  options: DigestOptions = {},
): ChatNotification {
  const items = latestFindings(entries).map((e) => ({ e, d: displayFinding(findingOf(e)) }));
  if (items.length === 0) throw new Error('a digest needs at least one finding');
  const counts = countsBySeverity(items);
  const lines: string[] = [];
  let used = 0;
  let listed = 0;
  for (const { e, d } of items) {
    if (listed >= CHAT_DIGEST_ITEMS) break;
    const line = `${listed + 1}. *${d.severity.replace(/[^A-Za-z]/g, '') || 'Unknown'}* ${chatField(d.title, 150)} on ${chatField(resourceText(d, e.resourceCount), 150)}, ${statusOf(d).toLowerCase()}: ${findingLink(findingOf(e), settings)}`;
    if (used + line.length + 1 > CHAT_DESCRIPTION_MAX_CHARS - 200) break;
    lines.push(line);
    used += line.length + 1;
    listed++;
  }
  if (listed < items.length)
    lines.push(`... and ${items.length - listed} more. Security Hub shows them all.`);
  const title = fitSubject(`Security Hub digest: ${counts}`).replace(/[^A-Za-z0-9 ,:()-]/g, '');
  return {
    version: '1.0',
    source: 'custom',
    ...(options.digestId ? { id: `secnotify-digest-${options.digestId}` } : {}),
    content: {
      textType: 'client-markdown',
      title,
      description: lines.join('\n'),
      keywords: ['Security Hub', 'digest'],
    },
    metadata: {
      summary: title,
      eventType: 'SecurityHubFindingsDigest',
      additionalContext: {
        findings: String(items.length),
        ...(options.digestId ? { digestId: options.digestId } : {}),
      },
    },
  };
}
