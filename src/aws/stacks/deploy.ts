// Deploying through a change set: create it, show it (the caller confirms), execute it, and follow the
// operation to its end. A first create that failed is deleted and created again; an empty change set is
// "no changes"; a declined or dry-run change set is discarded without a trace.
import {
  type Change,
  type CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { AbortError, DeploymentError } from '../../core/errors.js';
import { MSG } from '../../core/messages.js';
import type { ResourceChange, StackOperation } from '../../core/stack-activity.js';
import { isFailed, isRollbackComplete } from '../../core/stack-status.js';
import { errorMessage, isAwsErrorNamed } from '../aws-errors.js';
import { deleteAndWait } from './delete.js';
import { stackOutputs } from './describe.js';
import { newestEventId } from './events.js';
import { Run, type StackHooks } from './run.js';
import { failureError, watchOperation } from './watch.js';

export interface StackSpec {
  stackName: string;
  /** Exactly one of templateBody and templateUrl. */
  templateBody?: string;
  templateUrl?: string;
  parameters: Record<string, string>;
  capabilities?: string[];
  tags?: Record<string, string>;
}

export interface DeployHooks extends StackHooks {
  /** Asked once the change set has changes; false discards it (outcome `declined`). Not asked in dry runs. */
  confirm(changes: ResourceChange[], spec: StackSpec): Promise<boolean>;
  /** Create and show the change set, then discard it. */
  dryRun?: boolean;
}

export interface DeployResult {
  stackName: string;
  outcome: 'created' | 'updated' | 'no-changes' | 'dry-run' | 'declined';
  changes: ResourceChange[];
  outputs: Record<string, string>;
  stackId?: string;
  status?: string;
}

const EMPTY_CHANGE_SET = /didn't contain changes|No updates are to be performed/i;

function toResourceChanges(changes: Change[] | undefined): ResourceChange[] {
  const out: ResourceChange[] = [];
  for (const change of changes ?? []) {
    const rc = change.ResourceChange;
    if (change.Type !== 'Resource' || !rc) continue;
    out.push({
      action: rc.Action ?? 'Unknown',
      logicalId: rc.LogicalResourceId ?? '',
      ...(rc.PhysicalResourceId ? { physicalId: rc.PhysicalResourceId } : {}),
      resourceType: rc.ResourceType ?? '',
      ...(rc.Replacement ? { replacement: rc.Replacement } : {}),
    });
  }
  return out;
}

function recordToList<K extends string, V extends string>(
  record: Record<string, string> | undefined,
  key: K,
  value: V,
): Record<K | V, string>[] {
  return Object.entries(record ?? {}).map(([k, v]) => ({ [key]: k, [value]: v }) as Record<K | V, string>);
}

/** Change set names: [a-zA-Z][-a-zA-Z0-9]*, unique per stack. */
function changeSetNameNow(): string {
  return `secnotify-${new Date()
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 17)}`;
}

/** Waits for the change set to be created; the result, with all its pages of changes. */
async function describeChangeSet(
  run: Run,
  changeSetId: string,
  stackId: string | undefined,
): Promise<{ described: DescribeChangeSetCommandOutput; changes: ResourceChange[] }> {
  const described = await run.poll<DescribeChangeSetCommandOutput>(`change set ${changeSetId}`, async () => {
    const out = await run.call('DescribeChangeSet', (o) =>
      run.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: changeSetId, StackName: stackId }), o),
    );
    return out.Status === 'CREATE_COMPLETE' || out.Status === 'FAILED'
      ? { done: true, value: out }
      : { done: false };
  });
  const changes = toResourceChanges(described.Changes);
  let token = described.NextToken;
  while (described.Status !== 'FAILED' && token) {
    const page = await run.call('DescribeChangeSet', (o) =>
      run.cfn.send(
        new DescribeChangeSetCommand({ ChangeSetName: changeSetId, StackName: stackId, NextToken: token }),
        o,
      ),
    );
    changes.push(...toResourceChanges(page.Changes));
    token = page.NextToken;
  }
  return { described, changes };
}

