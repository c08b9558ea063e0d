// The formatter Lambda: one SNS e-mail per finding of the EventBridge event. Configuration comes from
// the environment variables the product template sets (SNS_TOPIC_ARN, TIME_ZONE, IDC_SUBDOMAIN,
// IDC_PERMISSION_SET, SKIP_REPEATED_FINDINGS); endpoint, region and credentials come from the SDK's
// own environment handling, so AWS_ENDPOINT_URL points it at an emulator in tests.
import type { SNSClient } from '@aws-sdk/client-sns';
import { type EmailSettings, planEmails } from './format.js';

// The SDK is loaded on the first invocation, not when the module loads: it is most of the cold-start
// cost (see bench/formatter.ts), and bad input or a missing SNS_TOPIC_ARN never needs it.
let sdk: Promise<typeof import('@aws-sdk/client-sns')> | undefined;
const loadSdk = () => {
  sdk ??= import('@aws-sdk/client-sns');
  return sdk;
};

export interface HandlerConfig {
  topicArn: string;
  settings: EmailSettings;
}

export interface HandlerResult {
  sent: number;
  skipped: number;
  failed: number;
}

export interface HandlerDeps {
  /** Called once, on the first invocation, so the client outlives invocations of one container. */
  client?: () => Pick<SNSClient, 'send'> | Promise<Pick<SNSClient, 'send'>>;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export function configFromEnv(env: NodeJS.ProcessEnv): HandlerConfig {
  const topicArn = env.SNS_TOPIC_ARN?.trim();
  if (!topicArn) throw new Error('SNS_TOPIC_ARN is not set: the formatter does not know where to publish.');
  const skip = (env.SKIP_REPEATED_FINDINGS ?? 'true').trim().toLowerCase();
  return {
    topicArn,
    settings: {
      timeZone: env.TIME_ZONE?.trim() || 'UTC',
      idcSubdomain: env.IDC_SUBDOMAIN?.trim() || undefined,
      permissionSet: env.IDC_PERMISSION_SET?.trim() || undefined,
      skipRepeated: skip !== 'false' && skip !== 'no',
    },
  };
}

export function createHandler(deps: HandlerDeps = {}): (event: unknown) => Promise<HandlerResult> {
  const env = deps.env ?? process.env;
  const log = deps.log ?? ((line: string) => console.log(line));
  const makeClient = deps.client ?? (async () => new (await loadSdk()).SNSClient({}));
  let client: Pick<SNSClient, 'send'> | undefined;

  return async (event: unknown) => {
    const { topicArn, settings } = configFromEnv(env);
    const plans = planEmails(event, settings);
    client ??= await makeClient();
    const { PublishCommand } = await loadSdk();
    const result: HandlerResult = { sent: 0, skipped: 0, failed: 0 };
    for (const plan of plans) {
      const findingId = plan.finding.id;
      if (!plan.email) {
        result.skipped++;
        log(JSON.stringify({ outcome: 'skipped', findingId, reason: plan.skipped }));
        continue;
      }
      try {
        const response = await client.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: plan.email.subject,
            Message: plan.email.message,
          }),
        );
        result.sent++;
        log(
          JSON.stringify({
            outcome: 'sent',
            findingId,
            subject: plan.email.subject,
            messageId: response.MessageId,
          }),
        );
      } catch (error) {
        result.failed++;
        log(JSON.stringify({ outcome: 'failed', findingId, error: String(error) }));
      }
    }
    // Every finding was tried before failing, so one bad publish does not hide the others; failing
    // the invocation makes the error visible (Lambda error metrics, EventBridge retry/DLQ).
    if (result.failed > 0) {
      throw new Error(
        `${result.failed} of ${plans.length} notifications could not be published to ${topicArn}.`,
      );
    }
    return result;
  };
}

export const handler = createHandler();
