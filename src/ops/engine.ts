// The step engine for install and uninstall. Each step declares the steps it depends on; a step starts as
// soon as those are finished, so work in the management account (the launch-role StackSet) and in the hub
// (bucket, upload, portfolio) runs at the same time. Steps return their outputs; later steps read the
// outputs of the steps they depend on, never a shared mutable state.
//
// Stops: a declined change set is a result (`declined`), not an error: no new step starts, and the run
// ends with one "cancelled, nothing changed" message. A failure or Ctrl-C lets the steps already running
// finish (a CloudFormation operation cut short leaves its stack in progress; waiting for it leaves every
// stack settled, so the same command resumes cleanly), starts nothing new, then reports what finished,
// what was running and what did not start.
import { AbortError, SecnotifyError, UsageError } from '../core/errors.js';
import type { IoHost, IoMessage } from '../core/io.js';
import { MSG } from '../core/messages.js';

export type AccountRole = 'hub' | 'management';

/** A step as planned: where it runs, and why it does not (when it does not). */
export interface PlanEntry<Id extends string> {
  id: Id;
  account: AccountRole;
  region: string;
  title: string;
  run: boolean;
  skipReason?: string;
}

export interface StepReport<Id extends string, Outcome extends string> {
  id: Id;
  account: AccountRole;
  region: string;
  outcome: Outcome | 'skipped' | 'not-started' | 'failed' | 'interrupted';
  detail: string;
  /** Wall time of the step in milliseconds (absent for steps that did not run). */
  ms?: number;
}

/** What a step's run returns. `declined` stops the run without an error. */
export interface StepDone<Outcome extends string, Output> {
  outcome: Outcome | 'declined';
  detail: string;
  output?: Output;
}

/** What a running step receives: its own IoHost (messages carry the step id) and the abort signal. */
export interface StepRun<Id extends string, Outputs extends Record<Id, unknown>> {
  step: Id;
  io: IoHost;
  signal: AbortSignal;
  /** Runs `fn` while no other step shows a question (e.g. a change set and its confirmation together). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Settles when another step has finished (true) or failed, was declined or will not start (false). */
  whenSettled(id: Id): Promise<boolean>;
  /** The output of a step this one depends on; undefined when that step was skipped or not planned. */
  output<K extends Id>(id: K): Outputs[K] | undefined;
}

export interface StepDefinition<
  Id extends string,
  Outcome extends string,
  Outputs extends Record<Id, unknown>,
> {
  plan: PlanEntry<Id>;
  /** Steps that must finish first (those that are skipped or not planned count as finished). */
  dependsOn: readonly Id[];
  run(ctx: StepRun<Id, Outputs>): Promise<StepDone<Outcome, Outputs[Id]>>;
}

export interface EngineOptions<Id extends string> {
  io: IoHost;
  signal: AbortSignal;
  /** Says what completed before a failure and how the same command resumes. */
  resumeText: (finished: Id[], notStarted: Id[]) => string;
}

export interface EngineResult<
  Id extends string,
  Outcome extends string,
  Outputs extends Record<Id, unknown>,
> {
  reports: StepReport<Id, Outcome | 'declined'>[];
  outputs: Partial<Outputs>;
  /** The step whose changes were declined; the run stopped after it. */
  declined?: Id;
  /** Wall time of the whole run and the sum of the step times, in milliseconds. */
  wallMs: number;
  stepMs: number;
}

/**
 * Messages of a step carry its id in `data.step`: hosts prefix its lines (`[templates] …`), tests and --json
 * read it. The engine's own step messages carry it the same way, so their text does not repeat the id.
 */
export function stepIo(io: IoHost, step: string): IoHost {
  const tag = (m: IoMessage): IoMessage => ({
    ...m,
    data:
      m.data === undefined ? { step } : typeof m.data === 'object' && m.data ? { ...m.data, step } : m.data,
  });
  return {
    get interactive() {
      return io.interactive;
    },
    get color() {
      return io.color;
    },
    notify: (m) => io.notify(tag(m)),
    requestResponse: (r) => io.requestResponse(r),
    activity: (text) => io.activity(text),
    result: (data, text) => io.result(data, text),
  };
}

