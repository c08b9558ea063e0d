// Deleting a stack and waiting for it; safe to run twice ("absent" when there is nothing to delete).
import { type CloudFormationClient, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { MSG } from '../../core/messages.js';
import { newestEventId } from './events.js';
import { Run, type StackHooks } from './run.js';
import { failureError, type WatchResult, watchOperation } from './watch.js';

/** Deletes the stack by ID and follows the delete to its end; a failed delete throws a DeploymentError. */
export async function deleteAndWait(run: Run, stackId: string): Promise<WatchResult> {
  const marker = await newestEventId(run, stackId);
  const startedAt = new Date();
  await run.call('DeleteStack', (o) => run.cfn.send(new DeleteStackCommand({ StackName: stackId }), o));
  run.lastStatus = 'DELETE_IN_PROGRESS';
  run.emit({ kind: 'operation-started', operation: 'delete', timestamp: startedAt });
  const result = await watchOperation(run, stackId, 'delete', marker, startedAt);
  const ok = result.status === 'DELETE_COMPLETE';
  run.emit({ kind: 'operation-finished', operation: 'delete', status: result.status, ok });
  if (!ok) throw failureError(run.stackName, 'delete', result);
  return result;
}

/** Deletes the stack and waits; `absent` when there was nothing to delete. Safe to run twice. */
export async function deleteStack(
  cfn: CloudFormationClient,
  stackName: string,
  hooks: StackHooks,
): Promise<'deleted' | 'absent'> {
  const run = new Run(cfn, stackName, hooks);
  const stack = await run.settle();
  if (!stack) return 'absent';
  if (stack.StackStatus === 'REVIEW_IN_PROGRESS') {
    // Only a change set was ever made; removing the placeholder deletes no resources.
    await run.call('DeleteStack', (o) => cfn.send(new DeleteStackCommand({ StackName: stack.StackId }), o));
    run.notice(
      MSG.STACK_REVIEW_DISCARDED,
      `Stack ${stackName} had only an unexecuted change set; removed it.`,
    );
    return 'absent';
  }
  await deleteAndWait(run, stack.StackId!);
  return 'deleted';
}
