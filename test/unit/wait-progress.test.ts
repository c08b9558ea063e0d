// Progress of long waits: in CI and pipes a plain line once a wait passes ~2 s, then at most one line per
// wait every 5 s, each with the elapsed time; --debug shows every one. Fake clocks, no real waiting.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createIoHost, PROGRESS_EVERY_MS } from '../../src/cli/io/hosts.js';
import { waitProgressTo, withElapsed } from '../../src/cli/io/wait-progress.js';
import { MSG } from '../../src/core/messages.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, lines: () => text.split('\n').filter((l) => l !== '') };
}

function plainHost(clock: { t: number }, options: { debug?: boolean; json?: boolean } = {}) {
  const err = capture();
  const io = createIoHost({
    json: options.json ?? false,
    yes: false,
    color: false,
    debug: options.debug ?? false,
    interactive: false,
    stderr: err.stream,
    stdout: new PassThrough(),
    now: () => clock.t,
  });
  return { io, lines: err.lines };
}

describe('wait progress in plain output', () => {
  it('shows a wait after 2 s, then at most one line per 5 s, each with the elapsed time', () => {
    const clock = { t: 0 };
    const { io, lines } = plainHost(clock);
    const progress = waitProgressTo(io, MSG.SHARE_STATUS, 'share');
    for (let t = 0; t <= 16_000; t += 500) {
      clock.t = t;
      progress({ description: 'the share with o-abc', elapsedMs: t, attempt: t / 500, state: 'IN_PROGRESS' });
    }
    expect(lines()).toEqual([
      '[share] Waiting for the share with o-abc (IN_PROGRESS, 2 s)',
      '[share] Waiting for the share with o-abc (IN_PROGRESS, 7 s)',
      '[share] Waiting for the share with o-abc (IN_PROGRESS, 12 s)',
    ]);
  });

  it('rate-limits each wait on its own: two buckets emptied one after the other both show', () => {
    const clock = { t: 10_000 };
    const { io, lines } = plainHost(clock);
    for (const bucket of ['a', 'b']) {
      io.notify(
        MSG.BUCKET_PROGRESS.msg(`Emptying bucket ${bucket}: 1000 deleted (3 s)`, {
          description: `bucket ${bucket}`,
          elapsedMs: 3_000,
          deleted: 1000,
        }),
      );
    }
    clock.t += PROGRESS_EVERY_MS - 1;
    io.notify(
      MSG.BUCKET_PROGRESS.msg('Emptying bucket a: 2000 deleted (8 s)', {
        description: 'bucket a',
        elapsedMs: 8_000,
        deleted: 2000,
      }),
    );
    expect(lines()).toEqual([
      'Emptying bucket a: 1000 deleted (3 s)',
      'Emptying bucket b: 1000 deleted (3 s)',
    ]);
  });

  it('--debug shows every progress message; the JSON host rate-limits its JSON lines the same way', () => {
    const clock = { t: 0 };
    const debug = plainHost(clock, { debug: true });
    const json = plainHost(clock, { json: true });
    for (const { io } of [debug, json]) {
      const progress = waitProgressTo(io, MSG.STACKSET_INSTANCES);
      for (const t of [3_000, 4_000, 5_000]) {
        clock.t = t;
        progress({ description: 'StackSet R', elapsedMs: t, attempt: 1, state: '2 left' });
      }
    }
    expect(debug.lines()).toHaveLength(3);
    expect(json.lines().map((l) => JSON.parse(l))).toEqual([
      {
        level: 'debug',
        code: 'SN_STACKSET_INSTANCES',
        text: 'Waiting for StackSet R (2 left, 3 s)',
        data: { description: 'StackSet R', elapsedMs: 3_000, state: '2 left' },
      },
    ]);
  });
});

describe('progress reported without an elapsed time (install share status)', () => {
  it('the host times the wait from its first report and adds the elapsed time to the line', () => {
    const clock = { t: 50_000 };
    const { io, lines } = plainHost(clock);
    const status = (target: string, state: string) =>
      io.notify({
        level: 'debug',
        code: MSG.SHARE_STATUS.code,
        text: `share ${target}: ${state}`,
        data: { step: 'share' },
      });
    for (let s = 0; s <= 8; s++) {
      clock.t = 50_000 + s * 1000;
      status('organization o-abc', s < 4 ? 'NOT_STARTED' : 'IN_PROGRESS');
    }
    clock.t += 1000;
    status('account 111111111111', 'IN_PROGRESS');
    expect(lines()).toEqual([
      '[share] share organization o-abc: NOT_STARTED (2 s)',
      '[share] share organization o-abc: IN_PROGRESS (7 s)',
    ]);
  });
});

describe('withElapsed: a wait that is not a poll (the uninstall inventory)', () => {
  it('prints the start, "still …" lines with the elapsed time, and the end with the total', async () => {
    const clock = { t: 0 };
    const { io, lines } = plainHost(clock);
    let release: (v: number) => void = () => {};
    const work = new Promise<number>((r) => {
      release = r;
    });
    const running = withElapsed(io, 'Working out what to remove', () => work, {
      done: (n) => `Worked out what to remove: ${n} parts`,
      tickMs: 1,
      now: () => clock.t,
    });
    for (let s = 1; s <= 9; s++) {
      clock.t = s * 1000;
      await new Promise((r) => setTimeout(r, 5));
    }
    release(4);
    expect(await running).toBe(4);
    expect(lines()).toEqual([
      'Working out what to remove…',
      'Still working out what to remove (2 s)',
      'Still working out what to remove (7 s)',
      '✔ Worked out what to remove: 4 parts (9 s)',
    ]);
  });
});
