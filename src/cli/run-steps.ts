// Runs a plan's steps in order, the same way for install and uninstall: a header line per step (the stack
// printer draws the live view), skipped steps recorded with their reason, a stop between steps on Ctrl-C,
// and after a failure a line saying what finished and that the same command resumes.
import { AbortError, SecnotifyError, UsageError } from '../core/errors.js';
import type { IoHost } from '../core/io.js';
import { MSG } from '../core/messages.js';

interface PlanStep<Id extends string> {
  id: Id;
  account: 'hub' | 'management';
  region: string;
  title: string;
  run: boolean;
  skipReason?: string;
}

export interface StepResult<Id extends string, Outcome extends string> {
  id: Id;
  account: 'hub' | 'management';
  region: string;
  outcome: Outcome | 'skipped';
  detail: string;
}

export async function runSteps<Id extends string, Outcome extends string, S extends PlanStep<Id>>(
  steps: S[],
  runStep: (step: S) => Promise<StepResult<Id, Outcome>>,
  context: {
    io: IoHost;
    signal: AbortSignal;
    /** Says what completed before a failure and how the same command resumes. */
    resumeText: (finished: Id[]) => string;
    /** An outcome after which the later steps must not run (e.g. declined changes). */
    stopAfter?: (result: StepResult<Id, Outcome>) => AbortError | undefined;
  },
): Promise<StepResult<Id, Outcome>[]> {
  const { io, signal } = context;
  const results: StepResult<Id, Outcome>[] = [];
  for (const step of steps) {
    if (!step.run) {
      const { id, account, region } = step;
      results.push({ id, account, region, outcome: 'skipped', detail: step.skipReason ?? '' });
      continue;
    }
    if (signal.aborted) {
      throw new AbortError(
        `Stopped before step ${step.id}; nothing is running in AWS. Run the same command again to continue.`,
      );
    }
    io.notify({ level: 'info', code: MSG.STEP.code, text: `${step.id}: ${step.title}` });
    try {
      const result = await runStep(step);
      results.push(result);
      io.notify({ level: 'success', code: MSG.STEP_DONE.code, text: `${step.id}: ${result.detail}` });
      const stop = context.stopAfter?.(result);
      if (stop) throw stop;
    } catch (error) {
      io.notify({ level: 'error', code: MSG.STEP_FAILED.code, text: `${step.id} failed` });
      if (
        error instanceof SecnotifyError &&
        !(error instanceof UsageError) &&
        !(error instanceof AbortError)
      ) {
        const finished = results.filter((r) => r.outcome !== 'skipped').map((r) => r.id);
        io.notify({ level: 'info', code: MSG.RESUME.code, text: context.resumeText(finished) });
      }
      throw error;
    }
  }
  return results;
}
