// Digests: in the product's digest deliveries (every 5 minutes, hourly, daily) the formatter Lambda queues
// each finding it would have sent in the subscription's encrypted SQS queue, one message per destination
// (email, chat), and later sends one e-mail and one chat message for everything queued.
//
// Two ways to reach the queue, both ending in publishDigests:
// - every 5 minutes: an SQS event source mapping with MaximumBatchingWindowInSeconds 300 hands the Lambda a
//   batch (`Records`); the function answers with `batchItemFailures` (ReportBatchItemFailures), and Lambda
//   deletes exactly the messages not listed there (AWS Lambda Developer Guide, "Using Lambda with Amazon SQS",
//   "Handling errors for an SQS event source in Lambda").
// - hourly or daily: a schedule invokes the Lambda with `{"secnotify": "drain"}`; drainQueue receives
//   messages (ReceiveMessage loop) until the queue is empty and deletes them itself.
//
// A message is deleted only after the digest of its destination was published: when the e-mail digest is
// published and the chat digest is not, only the e-mail messages are deleted; the chat messages come back
// after the queue's visibility timeout and go into the next attempt, which therefore sends the chat digest
// once and never the e-mail digest again. The digest ID is derived from the SQS message IDs it covers
// (sorted, SHA-256), so a retry over the same messages carries the same ID in its log line, chat `id` and
// e-mail footer. The one window left is a publish that succeeded followed by a DeleteMessage that failed
// after its retries: those findings are listed again in the next digest (logged as `not-deleted`).
import { createHash } from 'node:crypto';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { type ChatNotification, chatField, chatMessage } from './chat.js';
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
import type { Finding, FindingFormat } from './model.js';

export type Destination = 'email' | 'chat';

/** What a queued message holds about a finding: what the digest lists, bounded in size. */
export interface DigestEntry {
  format: FindingFormat;
  id: string;
  accountId: string;
  accountName?: string;
  region: string;
  partition: string;
  productName: string;
  title: string;
  severity: string;
  workflowStatus: string;
  recordState: string;
  updatedAt?: string;
  /** The first resources (type, ID). */
  resources: { type: string; id: string }[];
  resourceCount: number;
}

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

function parseBody(body: string): QueuedFinding | undefined {
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

// ---------------------------------------------------------------------------------------------------
// Publishing a period's digests, and draining the queue.

export interface DigestTargets {
  /** The e-mail topic; without it e-mail messages are not expected (and are dropped if found). */
  emailTopicArn?: string;
  chatTopicArn?: string;
}

export interface DigestDeps {
  sns: Pick<SNSClient, 'send'>;
  sqs?: Pick<SQSClient, 'send'>;
  settings: EmailSettings;
  targets: DigestTargets;
  log?: (line: string) => void;
  period?: string;
}

export interface DigestResult {
  /** Digests published, by destination. */
  published: Destination[];
  /** Message IDs whose digest could not be published (kept in the queue). */
  failedMessageIds: string[];
  /** Message IDs covered by a published digest (to delete). */
  doneMessageIds: string[];
  /** Findings listed (after de-duplication), by destination. */
  findings: Partial<Record<Destination, number>>;
}

const errorText = (error: unknown) =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);

/**
 * One digest per destination for the messages of a period; publishes and reports which messages are done
 * (their digest went out, or they are unreadable or have no destination any more) and which failed.
 */
export async function publishDigests(messages: QueueMessage[], deps: DigestDeps): Promise<DigestResult> {
  const log = deps.log ?? ((line: string) => console.log(line));
  const { PublishCommand } = await import('@aws-sdk/client-sns');
  const result: DigestResult = { published: [], failedMessageIds: [], doneMessageIds: [], findings: {} };
  const groups: Record<Destination, { ids: string[]; entries: DigestEntry[] }> = {
    email: { ids: [], entries: [] },
    chat: { ids: [], entries: [] },
  };
  for (const m of messages) {
    const q = parseBody(m.body);
    const topic = q && (q.to === 'email' ? deps.targets.emailTopicArn : deps.targets.chatTopicArn);
    if (!q || !topic) {
      // Nothing can ever send it: keeping it would only block the queue.
      log(
        JSON.stringify({
          outcome: 'dropped',
          messageId: m.messageId,
          reason: q ? `no ${q.to} destination` : 'not a queued finding',
        }),
      );
      result.doneMessageIds.push(m.messageId);
      continue;
    }
    groups[q.to].ids.push(m.messageId);
    groups[q.to].entries.push(q.finding);
  }
  for (const to of ['email', 'chat'] as const) {
    const group = groups[to];
    if (group.ids.length === 0) continue;
    const digestId = digestIdOf(group.ids);
    const options = { period: deps.period, digestId };
    try {
      const command =
        to === 'email'
          ? (() => {
              const email = digestEmail(group.entries, deps.settings, options);
              return new PublishCommand({
                TopicArn: deps.targets.emailTopicArn,
                Subject: email.subject,
                Message: email.message,
              });
            })()
          : new PublishCommand({
              TopicArn: deps.targets.chatTopicArn,
              Message: chatMessage(digestChat(group.entries, deps.settings, options)),
            });
      const response = await deps.sns.send(command);
      result.published.push(to);
      result.doneMessageIds.push(...group.ids);
      result.findings[to] = latestFindings(group.entries).length;
      log(
        JSON.stringify({
          outcome: 'digest-sent',
          to,
          digestId,
          messages: group.ids.length,
          findings: result.findings[to],
          messageId: response.MessageId,
        }),
      );
    } catch (error) {
      result.failedMessageIds.push(...group.ids);
      log(
        JSON.stringify({
          outcome: 'digest-failed',
          to,
          digestId,
          messages: group.ids.length,
          error: errorText(error),
        }),
      );
    }
  }
  return result;
}

