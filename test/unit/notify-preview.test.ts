import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/preview.js';
import type { CommandContext } from '../../src/cli/context.js';
import { UsageError } from '../../src/core/errors.js';

const events = join(import.meta.dirname, '../fixtures/events');

function context() {
  const results: Array<{ data: unknown; text: string }> = [];
  const io = {
    notify() {},
    activity() {},
    requestResponse: async () => undefined,
    result: (data: unknown, text: string) => results.push({ data, text }),
  };
  return { ctx: { io, globals: {} } as unknown as CommandContext, results };
}

describe('secnotify preview', () => {
  it('prints every e-mail of an event, and says which finding is skipped', async () => {
    const { ctx, results } = context();
    await run(ctx, { timezone: 'Europe/Berlin' }, [join(events, 'asff/securityhub-multiple-findings.json')]);
    expect(results[0]!.text).toContain(
      '--- e-mail 3 of 3 ---\nSubject: High severity new Security Hub finding on workload-dev',
    );
    const skipped = context();
    await run(skipped.ctx, {}, [join(events, 'ocsf/securityhub-control-repeat.json')]);
    expect(skipped.results[0]!.text).toMatch(/no e-mail \(repeated Security Hub control finding/);
  });

  it('turns input that is not a finding, unreadable files and unknown zones into usage errors (exit 2)', async () => {
    const { ctx } = context();
    await expect(run(ctx, {}, [join(import.meta.dirname, '../../package.json')])).rejects.toThrow(UsageError);
    await expect(run(ctx, {}, ['/nonexistent.json'])).rejects.toThrow(/cannot read/);
    await expect(
      run(ctx, { timezone: 'Mars/Base' }, [join(events, 'asff/guardduty-bitcoin-dns.json')]),
    ).rejects.toThrow(/--timezone/);
  });
});
