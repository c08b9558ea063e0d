import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/preview.js';
import { UsageError } from '../../src/core/errors.js';
import { runCli } from '../support/cli.js';
import { testCommandContext } from '../support/io-host.js';

const events = join(import.meta.dirname, '../fixtures/events');

const context = () => testCommandContext();

describe('secnotify preview', () => {
  it('prints every email of an event', async () => {
    const { ctx, results } = context();
    await run(ctx, {
      event: join(events, 'asff/securityhub-multiple-findings.json'),
      timezone: 'Europe/Berlin',
    });
    expect(results[0]!.text).toContain(
      '--- email 3 of 3 ---\nSubject: High severity new Security Hub finding on workload-dev',
    );
    expect(results[0]!.data).toHaveLength(3);
  });

  it('gives an empty JSON array when nothing would be sent (a skipped repeat), and says why in text', async () => {
    const { ctx, results } = context();
    await run(ctx, { event: join(events, 'ocsf/securityhub-control-repeat.json') });
    expect(results[0]!.data).toEqual([]);
    expect(results[0]!.text).toMatch(/no email for finding .*repeated Security Hub control finding/);
  });

  it('previews the eventbridge formatter through the rendered input transformer, with SNS default subject', async () => {
    const { ctx, results } = context();
    await run(ctx, { event: join(events, 'asff/guardduty-bitcoin-dns.json'), formatter: 'eventbridge' });
    const [email] = results[0]!.data as { subject: string; message: string }[];
    expect(email!.subject).toBe('AWS Notification Message');
    expect(email!.message).toContain('111122223333');
    expect(email!.message).not.toMatch(/<[a-zA-Z]+>/);
  });

  it('turns input that is not a finding, unreadable files, folders without --all and unknown zones into exit 2', async () => {
    const { ctx } = context();
    await expect(run(ctx, { event: join(import.meta.dirname, '../../package.json') })).rejects.toThrow(
      UsageError,
    );
    await expect(run(ctx, { event: '/nonexistent.json' })).rejects.toThrow(/cannot read/);
    await expect(run(ctx, { event: join(events, 'asff') })).rejects.toThrow(/--all/);
    await expect(
      run(ctx, { event: join(events, 'asff/guardduty-bitcoin-dns.json'), timezone: 'Mars/Base' }),
    ).rejects.toThrow(/--timezone/);
  });

  it('prints {ok: true, result: [{subject, message}, …]} through the real CLI, for a folder with --all', async () => {
    const result = await runCli(['preview', '--event', join(events, 'ocsf'), '--all', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as {
      ok: boolean;
      result: { file: string; subject: string; message: string }[];
    };
    expect(doc.ok).toBe(true);
    const emails = doc.result;
    expect(emails.length).toBeGreaterThan(3);
    for (const e of emails) {
      expect(Object.keys(e).sort()).toEqual(['file', 'message', 'subject']);
      expect(e.subject).toMatch(/^[\x20-\x7e]{1,100}$/);
    }
  });

  it('reads an event from stdin', async () => {
    const { readFileSync } = await import('node:fs');
    const input = readFileSync(join(events, 'asff/guardduty-bitcoin-dns.json'), 'utf8');
    const result = await runCli(['preview', '--event', '-', '--json'], { input });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      result: [
        expect.objectContaining({
          subject: expect.stringMatching(/^High severity new Security Hub finding on workload-prod/),
        }),
      ],
    });
  });
});