type Settled<Id extends string, Outcome extends string, Output> =
  | { id: Id; ok: true; done: StepDone<Outcome, Output>; ms: number }
  | { id: Id; ok: false; error: unknown; ms: number };

export async function runStepGraph<
  Id extends string,
  Outcome extends string,
  Outputs extends Record<Id, unknown>,
>(
  steps: readonly StepDefinition<Id, Outcome, Outputs>[],
  options: EngineOptions<Id>,
): Promise<EngineResult<Id, Outcome, Outputs>> {
  const { io, signal } = options;
  const started = Date.now();
  const planned = new Set(steps.filter((s) => s.plan.run).map((s) => s.plan.id));
  for (const step of steps) {
    for (const dep of step.dependsOn) {
      if (!steps.some((s) => s.plan.id === dep))
        throw new Error(`step ${step.plan.id}: unknown dependency ${dep}`);
    }
  }
  const reports = new Map<Id, StepReport<Id, Outcome | 'declined'>>();
  const outputs: Partial<Outputs> = {};
  const finished = new Set<Id>();
  const running = new Map<Id, Promise<Settled<Id, Outcome, Outputs[Id]>>>();
  const pending = steps.filter((s) => s.plan.run);
  const failures: { id: Id; error: unknown }[] = [];
  let declined: Id | undefined;

  for (const s of steps) {
    if (!s.plan.run) {
      const { id, account, region } = s.plan;
      reports.set(id, { id, account, region, outcome: 'skipped', detail: s.plan.skipReason ?? '' });
    }
  }

  const ready = (s: StepDefinition<Id, Outcome, Outputs>) =>
    s.dependsOn.every((d) => !planned.has(d) || finished.has(d));
  const stopped = () => declined !== undefined || failures.length > 0 || signal.aborted;

  const settledOf = new Map<Id, { promise: Promise<boolean>; resolve: (ok: boolean) => void }>();
  for (const s of steps) {
    let resolve: (ok: boolean) => void = () => {};
    const promise = new Promise<boolean>((r) => {
      resolve = r;
    });
    settledOf.set(s.plan.id, { promise, resolve });
    if (!s.plan.run) resolve(false);
  }
  const whenSettled = (id: Id) => settledOf.get(id)?.promise ?? Promise.resolve(false);
  const settleStep = (id: Id, ok: boolean) => settledOf.get(id)?.resolve(ok);

  // Questions from steps running together are asked one after the other, each with what it shows first.
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const mine = turn.then(fn);
    turn = mine.catch(() => undefined);
    return mine;
  };

  const start = (s: StepDefinition<Id, Outcome, Outputs>) => {
    const { id } = s.plan;
    const scoped = stepIo(io, id);
    io.notify({ ...MSG.STEP.msg(s.plan.title), data: { step: id } });
    const t0 = Date.now();
    const promise = s
      .run({ step: id, io: scoped, signal, exclusive, whenSettled, output: (k) => outputs[k] })
      .then(
        (done): Settled<Id, Outcome, Outputs[Id]> => ({ id, ok: true, done, ms: Date.now() - t0 }),
        (error: unknown): Settled<Id, Outcome, Outputs[Id]> => ({
          id,
          ok: false,
          error,
          ms: Date.now() - t0,
        }),
      );
    running.set(id, promise);
  };

  for (;;) {
    if (!stopped()) {
      for (const s of pending.filter(ready)) {
        pending.splice(pending.indexOf(s), 1);
        start(s);
      }
    } else {
      // Nothing more starts: steps still running learn that the pending ones will not come.
      for (const s of pending) settleStep(s.plan.id, false);
    }
    if (running.size === 0) break;
    const settled = await Promise.race(running.values());
    running.delete(settled.id);
    const plan = steps.find((s) => s.plan.id === settled.id)!.plan;
    const base = { id: plan.id, account: plan.account, region: plan.region, ms: settled.ms };
    if (settled.ok) {
      const { outcome, detail, output } = settled.done;
      reports.set(plan.id, { ...base, outcome, detail });
      if (output !== undefined) outputs[plan.id] = output;
      settleStep(plan.id, outcome !== 'declined');
      if (outcome === 'declined') {
        declined ??= plan.id;
        io.notify({ ...MSG.STEP_DECLINED.msg('declined'), data: { step: plan.id } });
        continue;
      }
      finished.add(plan.id);
      io.notify({ ...MSG.STEP_DONE.msg(detail), data: { step: plan.id } });
    } else {
      settleStep(plan.id, false);
      failures.push({ id: plan.id, error: settled.error });
      const aborted = settled.error instanceof AbortError;
      const message = settled.error instanceof Error ? settled.error.message : String(settled.error);
      reports.set(plan.id, { ...base, outcome: aborted ? 'interrupted' : 'failed', detail: message });
      if (!(settled.error instanceof AbortError)) {
        io.notify({ ...MSG.STEP_FAILED.msg('failed'), data: { step: plan.id } });
      }
    }
  }

  if (pending.length > 0 && !stopped()) {
    throw new Error(
      `steps ${pending.map((s) => s.plan.id).join(', ')} wait for each other (a dependency cycle)`,
    );
  }
  const notStarted = pending.map((s) => s.plan.id);
  for (const s of pending) {
    const { id, account, region } = s.plan;
    const waitingFor = s.dependsOn.filter((d) => planned.has(d) && !finished.has(d));
    reports.set(id, {
      id,
      account,
      region,
      outcome: 'not-started',
      detail: waitingFor.length ? `waits for ${waitingFor.join(', ')}` : 'stopped before it started',
    });
  }
  const wallMs = Date.now() - started;
  const ordered = steps.map((s) => reports.get(s.plan.id)!);
  const stepMs = ordered.reduce((n, r) => n + (r.ms ?? 0), 0);
  const done = [...finished];

  const aborts = failures.filter((f) => f.error instanceof AbortError);
  const errors = failures.filter((f) => !(f.error instanceof AbortError));
  if (errors.length > 0) {
    // Every failure is shown; the first one is what the command exits with.
    for (const extra of errors.slice(1)) {
      const message = extra.error instanceof Error ? extra.error.message : String(extra.error);
      io.notify({ ...MSG.STEP_ERROR.msg(message), data: { step: extra.id } });
    }
    const first = errors[0]!.error;
    if (first instanceof SecnotifyError && !(first instanceof UsageError)) {
      io.notify(MSG.RESUME.msg(options.resumeText(done, notStarted)));
    }
    throw withCompletedSteps(first, done);
  }
  if (aborts.length > 0 || (signal.aborted && notStarted.length > 0)) {
    const interrupted = aborts.map((a) => `${a.id} (${(a.error as AbortError).message})`);
    throw withCompletedSteps(
      new AbortError(
        [
          `Interrupted. Finished: ${done.length ? done.join(', ') : 'nothing'}.`,
          interrupted.length ? `Were running: ${interrupted.join('; ')}.` : '',
          notStarted.length ? `Not started: ${notStarted.join(', ')}.` : '',
          'Run the same command again to continue.',
        ]
          .filter(Boolean)
          .join(' '),
      ),
      done,
    );
  }
  return { reports: ordered, outputs, ...(declined ? { declined } : {}), wallMs, stepMs };
}

/** The steps that finished, on the error the run ends with (`--json` reports them as `completedSteps`). */
function withCompletedSteps(error: unknown, done: readonly string[]): unknown {
  if (error !== null && typeof error === 'object') Object.assign(error, { completedSteps: [...done] });
  return error;
}
