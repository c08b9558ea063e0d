// The formatter Lambda: one SNS e-mail per finding of the EventBridge event (one summary e-mail for a
// large event). Configuration comes from the environment variables the product template sets
// (SNS_TOPIC_ARN, TIME_ZONE, IDC_SUBDOMAIN, IDC_PERMISSION_SET, SKIP_REPEATED_FINDINGS, ACCOUNT_SCOPE,
// SUBSCRIPTION_ACCOUNT_ID, DEAD_LETTER_QUEUE_URL, and for chat and digests CHAT_TOPIC_ARN, EMAIL_ENABLED,
// DELIVERY, DIGEST_QUEUE_URL, DIGEST_PERIOD); endpoint, region and credentials come from the SDK's
// own environment handling, so AWS_ENDPOINT_URL points it at an emulator in tests.
//
// Delivery, and why it never sends an e-mail twice on a retry:
// EventBridge invokes the function asynchronously. When an invocation fails, Lambda runs it "two more
// times" and then hands the event to the function's dead-letter queue or on-failure destination (AWS
// Lambda Developer Guide, "How Lambda handles errors and retries with asynchronous invocation"). A retry
// runs the whole event again, so this handler fails the invocation only when it published nothing: then
// a retry cannot duplicate anything, and after the last retry the event lands in the template's
// DeadLetterConfig queue. Once at least one e-mail of the event went out, the invocation succeeds, and
// every finding whose e-mail could not be published goes to the same queue (DEAD_LETTER_QUEUE_URL, SQS
// SendMessage) as an event holding that finding alone, with one log line each: nothing is lost silently and
// nothing is sent twice. Without a dead-letter queue configured, a partial failure still fails the
// invocation: a duplicate e-mail is better than a lost one.
//
// Chat: with CHAT_TOPIC_ARN each delivery is also published as an Amazon Q Developer custom notification
// (chat.ts); a finding counts as sent when all its messages went out, and "published nothing" counts every
// message, so a chat failure after a sent e-mail dead-letters the finding instead of retrying the event.
// Digests (DELIVERY=digest): an EventBridge event only queues its findings; an SQS batch or the scheduled
// drain sends the digest (digest.ts, which explains deletion and retries).
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { deadLetterAlarmEmail, readAlarmEvent } from './alarm.js';
import { alarmChat, chatMessage, chatNotificationFor } from './chat.js';
import { type Destination, digestChat, digestEntryOf, queueBodies } from './digest.js';
import {
  type DigestDeps,
  digestFromRecords,
  drainQueue,
  isDrainEvent,
  isSqsEvent,
} from './digest-delivery.js';
import {
  type AccountScope,
  type Delivery,
  deliveriesFor,
  type EmailPlan,
  type EmailSettings,
  jsonForEmail,
  planEmails,
  SUMMARY_THRESHOLD,
} from './format.js';

// The SDK is loaded on the first invocation, not when the module loads: it is most of the cold-start
// cost (see bench/formatter.ts), and bad input or a missing SNS_TOPIC_ARN never needs it. Both clients
// are provided by the Lambda runtime and stay out of the bundle.
let sns: Promise<typeof import('@aws-sdk/client-sns')> | undefined;
const loadSns = () => {
  sns ??= import('@aws-sdk/client-sns');
  return sns;
};
let sqs: Promise<typeof import('@aws-sdk/client-sqs')> | undefined;
const loadSqs = () => {
  sqs ??= import('@aws-sdk/client-sqs');
  return sqs;
};

/** Publish calls in flight at once for one event. */
export const PUBLISH_CONCURRENCY = 10;
/** SQS's message size limit as documented for SendMessage before 2025 (256 KiB); kept as the safe bound. */
const DLQ_MESSAGE_MAX_BYTES = 256 * 1024 - 4096;

export interface HandlerConfig {
  topicArn: string;
  settings: EmailSettings;
  deadLetterQueueUrl?: string;
  /** The chat topic (Amazon Q Developer in chat applications); unset: no chat messages. */
  chatTopicArn?: string;
  /** false when the subscription has no e-mail addresses (chat only). */
  emailEnabled: boolean;
  /** `each`: one notification per finding; `digest`: queue findings for the digest. */
  delivery: 'each' | 'digest';
  digestQueueUrl?: string;
  /** How the digest names its period ("the last hour"). */
  digestPeriod?: string;
}

export interface HandlerResult {
  /** Findings whose e-mail (or summary e-mail) was published. */
  sent: number;
  skipped: number;
  /** Findings whose e-mail could not be published. */
  failed: number;
  /** Of the failed findings, those handed to the dead-letter queue. */
  deadLettered: number;
  /** E-mails published: one per finding, or 1 for a summary. */
  emails: number;
  /** Chat messages published (only with a chat topic). */
  chats?: number;
  /** Digest delivery: messages queued for the next digest. */
  queued?: number;
  /** SQS batch (every-5-minutes digests): the messages Lambda must not delete. */
  batchItemFailures?: { itemIdentifier: string }[];
  /** Digests published (SQS batch or scheduled drain). */
  digests?: Destination[];
}

