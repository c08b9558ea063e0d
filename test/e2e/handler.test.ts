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
import { createHandler, handler } from '../../src/notify/handler.js';
import { type MotoAccount, motoAccount } from '../support/aws.js';

const fixtures = join(import.meta.dirname, '../fixtures/events');
const load = (path: string): unknown => JSON.parse(readFileSync(join(fixtures, path), 'utf8'));

interface Delivered {
  Subject: string;
  Message: string;
}

let sqs: SQSClient;
let queueUrl: string;
let deadLetterUrl: string;
let account: MotoAccount;
let topicArn: string;

async function receiveAll(expected: number, from?: string): Promise<Delivered[]> {
  const out = await receiveRaw(expected, from ?? queueUrl);
  return out.map((body) => JSON.parse(body) as Delivered);
}

async function receiveRaw(expected: number, url: string): Promise<string[]> {
  const out: string[] = [];
  for (let attempt = 0; attempt < 10 && out.length < expected; attempt++) {
    const r = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: attempt === 0 ? 0 : 1,
      }),
    );
    for (const m of r.Messages ?? []) {
      out.push(m.Body!);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
  return out;
}

beforeAll(async () => {
  account = await motoAccount('eu-west-1');
  const sns = new SNSClient(account.clientConfig);
  sqs = new SQSClient(account.clientConfig);
  const topic = await sns.send(new CreateTopicCommand({ Name: 'SecurityHubNotifications' }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'subscriber-inbox' }));
  queueUrl = queue.QueueUrl!;
  deadLetterUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'formatter-dead-letter' }))).QueueUrl!;
  topicArn = topic.TopicArn!;
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
    ACCOUNT_SCOPE: 'organization',
    SUBSCRIPTION_ACCOUNT_ID: '111122223333',
    DEAD_LETTER_QUEUE_URL: deadLetterUrl,
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('formatter Lambda handler', () => {
  it('publishes one e-mail per finding of a multi-finding event and logs one line each', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const result = await handler(load('asff/securityhub-multiple-findings.json'));
    expect(result).toEqual({ sent: 3, skipped: 0, failed: 0, deadLettered: 0, emails: 3 });
    const delivered = await receiveAll(3);
    expect(delivered.map((d) => d.Subject).sort()).toEqual([
      'High severity new Security Hub finding on workload-dev (444455556666): CloudTrail should be enab...',
      'Medium severity new Security Hub finding on workload-prod (111122223333): Lambda functions shoul...',
      'Medium severity new Security Hub finding on workload-prod (111122223333): RDS DB instances shoul...',
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
    expect(d!.Subject).toContain('Uberprufung: S3-Bucket "Kundendaten Munc');
    expect(d!.Message).toContain('Jürgen Groß');
  });

  it('skips a repeated control finding and logs why, then sends it when skipping is off', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await handler(load('ocsf/securityhub-control-repeat.json'))).toEqual({
      sent: 0,
      skipped: 1,
      failed: 0,
      deadLettered: 0,
      emails: 0,
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
        deadLettered: 0,
        emails: 1,
      });
    } finally {
      process.env.SKIP_REPEATED_FINDINGS = 'true';
    }
    const [d] = await receiveAll(1);
    expect(d!.Subject).toBe(
      'High severity new Security Hub finding on workload-prod (111122223333): S3 general purpose bucke...',
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
    expect(d!.Subject).toMatch(
      /^High severity resolved Security Hub finding on workload-prod \(111122223333\): /,
    );
    expect(d!.Message.split('\n')[0]).toContain('is now RESOLVED');
  });

  it('rejects an event that is not a finding, publishing nothing', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await expect(handler({ 'detail-type': 'Scheduled Event', detail: {} })).rejects.toThrow(
      /neither a Security Hub/,
    );
    expect(await receiveAll(0)).toEqual([]);
  });

  it('with ACCOUNT_SCOPE=own, skips the other account’s finding and logs why', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    process.env.ACCOUNT_SCOPE = 'own';
    try {
      const result = await handler(load('asff/securityhub-multiple-findings.json'));
      expect(result).toMatchObject({ sent: 2, skipped: 1 });
    } finally {
      process.env.ACCOUNT_SCOPE = 'organization';
    }
    const delivered = await receiveAll(2);
    expect(delivered).toHaveLength(2);
    expect(delivered.every((d) => d.Subject.includes('workload-prod'))).toBe(true);
    const lines = log.mock.calls.map((c) => JSON.parse(String(c[0])));
    expect(lines.find((l) => l.outcome === 'skipped').reason).toMatch(
      /^finding of account 444455556666; this subscription receives account 111122223333 only/,
    );
  });

  it('sends a failed finding to the dead-letter queue after a partial success, and the queued event replays', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const real = new SNSClient(account.clientConfig);
    // SNS publishes for real (moto), except the Lambda finding's e-mail, which fails as a throttled call would.
    const flaky = createHandler({
      client: () => ({
        send: (command: { input: { Subject?: string } }) =>
          command.input.Subject?.includes('Lambda functions')
            ? Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
            : real.send(command as never),
      }),
    });
    const result = await flaky(load('asff/securityhub-multiple-findings.json'));
    expect(result).toEqual({ sent: 2, skipped: 0, failed: 1, deadLettered: 1, emails: 2 });
    expect(await receiveAll(2)).toHaveLength(2);

    const [dead] = await receiveRaw(1, deadLetterUrl);
    const replay = JSON.parse(dead!);
    expect(replay.detail.findings).toHaveLength(1);
    expect(replay.detail.findings[0].Title).toBe('Lambda functions should use supported runtimes');
    const lines = log.mock.calls.map((c) => JSON.parse(String(c[0])));
    expect(lines.filter((l) => l.outcome === 'dead-lettered')).toEqual([
      expect.objectContaining({ findingId: replay.detail.findings[0].Id, queue: deadLetterUrl }),
    ]);

    // The dead-lettered event is an ordinary event: running it through the handler sends that one e-mail.
    expect(await handler(replay)).toMatchObject({ sent: 1, emails: 1 });
    const [again] = await receiveAll(1);
    expect(again!.Subject).toContain('Lambda functions shoul');
    expect(topicArn).toMatch(/^arn:aws:sns:eu-west-1:/);
  });

  it('makes one summary e-mail of an event with more than 20 findings', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const event = load('asff/guardduty-bitcoin-dns.json') as {
      detail: { findings: Record<string, unknown>[] };
    };
    const base = event.detail.findings[0]!;
    event.detail.findings = Array.from({ length: 30 }, (_, i) => ({
      ...base,
      Id: `finding-${i}`,
      Title: `Finding ${i}`,
    }));
    expect(await handler(event)).toEqual({ sent: 30, skipped: 0, failed: 0, deadLettered: 0, emails: 1 });
    const delivered = await receiveAll(1);
    const more = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(more.Messages ?? []).toEqual([]);
    expect(delivered[0]!.Subject).toBe('30 Security Hub findings on workload-prod (111122223333): 30 High');
    expect(delivered[0]!.Message.match(/^\d+\. High: Finding \d+$/gm)).toHaveLength(30);
  });
});
