// The formatter Lambda's delivery rules with fake SNS and SQS clients: account scope, bounded concurrent
// publishing, the summary e-mail, the dead-letter queue, and no duplicate e-mail when Lambda retries.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUMMARY_THRESHOLD } from '../../src/notify/format.js';
import {
  configFromEnv,
  createHandler,
  type HandlerDeps,
  PUBLISH_CONCURRENCY,
} from '../../src/notify/handler.js';

const events = join(import.meta.dirname, '../fixtures/events');
const load = (path: string): Record<string, unknown> => JSON.parse(readFileSync(join(events, path), 'utf8'));
const findingsOf = (event: Record<string, unknown>) =>
  (event.detail as { findings: Record<string, unknown>[] }).findings;

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:SC-111122223333-pp-abc-NotificationTopic-X';
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/111122223333/SecNotification-dlq';
const baseEnv = {
  SNS_TOPIC_ARN: TOPIC,
  TIME_ZONE: 'UTC',
  SKIP_REPEATED_FINDINGS: 'false',
  ACCOUNT_SCOPE: 'own',
  SUBSCRIPTION_ACCOUNT_ID: '111122223333',
  DEAD_LETTER_QUEUE_URL: DLQ,
};

interface Sent {
  Subject: string;
  Message: string;
}

/** A fake SNS: records what it publishes; `fail` decides per call whether Publish throws. */
function fakeSns(opts: { fail?: (input: Sent, call: number) => boolean; delayMs?: number } = {}) {
  const published: Sent[] = [];
  let calls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const client = {
    send: async (command: { input: Sent }) => {
      const call = calls++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
        if (opts.fail?.(command.input, call)) {
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
        }
        published.push(command.input);
        return { MessageId: `m-${call}` };
      } finally {
        inFlight--;
      }
    },
  };
  return { client, published, maxInFlight: () => maxInFlight };
}

function fakeSqs(opts: { fail?: boolean } = {}) {
  const sent: {
    QueueUrl: string;
    MessageBody: string;
    MessageAttributes: Record<string, { StringValue: string }>;
  }[] = [];
  const client = {
    send: async (command: { input: (typeof sent)[number] }) => {
      if (opts.fail) throw new Error('AccessDenied');
      sent.push(command.input);
      return { MessageId: `q-${sent.length}` };
    },
  };
  return { client, sent };
}

function setup(
  env: Record<string, string | undefined> = baseEnv,
  sns = fakeSns(),
  sqs = fakeSqs(),
  extra: Partial<HandlerDeps> = {},
) {
  const logs: Record<string, unknown>[] = [];
  const handler = createHandler({
    env,
    client: () => sns.client as never,
    sqsClient: () => sqs.client as never,
    log: (line) => logs.push(JSON.parse(line)),
    ...extra,
  });
  return { handler, sns, sqs, logs };
}

function manyFindings(n: number) {
  const event = load('asff/guardduty-bitcoin-dns.json');
  const base = findingsOf(event)[0]!;
  findingsOf(event).splice(
    0,
    1,
    ...Array.from({ length: n }, (_, i) => ({
      ...structuredClone(base),
      Id: `finding-${i}`,
      Title: `Finding ${i}`,
    })),
  );
  return event;
}

describe('account scope (ACCOUNT_SCOPE, SUBSCRIPTION_ACCOUNT_ID)', () => {
  it('own: findings of another account are skipped and logged with the reason', async () => {
    const { handler, sns, logs } = setup();
    const result = await handler(load('asff/securityhub-multiple-findings.json'));
    expect(result).toEqual({ sent: 2, skipped: 1, failed: 0, deadLettered: 0, emails: 2 });
    expect(sns.published.map((p) => p.Message).join('\n')).not.toContain('444455556666');
    expect(logs.find((l) => l.outcome === 'skipped')).toEqual({
      outcome: 'skipped',
      findingId: findingsOf(load('asff/securityhub-multiple-findings.json'))[2]!.Id,
      reason:
        'finding of account 444455556666; this subscription receives account 111122223333 only (ACCOUNT_SCOPE=own)',
    });
  });

  it('own is the default, and without SUBSCRIPTION_ACCOUNT_ID the account comes from the function ARN', async () => {
    const { handler, sns } = setup({ SNS_TOPIC_ARN: TOPIC, SKIP_REPEATED_FINDINGS: 'false' });
    const result = await handler(load('asff/securityhub-multiple-findings.json'), {
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:444455556666:function:SecNotification-SC-x',
    });
    expect(result.sent).toBe(1);
    expect(sns.published[0]!.Subject).toContain('on workload-dev:');
  });

  it('own without any account to compare with is a configuration error, before anything is published', async () => {
    const { handler, sns } = setup({ SNS_TOPIC_ARN: TOPIC });
    await expect(handler(load('asff/guardduty-bitcoin-dns.json'))).rejects.toThrow(
      /SUBSCRIPTION_ACCOUNT_ID is not set and ACCOUNT_SCOPE is own/,
    );
    expect(sns.published).toEqual([]);
  });

  it('rejects an unknown scope and a malformed account ID, naming the variable and the accepted form', () => {
    expect(() => configFromEnv({ ...baseEnv, ACCOUNT_SCOPE: 'everyone' })).toThrow(
      'ACCOUNT_SCOPE is "everyone": use own or organization.',
    );
    expect(() => configFromEnv({ ...baseEnv, SUBSCRIPTION_ACCOUNT_ID: '1111' })).toThrow(
      'SUBSCRIPTION_ACCOUNT_ID is "1111": use a 12-digit AWS account ID.',
    );
  });

  it('organization: every account is sent and each subject names its account', async () => {
    const { handler, sns } = setup({ ...baseEnv, ACCOUNT_SCOPE: 'organization' });
    const result = await handler(load('asff/securityhub-multiple-findings.json'));
    expect(result.sent).toBe(3);
    expect(sns.published.map((p) => /on (.+?): /.exec(p.Subject)![1]).sort()).toEqual([
      'workload-dev (444455556666)',
      'workload-prod (111122223333)',
      'workload-prod (111122223333)',
    ]);
  });
});

