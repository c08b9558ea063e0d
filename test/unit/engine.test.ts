// The step engine: independent steps run together, a step starts when what it depends on is done, a
// declined change set stops the run once, a failure lets running steps finish, Ctrl-C names what ran.
import { describe, expect, it } from 'vitest';
import { AbortError, OperationError } from '../../src/core/errors.js';
import { type PlanEntry, runStepGraph, type StepDefinition } from '../../src/ops/engine.js';
import { TestIoHost } from '../support/io-host.js';

type Id = 'a' | 'b' | 'c' | 'd';
type Outputs = Record<Id, string>;
type Step = StepDefinition<Id, 'done', Outputs>;

const plan = (id: Id, run = true): PlanEntry<Id> => ({
  id,
  account: id === 'a' ? 'management' : 'hub',
  region: 'eu-west-1',
  title: `step ${id}`,
  run,
  ...(run ? {} : { skipReason: 'not selected' }),
});

/** A step that waits until released, and records when it started. */
function gated(id: Id, dependsOn: Id[], log: string[], options: { fail?: boolean; declined?: boolean } = {}) {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const step: Step = {
    plan: plan(id),
    dependsOn,
    run: async (run) => {
      log.push(`start ${id}`);
      await new Promise<void>((resolve, reject) => {
        void gate.then(resolve);
        run.signal.addEventListener('abort', () => reject(new AbortError(`still working on ${id}`)));
      });
      log.push(`end ${id}`);
      if (options.fail) throw new OperationError(`${id} broke`);
      if (options.declined) return { outcome: 'declined', detail: 'changes declined' };
      const inputs = dependsOn.map((d) => run.output(d)).join('+');
      return { outcome: 'done', detail: `${id} done`, output: `${id}(${inputs})` };
    },
  };
  return { step, release };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('step engine', () => {
  it('starts independent steps together and each dependent step once its dependencies are done', async () => {
    const log: string[] = [];
    const a = gated('a', [], log);
    const b = gated('b', [], log);
    const c = gated('c', ['b'], log);
    const d = gated('d', ['a', 'c'], log);
    const io = new TestIoHost();
    const running = runStepGraph([a.step, b.step, c.step, d.step], {
      io,
      signal: new AbortController().signal,
      resumeText: () => '',
    });
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    b.release();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    c.release();
    await tick();
    expect(log).not.toContain('start d');
    a.release();
    await tick();
    d.release();
    const result = await running;
    expect(result.outputs.d).toBe('d(a()+c(b()))');
    expect(result.reports.map((r) => [r.id, r.outcome])).toEqual([
      ['a', 'done'],
      ['b', 'done'],
      ['c', 'done'],
      ['d', 'done'],
    ]);
    // Every message of a step carries its id.
    expect(
      io.messages.filter((m) => m.code === 'SN_STEP_DONE').map((m) => (m.data as { step: string }).step),
    ).toEqual(['b', 'c', 'a', 'd']);
    expect(result.stepMs).toBeGreaterThanOrEqual(0);
  });

  it('treats a skipped dependency as satisfied: the step reads what earlier runs deployed', async () => {
    const log: string[] = [];
    const c = gated('c', ['b'], log);
    c.release();
    const result = await runStepGraph([{ ...gated('b', [], log).step, plan: plan('b', false) }, c.step], {
      io: new TestIoHost(),
      signal: new AbortController().signal,
      resumeText: () => '',
    });
    expect(result.reports.map((r) => r.outcome)).toEqual(['skipped', 'done']);
  });

  it('a declined step is a result: reported once, nothing new starts, no failure is printed', async () => {
    const log: string[] = [];
    const a = gated('a', [], log);
    const b = gated('b', [], log, { declined: true });
    const c = gated('c', ['b'], log);
    const io = new TestIoHost();
    const running = runStepGraph([a.step, b.step, c.step], {
      io,
      signal: new AbortController().signal,
      resumeText: () => '',
    });
    b.release();
    await tick();
    a.release();
    const result = await running;
    expect(result.declined).toBe('b');
    expect(result.reports.map((r) => [r.id, r.outcome])).toEqual([
      ['a', 'done'],
      ['b', 'declined'],
      ['c', 'not-started'],
    ]);
    expect(io.codes.filter((c) => c === 'SN_STEP_DECLINED')).toHaveLength(1);
    expect(io.codes).not.toContain('SN_STEP_FAILED');
    expect(
      io.messages.filter((m) => m.code === 'SN_STEP_DONE').map((m) => (m.data as { step: string }).step),
    ).toEqual(['a']);
    expect(log).not.toContain('start c');
  });

  it('after a failure lets the running independent step finish, starts nothing new, then reports', async () => {
    const log: string[] = [];
    const a = gated('a', [], log);
    const b = gated('b', [], log, { fail: true });
    const c = gated('c', ['b'], log);
    const io = new TestIoHost();
    const running = runStepGraph([a.step, b.step, c.step], {
      io,
      signal: new AbortController().signal,
      resumeText: (done, notStarted) => `finished ${done.join(',')}; not started ${notStarted.join(',')}`,
    });
    b.release();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end b']);
    a.release();
    await expect(running).rejects.toThrow('b broke');
    expect(log).toEqual(['start a', 'start b', 'end b', 'end a']);
    expect(io.messages.find((m) => m.code === 'SN_RESUME')?.text).toBe('finished a; not started c');
    expect(io.codes.filter((c) => c === 'SN_STEP_FAILED')).toHaveLength(1);
  });

  it('Ctrl-C reaches every running step; the error names what finished, what was running, what did not start', async () => {
    const log: string[] = [];
    const a = gated('a', [], log);
    const b = gated('b', [], log);
    const c = gated('c', [], log);
    const d = gated('d', ['b'], log);
    const controller = new AbortController();
    const running = runStepGraph([a.step, b.step, c.step, d.step], {
      io: new TestIoHost(),
      signal: controller.signal,
      resumeText: () => '',
    });
    c.release();
    await tick();
    controller.abort();
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe(
      'Interrupted. Finished: c. Were running: a (still working on a); b (still working on b). Not started: d. Run the same command again to continue.',
    );
  });

  it('refuses a dependency on a step that does not exist', async () => {
    const step: Step = {
      plan: plan('a'),
      dependsOn: ['d'],
      run: async () => ({ outcome: 'done', detail: '' }),
    };
    await expect(
      runStepGraph([step], {
        io: new TestIoHost(),
        signal: new AbortController().signal,
        resumeText: () => '',
      }),
    ).rejects.toThrow('unknown dependency d');
  });
});

describe('step engine: what finished before a failure', () => {
  it('the error it throws carries completedSteps, which --json prints', async () => {
    const { failureDocument } = await import('../../src/cli/io/json-document.js');
    const log: string[] = [];
    const a = gated('a', [], log);
    const b = gated('b', ['a'], log, { fail: true });
    const c = gated('c', ['b'], log);
    const running = runStepGraph([a.step, b.step, c.step], {
      io: new TestIoHost(),
      signal: new AbortController().signal,
      resumeText: () => 'again',
    });
    a.release();
    await tick();
    b.release();
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect(failureDocument(error)).toMatchObject({
      ok: false,
      error: { message: 'b broke', exitCode: 1 },
      completedSteps: ['a'],
    });
  });
});
