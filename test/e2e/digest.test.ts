// Chat and digests against moto SQS and SNS: the formatter Lambda (digest delivery) queues findings in the
// subscription's queue; the scheduled drain and the every-5-minutes SQS batch publish one e-mail and one chat
// message per period to topics whose SQS subscriptions show what subscribers and the chat channel get.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { digestIdOf, queueBodies } from '../../src/notify/digest.js';
import { drainQueue } from '../../src/notify/digest-delivery.js';
import { parseFindings } from '../../src/notify/format.js';
import { createHandler } from '../../src/notify/handler.js';
import { type MotoAccount, motoAccount } from '../support/aws.js';

const fixtures = join(import.meta.dirname, '../fixtures/events');
const load = (path: string): unknown => JSON.parse(readFileSync(join(fixtures, path), 'utf8'));

let account: MotoAccount;
let sns: SNSClient;
let sqs: SQSClient;
let emailTopic: string;
let chatTopic: string;
let emailInbox: string;
let chatInbox: string;
let digestQueue: string;
let run = 0;

async function receiveAll(url: string, wait = true): Promise<string[]> {
  const out: string[] = [];
  for (let attempt = 0; attempt < (wait ? 3 : 1); attempt++) {
    for (;;) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
      if (!r.Messages?.length) break;
      for (const m of r.Messages) {
        out.push(m.Body!);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    if (out.length > 0 || !wait) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return out;
}
const emails = async () =>
  (await receiveAll(emailInbox)).map((b) => JSON.parse(b) as { Subject: string; Message: string });
const chats = async () => (await receiveAll(chatInbox)).map((b) => JSON.parse(b));

async function queueDepth(): Promise<number> {
  const r = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: digestQueue,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(r.Attributes!.ApproximateNumberOfMessages) +
    Number(r.Attributes!.ApproximateNumberOfMessagesNotVisible)
  );
}

const env = () => ({
  SNS_TOPIC_ARN: emailTopic,
  CHAT_TOPIC_ARN: chatTopic,
  DELIVERY: 'digest',
  DIGEST_QUEUE_URL: digestQueue,
  DIGEST_PERIOD: 'the last hour',
  TIME_ZONE: 'UTC',
  ACCOUNT_SCOPE: 'organization',
});

/** The formatter Lambda as the product runs it, with SNS publishing through `publish` (default: moto). */
function lambda(publish?: (command: { input: { TopicArn?: string } }) => Promise<unknown>) {
  return createHandler({
    env: env(),
    log: () => {},
    client: () => ({ send: (c: never) => (publish ? publish(c) : sns.send(c)) }) as never,
    sqsClient: () => sqs,
  });
}

const failChat = (command: { input: { TopicArn?: string } }) =>
  command.input.TopicArn === chatTopic
    ? Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
    : sns.send(command as never);

beforeAll(async () => {
  account = await motoAccount('eu-west-1');
  sns = new SNSClient(account.clientConfig);
  sqs = new SQSClient(account.clientConfig);
  emailTopic = (await sns.send(new CreateTopicCommand({ Name: 'digest-email' }))).TopicArn!;
  chatTopic = (await sns.send(new CreateTopicCommand({ Name: 'digest-chat' }))).TopicArn!;
  emailInbox = (await sqs.send(new CreateQueueCommand({ QueueName: 'email-inbox' }))).QueueUrl!;
  chatInbox = (await sqs.send(new CreateQueueCommand({ QueueName: 'chat-inbox' }))).QueueUrl!;
  const arn = (name: string) => `arn:aws:sqs:eu-west-1:${account.accountId}:${name}`;
  await sns.send(
    new SubscribeCommand({ TopicArn: emailTopic, Protocol: 'sqs', Endpoint: arn('email-inbox') }),
  );
  // Raw delivery: the chat inbox holds exactly what Amazon Q Developer would receive as the message.
  await sns.send(
    new SubscribeCommand({
      TopicArn: chatTopic,
      Protocol: 'sqs',
      Endpoint: arn('chat-inbox'),
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
});

beforeEach(async () => {
  // A fresh digest queue per test: received-but-undeleted messages of one test never leak into the next.
  run++;
  digestQueue = (
    await sqs.send(
      new CreateQueueCommand({ QueueName: `digest-${run}`, Attributes: { VisibilityTimeout: '900' } }),
    )
  ).QueueUrl!;
});

describe('digests', () => {
  it('queues the findings of several events and sends one e-mail and one chat message for the period', async () => {
    const handler = lambda();
    const queued = await handler(load('asff/securityhub-multiple-findings.json'));
    expect(queued).toMatchObject({ queued: 6, emails: 0 });
    await handler(load('ocsf/guardduty-threat.json'));
    await handler(load('asff/inspector-ecr-image-cve.json'));
    // Nothing is sent while findings are queued.
    expect(await receiveAll(emailInbox, false)).toEqual([]);
    expect(await queueDepth()).toBe(10);

    const result = await handler({ secnotify: 'drain' });
    expect(result.digests).toEqual(['email', 'chat']);
    const [email, ...moreEmails] = await emails();
    expect(moreEmails).toEqual([]);
    expect(email!.Subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect(email!.Subject).toMatch(
      /^Security Hub digest on 2 accounts: (\d+ [A-Z][a-z]+(, )?)+ \(5 findings\)$/,
    );
    expect(email!.Message).toContain('Security Hub findings for this subscription in the last hour:');
    // Sorted by severity, most severe first.
    const severities = email!.Message.match(/^\d+\. ([A-Za-z]+):/gm)!.map((l) =>
      l.replace(/^\d+\. |:$/g, ''),
    );
    const rank = ['Critical', 'High', 'Medium', 'Low', 'Informational'];
    expect([...severities].sort((a, b) => rank.indexOf(a) - rank.indexOf(b))).toEqual(severities);
    expect(email!.Message).toMatch(/Resource: \S+ \S+/);
    expect(email!.Message).toContain('Status:   NEW');
    expect(email!.Message).toContain('https://eu-west-1.console.aws.amazon.com/securityhub/');
    const [chat, ...moreChats] = await chats();
    expect(moreChats).toEqual([]);
    expect(chat.version).toBe('1.0');
    expect(chat.content.description.split('\n')).toHaveLength(5);
    expect(await queueDepth()).toBe(0);
  });

  it('lists a finding updated within the period once, in its latest state', async () => {
    const handler = lambda();
    await handler(load('asff/securityhub-control-first-seen.json'));
    await handler(load('asff/securityhub-control-resolved.json'));
    await handler(load('asff/securityhub-control-first-seen.json'));
    await handler({ secnotify: 'drain' });
    const [email] = await emails();
    expect(email!.Subject).toBe('Security Hub digest on 111122223333: 1 High');
    expect(email!.Message.match(/^\d+\. /gm)).toHaveLength(1);
    expect(email!.Message).toContain('Status:   RESOLVED');
    const [chat] = await chats();
    expect(chat.content.description).toMatch(/, resolved: https:/);
    expect(await queueDepth()).toBe(0);
  });

  it('cuts a large period to SNS size with "and N more", counting every finding in the subject', async () => {
    const [base] = parseFindings(load('asff/guardduty-bitcoin-dns.json')).findings;
    const findings = Array.from({ length: 240 }, (_, i) => ({
      ...base!,
      id: `finding-${i}`,
      title: `Finding ${i} ${'x'.repeat(1010)}`,
      severity: i % 3 === 0 ? 'Critical' : 'High',
    }));
    const bodies = queueBodies(findings, ['email']);
    for (let i = 0; i < bodies.length; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: digestQueue,
          Entries: bodies.slice(i, i + 10).map((MessageBody, n) => ({ Id: String(n), MessageBody })),
        }),
      );
    }
    const result = await drainQueue(
      {
        sns,
        sqs,
        settings: { timeZone: 'UTC', skipRepeated: true },
        targets: { emailTopicArn: emailTopic },
        log: () => {},
      },
      { queueUrl: digestQueue },
    );
    expect(result).toMatchObject({
      received: 240,
      deleted: 240,
      notDeleted: 0,
      findings: { email: 240 },
    });
    const [email] = await emails();
    expect(email!.Subject).toBe('Security Hub digest on 111122223333: 80 Critical, 160 High (240 findings)');
    expect(Buffer.byteLength(email!.Message)).toBeLessThan(256 * 1024);
    const listed = email!.Message.match(/^\d+\. /gm)!.length;
    expect(listed).toBeGreaterThan(100);
    expect(listed).toBeLessThan(240);
    expect(email!.Message).toContain(
      `... and ${240 - listed} more (not listed, to stay within the SNS 256 KB limit)`,
    );
    // Critical first.
    expect(email!.Message).toMatch(/^1\. Critical: Finding 0 /m);
    expect(await receiveAll(chatInbox, false)).toEqual([]);
    expect(await queueDepth()).toBe(0);
  });

  it('deletes nothing when publishing fails, and sends the digest once on the next run', async () => {
    await lambda()(load('asff/securityhub-multiple-findings.json'));
    const down = lambda(() =>
      Promise.reject(Object.assign(new Error('Service unavailable'), { name: 'InternalError' })),
    );
    await expect(down({ secnotify: 'drain' })).rejects.toThrow(
      /could not be sent as a digest; they stay in the queue/,
    );
    expect(await queueDepth()).toBe(6);
    expect(await receiveAll(emailInbox, false)).toEqual([]);

    const again = await lambda()({ secnotify: 'drain' });
    expect(again.digests).toEqual(['email', 'chat']);
    expect(await emails()).toHaveLength(1);
    expect(await chats()).toHaveLength(1);
    expect(await queueDepth()).toBe(0);
  });

  it('retries a failed chat digest without sending the e-mail digest again', async () => {
    await lambda()(load('asff/securityhub-multiple-findings.json'));
    await expect(lambda(failChat)({ secnotify: 'drain' })).rejects.toThrow(/3 queued findings/);
    expect(await emails()).toHaveLength(1);
    expect(await receiveAll(chatInbox, false)).toEqual([]);
    // Only the chat messages are left.
    expect(await queueDepth()).toBe(3);

    const retry = await lambda()({ secnotify: 'drain' });
    expect(retry.digests).toEqual(['chat']);
    expect(await receiveAll(emailInbox, false)).toEqual([]);
    const [chat] = await chats();
    expect(chat.content.title).toMatch(/^Security Hub digest: /);
    expect(await queueDepth()).toBe(0);
  });

  it('sends nothing for an empty period', async () => {
    const result = await lambda()({ secnotify: 'drain' });
    expect(result.digests).toEqual([]);
    expect(await receiveAll(emailInbox, false)).toEqual([]);
    expect(await receiveAll(chatInbox, false)).toEqual([]);
  });

  it('every 5 minutes: one digest per SQS batch; a failed chat digest returns only its messages', async () => {
    await lambda()(load('asff/securityhub-multiple-findings.json'));
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: digestQueue, MaxNumberOfMessages: 10, VisibilityTimeout: 900 }),
    );
    // The event source mapping's event: one record per message.
    const records = received.Messages!.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      eventSource: 'aws:sqs',
    }));
    expect(records).toHaveLength(6);
    const result = await lambda(failChat)({ Records: records });
    const chatIds = records.filter((r) => JSON.parse(r.body).to === 'chat').map((r) => r.messageId);
    expect(result.batchItemFailures!.map((f) => f.itemIdentifier).sort()).toEqual([...chatIds].sort());
    expect(result.digests).toEqual(['email']);
    expect(await emails()).toHaveLength(1);
    // The digest ID is the same for the same messages, on every attempt.
    expect(digestIdOf([...chatIds].reverse())).toBe(digestIdOf(chatIds));

    const retry = await lambda()({ Records: records.filter((r) => chatIds.includes(r.messageId)) });
    expect(retry.batchItemFailures).toEqual([]);
    const [chat] = await chats();
    expect(chat.id).toBe(`secnotify-digest-${digestIdOf(chatIds)}`);
    expect(await receiveAll(emailInbox, false)).toEqual([]);
  });
});