describe('logging', () => {
  it('logs finding IDs and outcomes, never subjects, titles or account names', async () => {
    const { handler, logs } = setup({ ...baseEnv, ACCOUNT_SCOPE: 'organization' });
    await handler(load('asff/securityhub-multiple-findings.json'));
    expect(logs.map((l) => l.outcome)).toEqual(['sent', 'sent', 'sent']);
    const text = JSON.stringify(logs);
    for (const word of ['subject', 'workload-prod', 'workload-dev', 'RDS DB instances', 'severity']) {
      expect(text).not.toContain(word);
    }
    expect(logs.map((l) => l.findingId)).toEqual(
      findingsOf(load('asff/securityhub-multiple-findings.json')).map((f) => f.Id),
    );
  });
});

describe('delivery', () => {
  const multi = () => load('asff/securityhub-multiple-findings.json');
  const failLambda = (input: Sent) => input.Subject.includes('Lambda functions');
  const org = { ...baseEnv, ACCOUNT_SCOPE: 'organization' };

  it('after a partial success the failed finding goes to the dead-letter queue and the invocation succeeds', async () => {
    const { handler, sns, sqs, logs } = setup(org, fakeSns({ fail: failLambda }));
    const event = multi();
    const result = await handler(event);
    expect(result).toEqual({ sent: 2, skipped: 0, failed: 1, deadLettered: 1, emails: 2 });
    expect(sns.published).toHaveLength(2);
    expect(sqs.sent).toHaveLength(1);
    const dead = sqs.sent[0]!;
    expect(dead.QueueUrl).toBe(DLQ);
    // The body is the event with that finding alone, so it can be replayed through the handler.
    const body = JSON.parse(dead.MessageBody);
    expect(body['detail-type']).toBe('Security Hub Findings - Imported');
    expect(body.detail.findings).toEqual([findingsOf(event)[1]]);
    expect(dead.MessageAttributes.FindingId!.StringValue).toBe(findingsOf(event)[1]!.Id);
    expect(dead.MessageAttributes.ErrorMessage!.StringValue).toBe('ThrottledException: Rate exceeded');
    expect(logs.filter((l) => l.outcome === 'dead-lettered')).toEqual([
      {
        outcome: 'dead-lettered',
        findingId: findingsOf(event)[1]!.Id,
        queue: DLQ,
        messageId: 'q-1',
        error: 'ThrottledException: Rate exceeded',
      },
    ]);
  });

  it('when nothing could be published the invocation fails (Lambda retries it) and nothing is dead-lettered', async () => {
    const { handler, sqs } = setup(org, fakeSns({ fail: () => true }));
    await expect(handler(multi())).rejects.toThrow(
      /none of the 3 notifications could be published .*; the invocation fails so that Lambda retries the event/,
    );
    expect(sqs.sent).toEqual([]);
  });

  it('without DEAD_LETTER_QUEUE_URL a partial failure fails the invocation rather than lose the finding', async () => {
    const { handler } = setup({ ...org, DEAD_LETTER_QUEUE_URL: undefined }, fakeSns({ fail: failLambda }));
    await expect(handler(multi())).rejects.toThrow(
      /1 of 3 notifications .* DEAD_LETTER_QUEUE_URL is not set/,
    );
  });

  it('a dead-letter queue that fails too is logged as lost, and the invocation still succeeds (no re-send)', async () => {
    const { handler, logs } = setup(org, fakeSns({ fail: failLambda }), fakeSqs({ fail: true }));
    const result = await handler(multi());
    expect(result).toMatchObject({ sent: 2, failed: 1, deadLettered: 0 });
    expect(logs.find((l) => l.outcome === 'lost')).toMatchObject({
      findingId: findingsOf(multi())[1]!.Id,
      deadLetterError: 'Error: AccessDenied',
    });
  });

  it('Lambda asynchronous retries (up to 2 more attempts) never send an e-mail twice', async () => {
    // Publish fails for the Lambda finding every time, and for everything on the first attempt.
    const sns = fakeSns({ fail: (input, call) => call < 3 || failLambda(input) });
    const { handler, sqs } = setup(org, sns);
    const event = multi();
    let attempts = 0;
    for (; attempts < 3; attempts++) {
      try {
        await handler(event);
        break;
      } catch {
        // Lambda runs the event again (AWS Lambda: "attempts to run it two more times").
      }
    }
    expect(attempts).toBe(1); // the second attempt succeeded
    const subjects = sns.published.map((p) => p.Subject);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(subjects).toHaveLength(2);
    expect(sqs.sent).toHaveLength(1);
  });

  it('one finding that cannot be formatted gets a fallback e-mail; the others are sent normally', async () => {
    const event = multi();
    let deep: Record<string, unknown> = {};
    findingsOf(event)[0]!.ProductFields = deep;
    for (let i = 0; i < 100_000; i++) {
      const next = {};
      deep.n = next;
      deep = next;
    }
    const { handler, sns, logs } = setup(org);
    const result = await handler(event);
    expect(result).toMatchObject({ sent: 3, failed: 0 });
    expect(sns.published[0]!.Subject).toMatch(
      /^Security Hub finding on 111122223333 could not be formatted: /,
    );
    expect(sns.published[1]!.Message).toContain('Raw event JSON');
    expect(logs[0]).toMatchObject({ outcome: 'sent', fallback: expect.stringMatching(/RangeError/) });
  });
});

