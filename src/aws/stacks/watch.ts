// Following one operation to its end, and turning a failed end into a DeploymentError that names the failed
// resources with CloudFormation's reasons and says what to do next.
import { DeploymentError } from '../../core/errors.js';
import type { StackOperation } from '../../core/stack-activity.js';
import { isInProgress } from '../../core/stack-status.js';
import { EventReader, type EventTally } from './events.js';
import type { Run } from './run.js';

export interface WatchResult extends EventTally {
  status: string;
}

/** Emits the operation's events as they come and resolves with the final stack status. */
export async function watchOperation(
  run: Run,
  stackId: string,
  operation: StackOperation,
  marker: string | undefined,
  startedAt: Date,
): Promise<WatchResult> {
  const reader = new EventReader(run, stackId, marker, startedAt);
  return run.poll<WatchResult>(`stack ${run.stackName} to ${operation}`, async () => {
    await reader.drain();
    const stack = await run.describe(stackId);
    const status = stack?.StackStatus ?? (operation === 'delete' ? 'DELETE_COMPLETE' : 'UNKNOWN');
    run.lastStatus = status;
    // Right after executing a CREATE change set the stack may still read REVIEW_IN_PROGRESS.
    if (isInProgress(status)) return { done: false };
    await reader.drain();
    const { failures } = reader.tally;
    const stackReason = reader.tally.stackReason ?? (stack?.StackStatusReason || undefined);
    return { done: true, value: { status, failures, ...(stackReason ? { stackReason } : {}) } };
  });
}

const HINTS = (stackName: string): Record<string, string> => ({
  ROLLBACK_COMPLETE:
    'Nothing was created. Fix the cause and re-run the same command: it deletes the failed stack and creates it again.',
  ROLLBACK_FAILED:
    'Fix the cause and re-run the same command: it deletes the failed stack and creates it again.',
  UPDATE_ROLLBACK_COMPLETE:
    'The stack was rolled back to its previous state; fix the cause and re-run the command.',
  UPDATE_ROLLBACK_FAILED: `The stack cannot be updated until its rollback completes: aws cloudformation continue-update-rollback --stack-name ${stackName}`,
  DELETE_FAILED: 'Remove or fix the resources named above, then re-run the same command to retry the delete.',
});

export function failureError(
  stackName: string,
  operation: StackOperation,
  result: WatchResult,
): DeploymentError {
  const failedResources = result.failures.length
    ? result.failures
    : [
        {
          stackName,
          logicalId: stackName,
          resourceType: 'AWS::CloudFormation::Stack',
          status: result.status,
          reason: result.stackReason ?? 'CloudFormation gave no reason',
        },
      ];
  const list = failedResources
    .map((f) => `${f.logicalId} (${f.resourceType}) ${f.status}: ${f.reason}`)
    .join('; ');
  return new DeploymentError(`Stack ${stackName} failed to ${operation} (${result.status}): ${list}`, {
    failedResources,
    hint: HINTS(stackName)[result.status],
  });
}