/** An SQS event from the event source mapping (every-5-minutes digests). */
export interface SqsEvent {
  Records: { messageId: string; receiptHandle?: string; body: string; eventSource?: string }[];
}

export function isSqsEvent(event: unknown): event is SqsEvent {
  return (
    typeof event === 'object' &&
    event !== null &&
    Array.isArray((event as SqsEvent).Records) &&
    (event as SqsEvent).Records.every((r) => r?.eventSource === 'aws:sqs')
  );
}

/** The scheduled drain's input (hourly and daily digests). */
export function isDrainEvent(event: unknown): boolean {
  return (
    typeof event === 'object' && event !== null && (event as { secnotify?: unknown }).secnotify === 'drain'
  );
}

/** The event source mapping's batch: the failed messages go back to the queue, Lambda deletes the rest. */
export async function digestFromRecords(
  event: SqsEvent,
  deps: DigestDeps,
): Promise<{ batchItemFailures: { itemIdentifier: string }[]; digest: DigestResult }> {
  const digest = await publishDigests(
    event.Records.map((r) => ({ messageId: r.messageId, receiptHandle: r.receiptHandle, body: r.body })),
    deps,
  );
  return { batchItemFailures: digest.failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })), digest };
}

export interface DrainOptions {
  queueUrl: string;
  /** Seconds a received message stays invisible; longer than publishing and deleting take. */
  visibilityTimeout?: number;
  /** Most messages one drain takes (the rest wait for the next run). */
  maxMessages?: number;
}

export interface DrainResult extends DigestResult {
  received: number;
  deleted: number;
  notDeleted: number;
}

/**
 * The scheduled drain: receives until the queue answers empty (or maxMessages), publishes one digest per
 * destination, then deletes the messages whose digest went out. Nothing is published for an empty queue.
 * Throws when a digest failed, so that the schedule's retry policy runs it again.
 */
export async function drainQueue(deps: DigestDeps, options: DrainOptions): Promise<DrainResult> {
  if (!deps.sqs) throw new Error('drainQueue needs an SQS client');
  const sqs = deps.sqs;
  const log = deps.log ?? ((line: string) => console.log(line));
  const { ReceiveMessageCommand, DeleteMessageBatchCommand, ChangeMessageVisibilityBatchCommand } =
    await import('@aws-sdk/client-sqs');
  const max = options.maxMessages ?? 10_000;
  const messages: QueueMessage[] = [];
  const seen = new Set<string>();
  while (messages.length < max) {
    const response = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max - messages.length),
        VisibilityTimeout: options.visibilityTimeout ?? 900,
        WaitTimeSeconds: 0,
      }),
    );
    const batch = response.Messages ?? [];
    if (batch.length === 0) break;
    for (const m of batch) {
      if (!m.MessageId || !m.ReceiptHandle || seen.has(m.MessageId)) continue;
      seen.add(m.MessageId);
      messages.push({ messageId: m.MessageId, receiptHandle: m.ReceiptHandle, body: m.Body ?? '' });
    }
  }
  const empty: DrainResult = {
    published: [],
    failedMessageIds: [],
    doneMessageIds: [],
    findings: {},
    received: 0,
    deleted: 0,
    notDeleted: 0,
  };
  if (messages.length === 0) {
    log(JSON.stringify({ outcome: 'digest-empty' }));
    return empty;
  }
  const digest = await publishDigests(messages, deps);
  const handles = new Map(messages.map((m) => [m.messageId, m.receiptHandle!]));
  let deleted = 0;
  let notDeleted = 0;
  for (let i = 0; i < digest.doneMessageIds.length; i += 10) {
    let pending = digest.doneMessageIds.slice(i, i + 10);
    for (let attempt = 0; attempt < 3 && pending.length > 0; attempt++) {
      const response = await sqs
        .send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: pending.map((id, n) => ({ Id: String(n), ReceiptHandle: handles.get(id)! })),
          }),
        )
        .catch((error: unknown) => ({
          Failed: pending.map((_, n) => ({ Id: String(n), Message: errorText(error) })),
        }));
      const failed = new Set((response.Failed ?? []).map((f) => Number(f.Id)));
      deleted += pending.length - failed.size;
      pending = pending.filter((_, n) => failed.has(n));
    }
    for (const id of pending) log(JSON.stringify({ outcome: 'not-deleted', messageId: id }));
    notDeleted += pending.length;
  }
  const result: DrainResult = { ...digest, received: messages.length, deleted, notDeleted };
  if (digest.failedMessageIds.length > 0) {
    // Visible again at once, so the schedule's retry finds them (otherwise they wait out the timeout).
    for (let i = 0; i < digest.failedMessageIds.length; i += 10) {
      await sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: digest.failedMessageIds
              .slice(i, i + 10)
              .map((id, n) => ({ Id: String(n), ReceiptHandle: handles.get(id)!, VisibilityTimeout: 0 })),
          }),
        )
        .catch(() => undefined);
    }
    throw Object.assign(
      new Error(
        `${digest.failedMessageIds.length} queued findings could not be sent as a digest; they stay in the queue for the next attempt.`,
      ),
      { result },
    );
  }
  return result;
}