describe('large events', () => {
  it(`publishes at most ${PUBLISH_CONCURRENCY} at a time, and more than one`, async () => {
    const sns = fakeSns({ delayMs: 5 });
    const { handler } = setup(baseEnv, sns);
    const result = await handler(manyFindings(SUMMARY_THRESHOLD));
    expect(result.emails).toBe(SUMMARY_THRESHOLD);
    expect(sns.maxInFlight()).toBe(PUBLISH_CONCURRENCY);
  });

  it(`more than ${SUMMARY_THRESHOLD} findings make one summary e-mail, logged per finding`, async () => {
    const { handler, sns, logs } = setup();
    const result = await handler(manyFindings(1000));
    expect(result).toEqual({ sent: 1000, skipped: 0, failed: 0, deadLettered: 0, emails: 1 });
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]!.Subject).toBe('1000 Security Hub findings on workload-prod: 1000 High');
    expect(logs).toHaveLength(1000);
    expect(logs[999]).toEqual({
      outcome: 'sent',
      findingId: 'finding-999',
      messageId: 'm-0',
      email: 'summary',
      findings: 1000,
    });
  });

  it('a failed summary e-mail publishes nothing, so the invocation fails and Lambda retries it', async () => {
    const { handler, sqs } = setup(baseEnv, fakeSns({ fail: () => true }));
    await expect(handler(manyFindings(25))).rejects.toThrow(/none of the 25 notifications/);
    expect(sqs.sent).toEqual([]);
  });
});

describe('dead-letter alarm (lambda mode: the alarm invokes the formatter)', () => {
  // CloudWatch's Lambda-action payload, as documented in "Invoke a Lambda function from an alarm".
  const alarmEvent = (state: string) => ({
    source: 'aws.cloudwatch',
    alarmArn: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:SC-111122223333-pp-abc-DeadLetterAlarm-X',
    accountId: '111122223333',
    time: '2026-11-30T10:00:00.000+0000',
    region: 'eu-west-1',
    alarmData: {
      alarmName: 'SC-111122223333-pp-abc-DeadLetterAlarm-X',
      state: {
        value: state,
        reason: 'Threshold Crossed: 1 datapoint [2.0] was greater than the threshold (0.0).',
      },
      previousState: { value: 'OK', reason: 'no messages' },
      configuration: { description: 'Security Hub notifications … dead-letter queue.' },
    },
  });

  it('going into ALARM sends one e-mail naming the queue and how to read it', async () => {
    const { handler, sns, logs } = setup();
    const result = await handler(alarmEvent('ALARM'));
    expect(result.emails).toBe(1);
    expect(sns.published).toHaveLength(1);
    const [email] = sns.published;
    expect(email!.Subject).toMatch(/^Security Hub notifications could not be delivered/);
    expect(email!.Subject.length).toBeLessThan(100);
    expect(email!.Message).toContain(DLQ);
    expect(email!.Message).toContain(`aws sqs receive-message --region eu-west-1 --queue-url ${DLQ}`);
    expect(email!.Message).toContain('Threshold Crossed');
    expect(logs).toEqual([expect.objectContaining({ outcome: 'alarm', state: 'ALARM' })]);
  });

  it('going back to OK sends nothing', async () => {
    const { handler, sns } = setup();
    const result = await handler(alarmEvent('OK'));
    expect(result.emails).toBe(0);
    expect(sns.published).toHaveLength(0);
  });

  it('a failed alarm e-mail fails the invocation, so Lambda retries it', async () => {
    const { handler } = setup(baseEnv, fakeSns({ fail: () => true }));
    await expect(handler(alarmEvent('ALARM'))).rejects.toThrow('Rate exceeded');
  });
});
