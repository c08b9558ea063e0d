// `secnotify preview --channel chat` and `--digest`: the chat messages and the digest a user would get.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/preview.js';
import { testCommandContext } from '../support/io-host.js';

const events = join(import.meta.dirname, '../fixtures/events');

const context = () => testCommandContext();

describe('secnotify preview --channel chat', () => {
  it('prints one chat card per finding; --json data are the exact custom-notification documents', async () => {
    const { ctx, results } = context();
    await run(ctx, {
      event: join(events, 'asff/securityhub-multiple-findings.json'),
      channel: 'chat',
      idcSubdomain: 'd-abcd1234',
    });
    const documents = results[0]!.data as {
      version: string;
      source: string;
      metadata: { threadId: string };
    }[];
    expect(documents).toHaveLength(3);
    expect(documents.every((d) => d.version === '1.0' && d.source === 'custom')).toBe(true);
    expect(new Set(documents.map((d) => d.metadata.threadId)).size).toBe(3);
    expect(results[0]!.text).toContain(
      '--- chat message 3 of 3 ---\nTitle: High severity new Security Hub finding',
    );
    expect(results[0]!.text).toContain(
      '> Sign in with IAM Identity Center (permission set SubscribeToSecurityNotifications)',
    );
  });

  it('eventbridge mode: the chat transformer output', async () => {
    const { ctx, results } = context();
    await run(ctx, {
      event: join(events, 'ocsf/guardduty-threat.json'),
      channel: 'chat',
      formatter: 'eventbridge',
      skipRepeatedFindings: false,
    });
    const [document] = results[0]!.data as { content: { title: string } }[];
    expect(document!.content.title).toMatch(/^Critical severity Security Hub finding \(New\)$/);
  });
});

describe('secnotify preview --digest', () => {
  it('prints the one digest e-mail of a folder of events, each finding once', async () => {
    const { ctx, results } = context();
    await run(ctx, { event: join(events, 'asff'), all: true, digest: true });
    const [email] = results[0]!.data as { subject: string; message: string }[];
    expect(results[0]!.data).toHaveLength(1);
    expect(email!.subject).toMatch(
      /^Security Hub digest on \d+ accounts: (\d+ [A-Za-z]+, )*\d+ [A-Za-z]+ \(\d+ findings\)$/,
    );
    expect(email!.subject.length).toBeLessThan(100);
    // The control finding seen first and then resolved is listed once, resolved.
    expect(email!.message.match(/: S3 general purpose buckets should block public access$/gm)).toHaveLength(
      1,
    );
    expect(results[0]!.text).toMatch(
      /^--- digest email \(\d+ queued findings\) ---\nSubject: Security Hub digest/,
    );
  });

  it('says nothing is sent when no finding would be', async () => {
    const { ctx, results } = context();
    await run(ctx, { event: join(events, 'ocsf/securityhub-control-repeat.json'), digest: true });
    expect(results[0]!.data).toEqual([]);
    expect(results[0]!.text).toMatch(/no digest/);
  });

  it('needs the Lambda formatter', async () => {
    const { ctx } = context();
    await expect(
      run(ctx, {
        event: join(events, 'ocsf/guardduty-threat.json'),
        digest: true,
        formatter: 'eventbridge',
        skipRepeatedFindings: false,
      }),
    ).rejects.toThrow(/--digest: digests need the Lambda formatter/);
  });
});
