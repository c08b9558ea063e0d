// --poll-interval (env SECNOTIFY_POLL_MS): a documented, validated option instead of an ad-hoc switch.
import { describe, expect, it } from 'vitest';
import { buildProgram, parsePollInterval } from '../../src/cli/program.js';

describe('--poll-interval', () => {
  it('accepts whole milliseconds and refuses anything else with the accepted form', () => {
    expect(parsePollInterval('100')).toBe(100);
    for (const bad of ['0', '-5', '1.5', 'abc', '600001']) {
      expect(() => parsePollInterval(bad)).toThrow(/whole milliseconds from 1 to 600000/);
    }
  });

  it('reaches the command as globals.pollInterval, from the flag or from SECNOTIFY_POLL_MS', async () => {
    const seen: unknown[] = [];
    const parse = async (argv: string[]) => {
      const program = buildProgram(async (_load, cmd) => {
        seen.push(cmd.optsWithGlobals().pollInterval);
      });
      await program.parseAsync(['node', 'secnotify', ...argv]);
    };
    await parse(['--poll-interval', '250', 'status']);
    const before = process.env.SECNOTIFY_POLL_MS;
    process.env.SECNOTIFY_POLL_MS = '75';
    try {
      await parse(['status']);
    } finally {
      if (before === undefined) delete process.env.SECNOTIFY_POLL_MS;
      else process.env.SECNOTIFY_POLL_MS = before;
    }
    expect(seen).toEqual([250, 75]);
  });
});
