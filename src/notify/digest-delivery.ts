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
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { chatMessage } from './chat.js';
import {
  type Destination,
  type DigestEntry,
  digestChat,
  digestEmail,
  digestIdOf,
  latestFindings,
  parseBody,
  type QueueMessage,
} from './digest.js';
import type { EmailSettings } from './format.js';

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