export interface HandlerDeps {
  /** Called once, on the first invocation, so the client outlives invocations of one container. */
  client?: () => Pick<SNSClient, 'send'> | Promise<Pick<SNSClient, 'send'>>;
  /** The SQS client for the dead-letter queue, made the first time a finding is dead-lettered. */
  sqsClient?: () => Pick<SQSClient, 'send'> | Promise<Pick<SQSClient, 'send'>>;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Publish calls in flight at once (PUBLISH_CONCURRENCY); 1 publishes one after the other. */
  concurrency?: number;
  /** More findings than this make one summary e-mail (SUMMARY_THRESHOLD). */
  summaryThreshold?: number;
}

/** The part of the Lambda context the handler reads. */
export interface LambdaContext {
  invokedFunctionArn?: string;
}

function accountOfArn(arn: string | undefined): string | undefined {
  return arn ? /^arn:[^:]+:lambda:[^:]*:(\d{12}):/.exec(arn)?.[1] : undefined;
}

export function configFromEnv(env: NodeJS.ProcessEnv, context?: LambdaContext): HandlerConfig {
  const topicArn = env.SNS_TOPIC_ARN?.trim();
  if (!topicArn) throw new Error('SNS_TOPIC_ARN is not set: the formatter does not know where to publish.');
  const skip = (env.SKIP_REPEATED_FINDINGS ?? 'true').trim().toLowerCase();
  const scope = (env.ACCOUNT_SCOPE?.trim() || 'own').toLowerCase();
  if (scope !== 'own' && scope !== 'organization') {
    throw new Error(`ACCOUNT_SCOPE is "${env.ACCOUNT_SCOPE}": use own or organization.`);
  }
  let subscriptionAccountId = env.SUBSCRIPTION_ACCOUNT_ID?.trim() || undefined;
  if (subscriptionAccountId !== undefined && !/^\d{12}$/.test(subscriptionAccountId)) {
    throw new Error(`SUBSCRIPTION_ACCOUNT_ID is "${subscriptionAccountId}": use a 12-digit AWS account ID.`);
  }
  if (scope === 'own') {
    // The function runs in the subscriber's account, so its own ARN names that account as well.
    subscriptionAccountId ??= accountOfArn(context?.invokedFunctionArn);
    if (subscriptionAccountId === undefined) {
      throw new Error(
        'SUBSCRIPTION_ACCOUNT_ID is not set and ACCOUNT_SCOPE is own: the formatter cannot tell which findings belong to this subscription.',
      );
    }
  }
  const delivery = (env.DELIVERY?.trim() || 'each').toLowerCase();
  if (delivery !== 'each' && delivery !== 'digest') {
    throw new Error(`DELIVERY is "${env.DELIVERY}": use each or digest.`);
  }
  const digestQueueUrl = env.DIGEST_QUEUE_URL?.trim() || undefined;
  if (delivery === 'digest' && !digestQueueUrl) {
    throw new Error(
      'DELIVERY is digest but DIGEST_QUEUE_URL is not set: the formatter has nowhere to queue findings.',
    );
  }
  const emailEnabled = !['false', 'no'].includes((env.EMAIL_ENABLED ?? 'true').trim().toLowerCase());
  const chatTopicArn = env.CHAT_TOPIC_ARN?.trim() || undefined;
  return {
    topicArn,
    chatTopicArn,
    emailEnabled,
    delivery,
    digestQueueUrl,
    digestPeriod: env.DIGEST_PERIOD?.trim() || undefined,
    deadLetterQueueUrl: env.DEAD_LETTER_QUEUE_URL?.trim() || undefined,
    settings: {
      timeZone: env.TIME_ZONE?.trim() || 'UTC',
      idcSubdomain: env.IDC_SUBDOMAIN?.trim() || undefined,
      permissionSet: env.IDC_PERMISSION_SET?.trim() || undefined,
      skipRepeated: skip !== 'false' && skip !== 'no',
      accountScope: scope as AccountScope,
      subscriptionAccountId: scope === 'own' ? subscriptionAccountId : undefined,
    },
  };
}

/** Runs `fn` over `items` with at most `limit` calls in flight; `fn` handles its own errors. */
export async function forEachBounded<T>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Finding IDs in logs: as received, but bounded (the log is not the place for a 2 KB crafted ID). */
const logId = (plan: EmailPlan) => plan.finding.id.slice(0, 512);

function errorText(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);
}