describe('each finding with a chat channel', () => {
  const eachFinding = (extra: Record<string, string> = {}) =>
    createHandler({
      env: { ...env(), DELIVERY: 'each', DIGEST_QUEUE_URL: '', ...extra },
      log: () => {},
      client: () => sns,
      sqsClient: () => sqs,
    });

  it('publishes one e-mail and one chat card per finding, the cards exactly as Amazon Q Developer gets them', async () => {
    const result = await eachFinding()(load('asff/securityhub-multiple-findings.json'));
    expect(result).toMatchObject({ sent: 3, emails: 3, chats: 3, failed: 0 });
    expect(await emails()).toHaveLength(3);
    const cards = await chats();
    expect(cards).toHaveLength(3);
    for (const card of cards) {
      expect(card).toMatchObject({
        version: '1.0',
        source: 'custom',
        content: { textType: 'client-markdown' },
      });
      expect(card.metadata.threadId).toMatch(/^secnotify-finding-[0-9a-f]{40}$/);
    }
  });

  it('without e-mail addresses, only the chat channel hears the findings', async () => {
    const result = await eachFinding({ EMAIL_ENABLED: 'false' })(load('ocsf/guardduty-threat.json'));
    expect(result).toMatchObject({ sent: 1, emails: 0, chats: 1 });
    expect(await receiveAll(emailInbox, false)).toEqual([]);
    expect(await chats()).toHaveLength(1);
  });
});
