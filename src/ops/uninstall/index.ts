// The removal as a graph of steps. Dependencies:
// - portfolio after shares: Service Catalog cannot delete a portfolio that is still shared.
// - empty-buckets after portfolio (the product's artifacts live in the bucket), bucket-stack after them.
// - launch-roles after portfolio: the launch constraint names the role.
// - permission-set: management account, independent of the hub's work.
// - org-setup last: the delegated administrator is deregistered only once nothing shares or deploys.
import type { RemovalStep, RemovalStepId } from '../../core/removal.js';
import { type EngineResult, runStepGraph, type StepDefinition } from '../engine.js';
import { REMOVAL_RUNNERS, type RemovalOutcome, type UninstallState } from './steps.js';

export const REMOVAL_DEPENDENCIES: Record<RemovalStepId, readonly RemovalStepId[]> = {
  shares: [],
  portfolio: ['shares'],
  'empty-buckets': ['portfolio'],
  'bucket-stack': ['empty-buckets'],
  'permission-set': [],
  'launch-roles': ['portfolio'],
  'org-setup': ['shares', 'portfolio', 'permission-set', 'launch-roles'],
};

type Outcome = Exclude<RemovalOutcome['outcome'], 'skipped'>;
type Outputs = Record<RemovalStepId, undefined>;

export async function runUninstall(
  steps: RemovalStep[],
  state: UninstallState,
): Promise<EngineResult<RemovalStepId, Outcome, Outputs>> {
  const graph: StepDefinition<RemovalStepId, Outcome, Outputs>[] = steps.map((step) => ({
    plan: step,
    dependsOn: REMOVAL_DEPENDENCIES[step.id],
    run: async (run) => {
      const done = await REMOVAL_RUNNERS[step.id](
        { ...state, io: run.io, signal: run.signal, step: step.id },
        step,
      );
      return { outcome: done.outcome as Outcome, detail: done.detail };
    },
  }));
  return runStepGraph(graph, {
    io: state.io,
    signal: state.signal,
    resumeText: (finished, notStarted) =>
      `Removed before the failure: ${finished.length ? finished.join(', ') : 'nothing'}${notStarted.length ? `; not started: ${notStarted.join(', ')}` : ''}. Run the same command again after fixing the cause: what is gone is skipped.`,
  });
}