/** The dead-letter message for a finding: the event with that finding alone, as the handler would take it. */
function deadLetterBody(event: unknown, plan: EmailPlan, error: string): string {
  const isEvent =
    typeof event === 'object' && event !== null && 'detail' in event && typeof event.detail === 'object';
  const document = isEvent
    ? { ...event, detail: { ...(event.detail as object), findings: [plan.finding.raw] } }
    : plan.finding.raw;
  let body: string;
  try {
    body = JSON.stringify(document);
  } catch {
    body = jsonForEmail(document, 64);
  }
  if (Buffer.byteLength(body) <= DLQ_MESSAGE_MAX_BYTES) return body;
  // Too big for SQS: keep what identifies the finding, and say so.
  return JSON.stringify({
    secnotifyDeadLetter: 'the finding was too large for an SQS message; this holds its ID and the error',
    findingId: plan.finding.id,
    accountId: plan.finding.accountId,
    region: plan.finding.region,
    error,
  });
}

export function createHandler(
  deps: HandlerDeps = {},
): (event: unknown, context?: LambdaContext) => Promise<HandlerResult> {
  const env = deps.env ?? process.env;
  const log = deps.log ?? ((line: string) => console.log(line));
  const makeClient = deps.client ?? (async () => new (await loadSns()).SNSClient({}));
  const makeSqs = deps.sqsClient ?? (async () => new (await loadSqs()).SQSClient({}));
  const concurrency = deps.concurrency ?? PUBLISH_CONCURRENCY;
  const threshold = deps.summaryThreshold ?? SUMMARY_THRESHOLD;
  let client: Pick<SNSClient, 'send'> | undefined;
  let queue: Pick<SQSClient, 'send'> | undefined;

  return async (event: unknown, context?: LambdaContext) => {
    const config = configFromEnv(env, context);
    const { topicArn, settings, deadLetterQueueUrl } = config;
    const alarm = readAlarmEvent(event);
    if (alarm) {
      // The dead-letter alarm (see alarm.ts): one e-mail when it goes into ALARM. A failure throws, so Lambda
      // retries it; nothing else was sent that a retry could duplicate.
      const email = deadLetterAlarmEmail(alarm, deadLetterQueueUrl);
      const result: HandlerResult = { sent: 0, skipped: 0, failed: 0, deadLettered: 0, emails: 0 };
      log(
        JSON.stringify({
          outcome: email ? 'alarm' : 'alarm-ignored',
          alarm: alarm.alarmArn,
          state: alarm.state,
        }),
      );
      if (!email) return result;
      client ??= await makeClient();
      const { PublishCommand } = await loadSns();
      if (config.emailEnabled) {
        await client.send(
          new PublishCommand({ TopicArn: topicArn, Subject: email.subject, Message: email.message }),
        );
        result.emails = 1;
      }
      // A subscription with a chat channel hears it there too (the only place, without e-mail addresses).
      if (config.chatTopicArn) {
        await client.send(
          new PublishCommand({ TopicArn: config.chatTopicArn, Message: chatMessage(alarmChat(email)) }),
        );
        result.chats = 1;
      }
      return result;
    }
    const result: HandlerResult = { sent: 0, skipped: 0, failed: 0, deadLettered: 0, emails: 0 };

    // Digests: a batch from the queue (every 5 minutes) or the scheduled drain (hourly, daily).
    if (isSqsEvent(event) || isDrainEvent(event)) {
      client ??= await makeClient();
      const digestDeps: DigestDeps = {
        sns: client,
        settings,
        targets: {
          emailTopicArn: config.emailEnabled ? topicArn : undefined,
          chatTopicArn: config.chatTopicArn,
        },
        log,
        period: config.digestPeriod,
      };
      if (isSqsEvent(event)) {
        const { batchItemFailures, digest } = await digestFromRecords(event, digestDeps);
        return { ...result, digests: digest.published, batchItemFailures };
      }
      if (!config.digestQueueUrl) throw new Error('DIGEST_QUEUE_URL is not set: there is no queue to drain.');
      queue ??= await makeSqs();
      const drained = await drainQueue({ ...digestDeps, sqs: queue }, { queueUrl: config.digestQueueUrl });
      return { ...result, digests: drained.published };
    }

    const plans = planEmails(event, settings);
    // Only finding IDs and outcomes are logged, never subjects or text: the log group is not encrypted
    // with a customer managed key, and finding titles and account names are the subscriber's data.
    for (const plan of plans) {
      if (plan.email) continue;
      result.skipped++;
      log(JSON.stringify({ outcome: 'skipped', findingId: logId(plan), reason: plan.skipped }));
    }

    if (config.delivery === 'digest') {
      // Queued now, sent with the period's digest. A failed SendMessage fails the invocation and Lambda
      // retries the event: findings queued twice are listed once (the digest keeps each finding once).
      const findings = plans.filter((p) => p.email).map((p) => p.finding);
      const destinations: Destination[] = [
        ...(config.emailEnabled ? (['email'] as const) : []),
        ...(config.chatTopicArn ? (['chat'] as const) : []),
      ];
      const bodies = queueBodies(findings, destinations);
      if (bodies.length === 0) return { ...result, queued: 0 };
      queue ??= await makeSqs();
      const { SendMessageBatchCommand } = await loadSqs();
      let queued = 0;
      for (let i = 0; i < bodies.length; i += 10) {
        const response = await queue.send(
          new SendMessageBatchCommand({
            QueueUrl: config.digestQueueUrl,
            Entries: bodies.slice(i, i + 10).map((MessageBody, n) => ({ Id: String(n), MessageBody })),
          }),
        );
        if ((response.Failed ?? []).length > 0) {
          throw new Error(
            `${response.Failed!.length} findings could not be queued for the digest (${response.Failed![0]!.Code}); the invocation fails so that Lambda retries the event.`,
          );
        }
        queued += response.Successful?.length ?? 0;
      }
      for (const f of findings) log(JSON.stringify({ outcome: 'queued', findingId: f.id.slice(0, 512) }));
      return { ...result, queued };
    }

    const deliveries = deliveriesFor(plans, settings, threshold);
    if (config.chatTopicArn) result.chats = 0;
    if (deliveries.length === 0) return result;

    client ??= await makeClient();
    const { PublishCommand } = await loadSns();
    const failures: { plan: EmailPlan; error: string }[] = [];
    let published = 0;
    await forEachBounded(deliveries, concurrency, async (delivery: Delivery) => {
      try {
        let response: { MessageId?: string } | undefined;
        if (config.emailEnabled) {
          response = await client!.send(
            new PublishCommand({
              TopicArn: topicArn,
              Subject: delivery.email.subject,
              Message: delivery.email.message,
            }),
          );
          published++;
          result.emails++;
        }
        if (config.chatTopicArn) {
          const card = delivery.summary
            ? digestChat(
                delivery.plans.map((p) => digestEntryOf(p.finding)),
                settings,
              )
            : chatNotificationFor(delivery.plans[0]!.finding, settings);
          const chat = await client!.send(
            new PublishCommand({ TopicArn: config.chatTopicArn, Message: chatMessage(card) }),
          );
          published++;
          result.chats = (result.chats ?? 0) + 1;
          response ??= chat;
        }
        for (const plan of delivery.plans) {
          result.sent++;
          log(
            JSON.stringify({
              outcome: 'sent',
              findingId: logId(plan),
              messageId: response?.MessageId,
              ...(delivery.summary ? { email: 'summary', findings: delivery.plans.length } : {}),
              ...(plan.error ? { fallback: plan.error.slice(0, 500) } : {}),
            }),
          );
        }
      } catch (error) {
        for (const plan of delivery.plans) {
          result.failed++;
          failures.push({ plan, error: errorText(error) });
          log(JSON.stringify({ outcome: 'failed', findingId: logId(plan), error: errorText(error) }));
        }
      }
    });
    if (failures.length === 0) return result;

    // Nothing went out: failing the invocation lets Lambda retry the whole event, which cannot duplicate.
    if (published === 0 || !deadLetterQueueUrl) {
      throw new Error(
        published === 0
          ? `none of the ${failures.length} notifications could be published to ${topicArn}; the invocation fails so that Lambda retries the event.`
          : `${failures.length} of ${result.sent + failures.length} notifications could not be published to ${topicArn} and DEAD_LETTER_QUEUE_URL is not set; the invocation fails so that nothing is lost (a retry re-sends the others).`,
      );
    }

    // Some went out: the failed findings go to the dead-letter queue and the invocation succeeds.
    queue ??= await makeSqs();
    const { SendMessageCommand } = await loadSqs();
    await forEachBounded(failures, concurrency, async ({ plan, error }) => {
      try {
        const response = await queue!.send(
          new SendMessageCommand({
            QueueUrl: deadLetterQueueUrl,
            MessageBody: deadLetterBody(event, plan, error),
            MessageAttributes: {
              FindingId: { DataType: 'String', StringValue: plan.finding.id.slice(0, 1024) || '(no ID)' },
              ErrorMessage: { DataType: 'String', StringValue: error },
            },
          }),
        );
        result.deadLettered++;
        log(
          JSON.stringify({
            outcome: 'dead-lettered',
            findingId: logId(plan),
            queue: deadLetterQueueUrl,
            messageId: response.MessageId,
            error,
          }),
        );
      } catch (dlqError) {
        // Failing now would make the retry re-send the e-mails that did go out; this line is the record.
        log(
          JSON.stringify({
            outcome: 'lost',
            findingId: logId(plan),
            error,
            deadLetterError: errorText(dlqError),
          }),
        );
      }
    });
    return result;
  };
}

export const handler = createHandler();