/** Deploys through a change set: create or update, confirm, execute, follow to the end. */
export async function deployStack(
  cfn: CloudFormationClient,
  spec: StackSpec,
  hooks: DeployHooks,
): Promise<DeployResult> {
  if ((spec.templateBody === undefined) === (spec.templateUrl === undefined)) {
    throw new Error(`deployStack(${spec.stackName}): give exactly one of templateBody and templateUrl`);
  }
  const run = new Run(cfn, spec.stackName, hooks);
  const name = spec.stackName;

  let stack = await run.settle();
  if (stack && isRollbackComplete(stack.StackStatus)) {
    run.notice(
      MSG.STACK_RECREATE_FAILED_CREATE,
      `Stack ${name} is in ${stack.StackStatus} after a failed first create and holds no resources; deleting it and creating it again.`,
    );
    await deleteAndWait(run, stack.StackId!);
    stack = undefined;
  }
  const existedBefore = stack !== undefined; // including REVIEW_IN_PROGRESS, which we must not delete
  const exists = stack !== undefined && stack.StackStatus !== 'REVIEW_IN_PROGRESS';
  const changeSetType = exists ? 'UPDATE' : 'CREATE';
  const changeSetName = changeSetNameNow();
  const currentOutputs = async () => (exists ? await stackOutputs(cfn, name) : {});

  const noChanges = async (): Promise<DeployResult> => {
    run.notice(MSG.STACK_NO_CHANGES, `Stack ${name}: no changes.`);
    return {
      stackName: name,
      outcome: 'no-changes',
      changes: [],
      outputs: await currentOutputs(),
      ...(stack?.StackId ? { stackId: stack.StackId } : {}),
      status: stack?.StackStatus,
    };
  };

  // Some endpoints (moto; CloudFormation for some updates) refuse an empty change set outright instead of
  // creating a FAILED one; both mean the same.
  const created = await run
    .call('CreateChangeSet', (o) =>
      cfn.send(
        new CreateChangeSetCommand({
          StackName: name,
          ChangeSetName: changeSetName,
          ChangeSetType: changeSetType,
          TemplateBody: spec.templateBody,
          TemplateURL: spec.templateUrl,
          Parameters: recordToList(spec.parameters, 'ParameterKey', 'ParameterValue'),
          Capabilities: spec.capabilities as never,
          Tags: spec.tags ? recordToList(spec.tags, 'Key', 'Value') : undefined,
          Description: `secnotify ${changeSetType.toLowerCase()} of ${name}`,
        }),
        o,
      ),
    )
    .catch((error: unknown) => {
      if (isAwsErrorNamed(error, 'ValidationError') && EMPTY_CHANGE_SET.test(errorMessage(error)))
        return undefined;
      throw error;
    });
  if (!created) return noChanges();
  const changeSetId = created.Id ?? changeSetName;
  const stackId = created.StackId ?? stack?.StackId;
  run.lastStatus ??= 'REVIEW_IN_PROGRESS';

  // Discarding leaves no trace: the change set, and the empty REVIEW_IN_PROGRESS stack a CREATE change set made.
  const discard = async () => {
    await run.call('DeleteChangeSet', (o) =>
      cfn.send(new DeleteChangeSetCommand({ ChangeSetName: changeSetId, StackName: stackId }), o),
    );
    if (!existedBefore && stackId) {
      await run.call('DeleteStack', (o) => cfn.send(new DeleteStackCommand({ StackName: stackId }), o));
    }
  };

  const { described, changes } = await describeChangeSet(run, changeSetId, stackId);
  if (described.Status === 'FAILED') {
    const reason = described.StatusReason ?? '';
    if (EMPTY_CHANGE_SET.test(reason)) {
      await discard();
      return noChanges();
    }
    await discard().catch(() => undefined);
    throw new DeploymentError(`CloudFormation rejected the change set for stack ${name}: ${reason}`, {
      failedResources: [
        {
          stackName: name,
          logicalId: name,
          resourceType: 'AWS::CloudFormation::Stack',
          status: 'FAILED',
          reason,
        },
      ],
    });
  }
  run.emit({ kind: 'change-set-created', changeSetName, changeSetType, changes });

  const result = (outcome: DeployResult['outcome'], outputs: Record<string, string>, status?: string) =>
    ({ stackName: name, outcome, changes, outputs, stackId, status }) satisfies DeployResult;

  if (hooks.dryRun) {
    await discard();
    run.notice(MSG.STACK_DRY_RUN, `Stack ${name}: dry run, change set discarded.`);
    return result('dry-run', await currentOutputs(), stack?.StackStatus);
  }
  const confirmed = await hooks.confirm(changes, spec);
  if (!confirmed || hooks.signal?.aborted) {
    await discard();
    if (hooks.signal?.aborted) {
      throw new AbortError(`Interrupted before stack ${name} was changed; nothing is running in AWS.`);
    }
    run.notice(MSG.STACK_DECLINED, `Stack ${name}: changes declined, change set discarded.`);
    return result('declined', await currentOutputs(), stack?.StackStatus);
  }

  const marker = await newestEventId(run, stackId ?? name);
  const startedAt = new Date();
  const operation: StackOperation = exists ? 'update' : 'create';
  await run.call('ExecuteChangeSet', (o) =>
    cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: changeSetId, StackName: stackId }), o),
  );
  run.lastStatus = exists ? 'UPDATE_IN_PROGRESS' : 'CREATE_IN_PROGRESS';
  run.emit({ kind: 'operation-started', operation, timestamp: startedAt });
  const watched = await watchOperation(run, stackId ?? name, operation, marker, startedAt);
  const ok = !isFailed(watched.status);
  run.emit({ kind: 'operation-finished', operation, status: watched.status, ok });
  if (!ok) throw failureError(name, operation, watched);
  return result(exists ? 'updated' : 'created', await stackOutputs(cfn, name), watched.status);
}
