// Chat cards (Amazon Q Developer custom notifications) for every fixture event, validated against the JSON
// schema written from the documentation (test/fixtures/chat/custom-notification.schema.json).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveOptions } from '../../src/core/options.js';
import { renderProductTemplate } from '../../src/core/render/product.js';
import {
  chatField,
  chatMessage,
  chatNotificationFor,
  eventbridgeChatMessages,
  threadIdFor,
} from '../../src/notify/chat.js';
import { digestChat, digestEmail, digestEntryOf } from '../../src/notify/digest.js';
import { consoleUrl, parseFindings } from '../../src/notify/format.js';
import { createHandler } from '../../src/notify/handler.js';
import { eventbridgeEmails } from '../../src/notify/transformer.js';

const fixtures = join(import.meta.dirname, '../fixtures');
const load = (path: string): unknown => JSON.parse(readFileSync(join(fixtures, path), 'utf8'));
const schema = z.fromJSONSchema(
  JSON.parse(readFileSync(join(fixtures, 'chat/custom-notification.schema.json'), 'utf8')),
);
const settings = { idcSubdomain: 'd-abcd1234', permissionSet: 'SubscribeToSecurityNotifications' };

function expectValid(document: unknown) {
  const parsed = schema.safeParse(document);
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
}

const eventFiles = ['asff', 'ocsf'].flatMap((kind) =>
  readdirSync(join(fixtures, 'events', kind))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `events/${kind}/${f}`),
);

