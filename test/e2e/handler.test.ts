// The formatter Lambda against moto: the handler module's own SNS client (configured only through the
// environment, as in Lambda) publishes to a topic whose SQS subscription shows what a subscriber gets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/notify/handler.js';
import { motoAccount } from '../support/aws.js';

const fixtures = join(import.meta.dirname, '../fixtures/events');
const load = (path: string): unknown => JSON.parse(readFileSync(join(fixtures, path), 'utf8'));

interface Delivered {
  Subject: string;
  Message: string;
}

let sqs: SQSClient;
let queueUrl: string;

async function receiveAll(expected: number): Promise<Delivered[]> {
  const out: Delivered[] = [];
  for (let attempt = 0; attempt < 10 && out.length < expected; attempt++) {
    const r = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: attempt === 0 ? 0 : 1,
      }),
    );
    for (const m of r.Messages ?? []) {
      out.push(JSON.parse(m.Body!) as Delivered);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
  return out;
}

beforeAll(async () => {
  const account = await motoAccount('eu-west-1');
  const sns = new SNSClient(account.clientConfig);
  sqs = new SQSClient(account.clientConfig);
  const topic = await sns.send(new CreateTopicCommand({ Name: 'SecurityHubNotifications' }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'subscriber-inbox' }));
  queueUrl = queue.QueueUrl!;
  await sns.send(
    new SubscribeCommand({
      TopicArn: topic.TopicArn!,
      Protocol: 'sqs',
      Endpoint: `arn:aws:sqs:eu-west-1:${account.accountId}:subscriber-inbox`,
      // The SNS envelope (with Subject) is what an e-mail subscriber's message is made from.
      Attributes: { RawMessageDelivery: 'false' },
    }),
  );
  // What the product template and the Lambda runtime set; the handler reads nothing else.
  Object.assign(process.env, account.env, {
    SNS_TOPIC_ARN: topic.TopicArn!,
    TIME_ZONE: 'Europe/Berlin',
    IDC_SUBDOMAIN: 'd-abcd1234',
    IDC_PERMISSION_SET: 'SubscribeToSecurityNotifications',
    SKIP_REPEATED_FINDINGS: 'true',
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('formatter Lambda handler', () => {
  it('publishes one e-mail per finding of a multi-finding event and logs one line each', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const result = await handler(load('asff/securityhub-multiple-findings.json'));
    expect(result).toEqual({ sent: 3, skipped: 0, failed: 0 });
    const delivered = await receiveAll(3);
    expect(delivered.map((d) => d.Subject).sort()).toEqual([
      'High severity new Security Hub finding on workload-dev: CloudTrail should be enabled and configu...',
      'Medium severity new Security Hub finding on workload-prod: Lambda functions should use supported...',
      'Medium severity new Security Hub finding on workload-prod: RDS DB instances should have encrypti...',
    ]);
    const rds = delivered.find((d) => d.Subject.includes('RDS'))!;
    expect(rds.Message).toContain('Created:     2024-06-09 14:00:01 UTC+02:00 (Europe/Berlin)');
    expect(rds.Message).toContain('Tags:   app=orders, env=prod');
    expect(rds.Message).toContain('https://d-abcd1234.awsapps.com/start/#/console?account_id=111122223333');
    const lines = log.mock.calls.map((c) => JSON.parse(String(c[0])));
    expect(lines.map((l) => l.outcome)).toEqual(['sent', 'sent', 'sent']);
  });

  it('sends an ASCII subject for a non-ASCII title (moto would accept anything; real SNS would not)', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await handler(load('asff/thirdparty-prowler-non-ascii-title.json'));
    const [d] = await receiveAll(1);
    expect(d!.Subject).toMatch(/^[\x20-\x7e]{1,100}$/);
    expect(d!.Subject).toContain('Uberprufung: S3-Bucket "Kundendaten Munch');
    expect(d!.Message).toContain('Jürgen Groß');
  });

  it('skips a repeated control finding and logs why, then sends it when skipping is off', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await handler(load('ocsf/securityhub-control-repeat.json'))).toEqual({
      sent: 0,
      skipped: 1,
      failed: 0,
    });
    expect(JSON.parse(String(log.mock.calls[0]![0]))).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/repeated Security Hub control finding/),
    });
    expect(await receiveAll(0)).toEqual([]);

    process.env.SKIP_REPEATED_FINDINGS = 'false';
    try {
      expect(await handler(load('ocsf/securityhub-control-repeat.json'))).toEqual({
        sent: 1,
        skipped: 0,
        failed: 0,
      });
    } finally {
      process.env.SKIP_REPEATED_FINDINGS = 'true';
    }
    const [d] = await receiveAll(1);
    expect(d!.Subject).toBe(
      'High severity new Security Hub finding on workload-prod: S3 general purpose buckets should block...',
    );
    expect(d!.Message).toContain('securityhub%2Fv2%2Fhome');
  });

  it('delivers a finding whose raw JSON exceeds 256 KB, cut to fit', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await handler(load('asff/thirdparty-prowler-huge-description.json'));
    const [d] = await receiveAll(1);
    expect(Buffer.byteLength(d!.Message, 'utf8')).toBeLessThan(262144);
    expect(d!.Message).toMatch(/raw JSON cut: \d+ of \d+ bytes shown/);
  });

  it('says RESOLVED in a resolved finding e-mail', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await handler(load('asff/securityhub-control-resolved.json'));
    const [d] = await receiveAll(1);
    expect(d!.Subject).toMatch(/^High severity resolved Security Hub finding on workload-prod: /);
    expect(d!.Message.split('\n')[0]).toContain('is now RESOLVED');
  });

  it('rejects an event that is not a finding, publishing nothing', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await expect(handler({ 'detail-type': 'Scheduled Event', detail: {} })).rejects.toThrow(
      /neither a Security Hub/,
    );
    expect(await receiveAll(0)).toEqual([]);
  });
});