describe('chat cards', () => {
  it('the schema rejects what the documentation rules out', () => {
    const ok = { version: '1.0', source: 'custom', content: { description: 'x' } };
    expect(schema.safeParse(ok).success).toBe(true);
    expect(schema.safeParse({ ...ok, version: '1' }).success).toBe(false);
    expect(schema.safeParse({ ...ok, source: 'aws.securityhub' }).success).toBe(false);
    expect(schema.safeParse({ ...ok, content: { description: 'x', textType: 'plain' } }).success).toBe(false);
    expect(schema.safeParse({ ...ok, metadata: { additionalContext: { n: 1 } } }).success).toBe(false);
  });

  it.each(eventFiles)('%s: every finding gives a card that validates against the schema', (file) => {
    const { findings } = parseFindings(load(file));
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      const card = chatNotificationFor(f, settings);
      // What goes to SNS is exactly this document, as JSON.
      const sent = JSON.parse(chatMessage(card));
      expectValid(sent);
      expect(sent.content.description).toContain(`*Severity:* ${f.severity}`);
      expect(sent.content.nextSteps[0]).toContain(consoleUrl(f));
      expect(sent.content.nextSteps[1]).toMatch(
        /: https:\/\/d-abcd1234\.awsapps\.(com|cn)\/start\/#\/console\?account_id=/,
      );
      expect(sent.metadata.threadId).toBe(threadIdFor(f));
    }
  });

  it('updates of one finding share a thread; the card says the new status', () => {
    for (const kind of ['asff', 'ocsf']) {
      const [first] = parseFindings(load(`events/${kind}/securityhub-control-first-seen.json`)).findings;
      const [resolved] = parseFindings(load(`events/${kind}/securityhub-control-resolved.json`)).findings;
      const a = chatNotificationFor(first!, {});
      const b = chatNotificationFor(resolved!, {});
      expect(a.metadata!.threadId).toBe(b.metadata!.threadId);
      expect(a.id).not.toBe(b.id);
      expect(a.content.title).toBe('High severity new Security Hub finding');
      expect(b.content.title).toMatch(/^High severity resolved/);
      // Without Identity Center, the console link is the only next step.
      expect(a.content.nextSteps).toHaveLength(1);
    }
    const [other] = parseFindings(load('events/asff/guardduty-bitcoin-dns.json')).findings;
    expect(threadIdFor(other!)).not.toBe(
      threadIdFor(parseFindings(load('events/asff/securityhub-control-first-seen.json')).findings[0]!),
    );
  });

  it('the crafted finding stays data: no forged lines, links, mentions or markup in the card', () => {
    const [f] = parseFindings(load('crafted/forged-layout.json')).findings;
    const card = chatNotificationFor(f!, settings);
    expectValid(card);
    const text = chatMessage(card);
    // The card's own lines only: each starts with one of the formatter's labels.
    const lines = card.content.description.split('\n');
    for (const line of lines)
      expect(line).toMatch(/^\*(Severity|Status|Title|Account|Product|Resource|Finding ID):\* /);
    expect(lines).toHaveLength(7);
    // Line breaks, bidi and zero-width characters from the finding are gone.
    expect(card.content.description).not.toMatch(/[\u200b\u202e\u2028\r]/);
    // The only links are the formatter's console and sign-in links.
    const links = text.match(/https?:\/\/[^\s"`]+/g) ?? [];
    expect(
      links.every((l) =>
        /^https:\/\/(eu-west-1\.console\.aws\.amazon\.com|d-abcd1234\.awsapps\.com)\//.test(l),
      ),
    ).toBe(true);
    expect(text).not.toContain('https://evil.example');
    // Finding text is inline code; the title holds the formatter's words only.
    expect(card.content.description).toContain('*Account:* `workload-prod Region: us-east-1 Finding`');
    expect(card.content.title).toBe('Critical severity new Security Hub finding');
  });

  it('chatField keeps a code span closed and mentions inert', () => {
    expect(chatField('<!channel> `rm -rf` <https://evil.example|click>')).toBe(
      "`\u2039!channel\u203a 'rm -rf' \u2039https[:]//evil.example|click\u203a`",
    );
    expect(chatField('')).toBe('-');
    expect(chatField('x'.repeat(400))).toHaveLength(302);
  });

  it('a digest card validates and lists each finding once', () => {
    const findings = eventFiles.flatMap((file) => parseFindings(load(file)).findings);
    const card = digestChat(
      findings.map(digestEntryOf),
      { timeZone: 'UTC', skipRepeated: true },
      { digestId: 'abc' },
    );
    expectValid(card);
    expect(card.id).toBe('secnotify-digest-abc');
    expect(card.content.description).toMatch(/\.\.\. and \d+ more\. Security Hub shows them all\.$/);
  });
});

describe("eventbridge mode: the chat target's input transformer", () => {
  const rendered = renderProductTemplate(
    resolveOptions({ values: { formatter: 'eventbridge' }, sources: {} }),
    {},
  ).template;

  it.each(eventFiles)('%s gives the custom notification that validates against the schema', (file) => {
    const event = load(file) as { detail: { findings: Record<string, unknown>[] } };
    const messages = eventbridgeChatMessages(event, rendered);
    // One chat message wherever the email target sends one (custom-action events match neither rule).
    expect(messages).toHaveLength(eventbridgeEmails(event, rendered).length);
    if (messages.length === 0) return;
    expect(messages).toHaveLength(1);
    const document = JSON.parse(messages[0]!);
    expectValid(document);
    const [first] = parseFindings(event).findings;
    // The thread is the finding ID as it is (a transformer cannot hash it).
    expect(document.metadata.threadId).toBe(first!.id);
    expect(document.content.nextSteps[0]).toMatch(
      /^Open Security Hub findings in [a-z0-9-]+ and search for the finding ID: https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/securityhub\//,
    );
  });

  it("keeps the crafted finding's text inside its JSON strings (valid JSON)", () => {
    const [message] = eventbridgeChatMessages(load('crafted/forged-layout.json'), rendered);
    const document = JSON.parse(message!);
    expectValid(document);
    // Line breaks inside a value stay inside that value's code span; the card's own lines are still first.
    expect(document.content.description).toMatch(
      /^\*Account:\* `111122223333`\n\*Title:\* `S3 bucket is public/,
    );
    expect(document.content.title).toBe('CRITICAL severity Security Hub finding (NEW)');
  });
});

describe('the dead-letter alarm in chat', () => {
  it('a chat-only subscription hears it in the channel, as a valid card without markup from the alarm', async () => {
    const published: { TopicArn?: string; Subject?: string; Message?: string }[] = [];
    const handler = createHandler({
      env: {
        SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:email',
        CHAT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:chat',
        EMAIL_ENABLED: 'false',
        DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/SC-dlq',
        SUBSCRIPTION_ACCOUNT_ID: '111122223333',
      },
      log: () => {},
      client: () =>
        ({
          send: async (c: { input: (typeof published)[number] }) => {
            published.push(c.input);
            return { MessageId: '1' };
          },
        }) as never,
    });
    const result = await handler({
      source: 'aws.cloudwatch',
      alarmArn: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:SC-x-DeadLetterAlarm-X',
      region: 'eu-west-1',
      alarmData: {
        alarmName: 'SC-x-DeadLetterAlarm-X',
        state: { value: 'ALARM', reason: 'Threshold `Crossed`' },
      },
    });
    expect(result).toMatchObject({ emails: 0, chats: 1 });
    expect(published.map((p) => p.TopicArn)).toEqual(['arn:aws:sns:eu-west-1:111122223333:chat']);
    const card = JSON.parse(published[0]!.Message!);
    expectValid(card);
    expect(card.content.title).toMatch(/^Security Hub notifications could not be delivered/);
    expect(card.content.description).toMatch(/^```\n[^`]*\n```$/);
  });
});

describe('digest subject', () => {
  it('keeps every severity count within SNS subject rules, dropping the account part first', () => {
    const [base] = parseFindings(load('events/asff/guardduty-bitcoin-dns.json')).findings;
    const severities = ['Critical', 'High', 'Medium', 'Low', 'Informational'];
    const entries = Array.from({ length: 50_000 }, (_, i) =>
      digestEntryOf({
        ...base!,
        id: `f-${i}`,
        accountId: String(100000000000 + (i % 12)),
        severity: severities[i % 5]!,
      }),
    );
    const { subject } = digestEmail(entries, { timeZone: 'UTC', skipRepeated: true });
    expect(subject).toBe(
      'Security Hub digest: 10000 Critical, 10000 High, 10000 Medium, 10000 Low, 10000 Informational',
    );
    expect(subject).toMatch(/^[\x20-\x7e]{1,99}$/);
  });
});
