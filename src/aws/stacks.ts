// The CloudFormation stack engine: every deployment goes through a change set (shown, confirmed, then
// executed), stack activity is polled into typed StackEvents for a printer, and failures carry the failed
// resources with CloudFormation's reasons. It never prints or prompts: the caller supplies hooks.

import { setTimeout as delay } from 'node:timers/promises';
import {
  type StackEvent as CfnStackEvent,
  type Change,
  type CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { parseCfnYaml } from '../core/cfn-yaml.js';
import { AbortError, DeploymentError, type FailedResource, OperationError } from '../core/errors.js';
import {
  errorMessage,
  isAwsErrorNamed,
  isSdkAbortError,
  isStackNotFoundError,
  translateAwsError,
} from './aws-errors.js';

export interface StackSpec {
  stackName: string;
  /** Exactly one of templateBody and templateUrl. */
  templateBody?: string;
  templateUrl?: string;
  parameters: Record<string, string>;
  capabilities?: string[];
  tags?: Record<string, string>;
}

export interface ResourceChange {
  /** Add, Modify, Remove, Import, Dynamic. */
  action: string;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  /** True, False or Conditional (Modify only). */
  replacement?: string;
}

export type StackOperation = 'create' | 'update' | 'delete';

/** Stable codes of the engine's notices; printers and tests key on them. */
export type StackNoticeCode =
  | 'SN_STACK_WAIT_IN_PROGRESS'
  | 'SN_STACK_RECREATE_FAILED_CREATE'
  | 'SN_STACK_NO_CHANGES'
  | 'SN_STACK_DRY_RUN'
  | 'SN_STACK_DECLINED'
  | 'SN_STACK_ABSENT'
  | 'SN_STACK_REVIEW_DISCARDED';

export type StackEvent =
  | {
      kind: 'change-set-created';
      stackName: string;
      changeSetName: string;
      changeSetType: 'CREATE' | 'UPDATE';
      changes: ResourceChange[];
    }
  | { kind: 'operation-started'; stackName: string; operation: StackOperation; timestamp: Date }
  | {
      kind: 'resource';
      stackName: string;
      logicalId: string;
      physicalId?: string;
      resourceType: string;
      status: string;
      reason?: string;
      timestamp: Date;
    }
  /** The stack's own status changed (from its events, or seen while waiting for another operation). */
  | { kind: 'stack-status'; stackName: string; status: string; reason?: string; timestamp: Date }
  | { kind: 'operation-finished'; stackName: string; operation: StackOperation; status: string; ok: boolean }
  | { kind: 'notice'; stackName: string; code: StackNoticeCode; level: 'info' | 'warn'; text: string };

export interface StackHooks {
  onEvent(event: StackEvent): void;
  /** Aborting stops polling (CloudFormation carries on) and rejects with an AbortError saying so. */
  signal?: AbortSignal;
  /** Delay between DescribeStackEvents polls; default 2 s. */
  pollIntervalMs?: number;
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

export interface StackInfo {
  stackName: string;
  stackId: string;
  status: string;
  statusReason?: string;
  description?: string;
  parameters: Record<string, string>;
  outputs: Record<string, string>;
  tags: Record<string, string>;
  creationTime?: Date;
  /** Last update, or creation when never updated. */
  lastUpdated?: Date;
}

const DEFAULT_POLL_MS = 2000;
/** Event timestamps come from AWS's clock; allow this much skew against ours when bounding the paging. */
const CLOCK_SKEW_MS = 5 * 60_000;
const EMPTY_CHANGE_SET = /didn't contain changes|No updates are to be performed/i;
const CANCELLED_NOISE = /^Resource (creation|update|deletion) cancelled/i;

/** An operation is running; REVIEW_IN_PROGRESS (a stack with only a change set) is not one. */
export function isBusyStatus(status: string | undefined): boolean {
  return Boolean(status?.endsWith('_IN_PROGRESS')) && status !== 'REVIEW_IN_PROGRESS';
}

/** The end state of a failed operation (the stack was rolled back, or could not be). */
export function isFailedStatus(status: string): boolean {
  return !isBusyStatus(status) && (status.endsWith('_FAILED') || status.includes('ROLLBACK'));
}

/** A first create that failed: the stack holds nothing and can only be deleted. */
function isFailedFirstCreate(status: string | undefined): boolean {
  return status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED';
}

/** One engine run: the client, the hooks, and what the user is told when they abort. */
class Run {
  /** Where the stack stands, for the abort message. */
  lastStatus: string | undefined;
  readonly pollMs: number;

  constructor(
    readonly cfn: CloudFormationClient,
    readonly stackName: string,
    readonly hooks: StackHooks,
  ) {
    this.pollMs = hooks.pollIntervalMs ?? DEFAULT_POLL_MS;
  }

  emit(event: StackEvent): void {
    this.hooks.onEvent(event);
  }

  notice(code: StackNoticeCode, text: string, level: 'info' | 'warn' = 'info'): void {
    this.emit({ kind: 'notice', stackName: this.stackName, code, level, text });
  }

  abortError(): AbortError {
    const status = this.lastStatus ?? 'unknown';
    const running = isBusyStatus(status) || status === 'REVIEW_IN_PROGRESS';
    const state = running
      ? `CloudFormation is still working on stack ${this.stackName} (status ${status}) in AWS`
      : `stack ${this.stackName} was left at status ${status}`;
    return new AbortError(
      `Interrupted: ${state}. Re-running the same command resumes: it waits for the stack to settle, then continues.`,
    );
  }

  checkAbort(): void {
    if (this.hooks.signal?.aborted) throw this.abortError();
  }

  /** One CloudFormation call with the abort signal, its errors translated. */
  async call<T>(action: string, send: (options: { abortSignal?: AbortSignal }) => Promise<T>): Promise<T> {
    this.checkAbort();
    try {
      return await send(this.hooks.signal ? { abortSignal: this.hooks.signal } : {});
    } catch (error) {
      if (this.hooks.signal?.aborted || isSdkAbortError(error)) throw this.abortError();
      throw translateAwsError(error, { action: `cloudformation:${action}` });
    }
  }

  async sleep(): Promise<void> {
    try {
      await delay(this.pollMs, undefined, this.hooks.signal ? { signal: this.hooks.signal } : undefined);
    } catch (error) {
      if (this.hooks.signal?.aborted) throw this.abortError();
      throw error;
    }
  }

  /** The stack by name or ID; undefined when it does not exist. */
  async describe(nameOrId: string): Promise<Stack | undefined> {
    try {
      const out = await this.call('DescribeStacks', (o) =>
        this.cfn.send(new DescribeStacksCommand({ StackName: nameOrId }), o),
      );
      const stack = out.Stacks?.[0];
      if (stack?.StackStatus === 'DELETE_COMPLETE' && nameOrId === this.stackName) return undefined;
      return stack;
    } catch (error) {
      if (isStackNotFoundError(error)) return undefined;
      throw error;
    }
  }

  /** Waits while another operation runs on the stack (never clobbers it); returns the settled stack. */
  async settle(): Promise<Stack | undefined> {
    let stack = await this.describe(this.stackName);
    this.lastStatus = stack?.StackStatus;
    if (!stack || !isBusyStatus(stack.StackStatus)) return stack;
    this.notice(
      'SN_STACK_WAIT_IN_PROGRESS',
      `Stack ${this.stackName} is ${stack.StackStatus}; waiting for that operation to finish before acting.`,
      'warn',
    );
    const stackId = stack.StackId!;
    let seen = stack.StackStatus;
    while (stack && isBusyStatus(stack.StackStatus)) {
      await this.sleep();
      stack = await this.describe(stackId);
      const status = stack?.StackStatus;
      this.lastStatus = status;
      if (status && status !== seen) {
        seen = status;
        this.emit({
          kind: 'stack-status',
          stackName: this.stackName,
          status,
          reason: stack?.StackStatusReason,
          timestamp: new Date(),
        });
      }
    }
    return stack?.StackStatus === 'DELETE_COMPLETE' ? undefined : stack;
  }

  /** The newest event's ID: everything after it belongs to the operation about to start. */
  async newestEventId(stackId: string): Promise<string | undefined> {
    const out = await this.call('DescribeStackEvents', (o) =>
      this.cfn.send(new DescribeStackEventsCommand({ StackName: stackId }), o),
    );
    return out.StackEvents?.[0]?.EventId;
  }

  /**
   * Follows one operation to its end: emits its events oldest first (each once) and returns the final
   * stack status with the failed resources seen on the way.
   */
  async watch(
    stackId: string,
    operation: StackOperation,
    marker: string | undefined,
    startedAt: Date,
  ): Promise<{ status: string; failures: FailedResource[]; stackReason?: string }> {
    const seen = new Set<string>();
    const failures: FailedResource[] = [];
    let stackReason: string | undefined;
    const bound = startedAt.getTime() - CLOCK_SKEW_MS;

    const drain = async () => {
      const fresh: CfnStackEvent[] = [];
      let token: string | undefined;
      paging: do {
        const out = await this.call('DescribeStackEvents', (o) =>
          this.cfn.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: token }), o),
        );
        // CloudFormation lists newest first: stop at the first event from before this operation.
        for (const event of out.StackEvents ?? []) {
          const id = event.EventId ?? '';
          if (id === marker || seen.has(id)) break paging;
          if (event.Timestamp && event.Timestamp.getTime() < bound) break paging;
          fresh.push(event);
        }
        token = out.NextToken;
      } while (token);
      for (const event of fresh.reverse()) {
        seen.add(event.EventId ?? '');
        const status = event.ResourceStatus ?? '';
        const reason = event.ResourceStatusReason || undefined;
        const timestamp = event.Timestamp ?? new Date();
        const isStack =
          event.ResourceType === 'AWS::CloudFormation::Stack' && event.PhysicalResourceId === stackId;
        if (isStack) {
          this.lastStatus = status;
          if (status.endsWith('_FAILED') || status.includes('ROLLBACK_IN_PROGRESS')) stackReason ??= reason;
          this.emit({ kind: 'stack-status', stackName: this.stackName, status, reason, timestamp });
          continue;
        }
        const logicalId = event.LogicalResourceId ?? '';
        const resourceType = event.ResourceType ?? '';
        if (status.endsWith('_FAILED') && !CANCELLED_NOISE.test(reason ?? '')) {
          failures.push({ stackName: this.stackName, logicalId, resourceType, status, reason: reason ?? '' });
        }
        this.emit({
          kind: 'resource',
          stackName: this.stackName,
          logicalId,
          physicalId: event.PhysicalResourceId || undefined,
          resourceType,
          status,
          reason,
          timestamp,
        });
      }
    };

    for (;;) {
      await drain();
      const stack = await this.describe(stackId);
      const status = stack?.StackStatus ?? (operation === 'delete' ? 'DELETE_COMPLETE' : 'UNKNOWN');
      this.lastStatus = status;
      // Right after executing a CREATE change set the stack may still read REVIEW_IN_PROGRESS.
      if (!isBusyStatus(status) && status !== 'REVIEW_IN_PROGRESS') {
        await drain();
        stackReason ??= stack?.StackStatusReason || undefined;
        return { status, failures, stackReason };
      }
      await this.sleep();
    }
  }

  async deleteAndWait(
    stackId: string,
  ): Promise<{ status: string; failures: FailedResource[]; stackReason?: string }> {
    const marker = await this.newestEventId(stackId);
    const startedAt = new Date();
    await this.call('DeleteStack', (o) => this.cfn.send(new DeleteStackCommand({ StackName: stackId }), o));
    this.lastStatus = 'DELETE_IN_PROGRESS';
    this.emit({
      kind: 'operation-started',
      stackName: this.stackName,
      operation: 'delete',
      timestamp: startedAt,
    });
    const result = await this.watch(stackId, 'delete', marker, startedAt);
    const ok = result.status === 'DELETE_COMPLETE';
    this.emit({
      kind: 'operation-finished',
      stackName: this.stackName,
      operation: 'delete',
      status: result.status,
      ok,
    });
    if (!ok) throw failureError(this.stackName, 'delete', result);
    return result;
  }
}

function failureError(
  stackName: string,
  operation: StackOperation,
  result: { status: string; failures: FailedResource[]; stackReason?: string },
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
  const hints: Record<string, string> = {
    ROLLBACK_COMPLETE:
      'Nothing was created. Fix the cause and re-run the same command: it deletes the failed stack and creates it again.',
    ROLLBACK_FAILED:
      'Fix the cause and re-run the same command: it deletes the failed stack and creates it again.',
    UPDATE_ROLLBACK_COMPLETE:
      'The stack was rolled back to its previous state; fix the cause and re-run the command.',
    UPDATE_ROLLBACK_FAILED: `The stack cannot be updated until its rollback completes: aws cloudformation continue-update-rollback --stack-name ${stackName}`,
    DELETE_FAILED:
      'Remove or fix the resources named above, then re-run the same command to retry the delete.',
  };
  return new DeploymentError(`Stack ${stackName} failed to ${operation} (${result.status}): ${list}`, {
    failedResources,
    hint: hints[result.status],
  });
}

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
  if (stack && isFailedFirstCreate(stack.StackStatus)) {
    run.notice(
      'SN_STACK_RECREATE_FAILED_CREATE',
      `Stack ${name} is in ${stack.StackStatus} after a failed first create and holds no resources; deleting it and creating it again.`,
      'warn',
    );
    await run.deleteAndWait(stack.StackId!);
    stack = undefined;
  }
  const existedBefore = stack !== undefined; // including REVIEW_IN_PROGRESS, which we must not delete
  const exists = stack !== undefined && stack.StackStatus !== 'REVIEW_IN_PROGRESS';
  const changeSetType = exists ? 'UPDATE' : 'CREATE';
  // Change set names: [a-zA-Z][-a-zA-Z0-9]*, unique per stack.
  const changeSetName = `secnotify-${new Date()
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 17)}`;

  const noChanges = async (): Promise<DeployResult> => {
    run.notice('SN_STACK_NO_CHANGES', `Stack ${name}: no changes.`);
    return {
      stackName: name,
      outcome: 'no-changes',
      changes: [],
      outputs: exists ? await stackOutputs(cfn, name) : {},
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

  let described: DescribeChangeSetCommandOutput;
  for (;;) {
    described = await run.call('DescribeChangeSet', (o) =>
      cfn.send(new DescribeChangeSetCommand({ ChangeSetName: changeSetId, StackName: stackId }), o),
    );
    if (described.Status === 'CREATE_COMPLETE' || described.Status === 'FAILED') break;
    await run.sleep();
  }

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

  const changes = toResourceChanges(described.Changes);
  let token = described.NextToken;
  while (token) {
    const page = await run.call('DescribeChangeSet', (o) =>
      cfn.send(
        new DescribeChangeSetCommand({ ChangeSetName: changeSetId, StackName: stackId, NextToken: token }),
        o,
      ),
    );
    changes.push(...toResourceChanges(page.Changes));
    token = page.NextToken;
  }
  run.emit({ kind: 'change-set-created', stackName: name, changeSetName, changeSetType, changes });

  const result = (
    outcome: DeployResult['outcome'],
    outputs: Record<string, string>,
    status?: string,
  ): DeployResult => ({
    stackName: name,
    outcome,
    changes,
    outputs,
    stackId,
    status,
  });

  if (hooks.dryRun) {
    await discard();
    run.notice('SN_STACK_DRY_RUN', `Stack ${name}: dry run, change set discarded.`);
    return result('dry-run', exists ? await stackOutputs(cfn, name) : {}, stack?.StackStatus);
  }
  const confirmed = await hooks.confirm(changes, spec);
  if (!confirmed || hooks.signal?.aborted) {
    await discard();
    if (hooks.signal?.aborted) {
      throw new AbortError(`Interrupted before stack ${name} was changed; nothing is running in AWS.`);
    }
    run.notice('SN_STACK_DECLINED', `Stack ${name}: changes declined, change set discarded.`);
    return result('declined', exists ? await stackOutputs(cfn, name) : {}, stack?.StackStatus);
  }

  const marker = await run.newestEventId(stackId ?? name);
  const startedAt = new Date();
  const operation: StackOperation = exists ? 'update' : 'create';
  await run.call('ExecuteChangeSet', (o) =>
    cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: changeSetId, StackName: stackId }), o),
  );
  run.lastStatus = exists ? 'UPDATE_IN_PROGRESS' : 'CREATE_IN_PROGRESS';
  run.emit({ kind: 'operation-started', stackName: name, operation, timestamp: startedAt });
  const watched = await run.watch(stackId ?? name, operation, marker, startedAt);
  const ok = !isFailedStatus(watched.status);
  run.emit({ kind: 'operation-finished', stackName: name, operation, status: watched.status, ok });
  if (!ok) throw failureError(name, operation, watched);
  return result(exists ? 'updated' : 'created', await stackOutputs(cfn, name), watched.status);
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
      'SN_STACK_REVIEW_DISCARDED',
      `Stack ${stackName} had only an unexecuted change set; removed it.`,
    );
    return 'absent';
  }
  await run.deleteAndWait(stack.StackId!);
  return 'deleted';
}

function stackInfo(stack: Stack): StackInfo {
  const record = <T>(
    items: T[] | undefined,
    key: (t: T) => string | undefined,
    value: (t: T) => string | undefined,
  ) =>
    Object.fromEntries(
      (items ?? []).flatMap((item) => {
        const k = key(item);
        return k === undefined ? [] : [[k, value(item) ?? '']];
      }),
    );
  return {
    stackName: stack.StackName ?? '',
    stackId: stack.StackId ?? '',
    status: stack.StackStatus ?? '',
    ...(stack.StackStatusReason ? { statusReason: stack.StackStatusReason } : {}),
    ...(stack.Description ? { description: stack.Description } : {}),
    parameters: record(
      stack.Parameters,
      (p) => p.ParameterKey,
      (p) => p.ResolvedValue ?? p.ParameterValue,
    ),
    outputs: record(
      stack.Outputs,
      (o) => o.OutputKey,
      (o) => o.OutputValue,
    ),
    tags: record(
      stack.Tags,
      (t) => t.Key,
      (t) => t.Value,
    ),
    ...(stack.CreationTime ? { creationTime: stack.CreationTime } : {}),
    ...(stack.LastUpdatedTime || stack.CreationTime
      ? { lastUpdated: stack.LastUpdatedTime ?? stack.CreationTime }
      : {}),
  };
}

/** The deployed stack; undefined when absent (or REVIEW_IN_PROGRESS, which holds nothing yet). */
export async function describeStack(
  cfn: CloudFormationClient,
  stackName: string,
): Promise<StackInfo | undefined> {
  let out: DescribeStacksCommandOutput;
  try {
    out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    if (isStackNotFoundError(error)) return undefined;
    throw translateAwsError(error, { action: 'cloudformation:DescribeStacks' });
  }
  const stack = out.Stacks?.[0];
  if (!stack || stack.StackStatus === 'REVIEW_IN_PROGRESS' || stack.StackStatus === 'DELETE_COMPLETE')
    return undefined;
  return stackInfo(stack);
}

/**
 * The stack's outputs. CloudFormation always reports the outputs a complete stack declares; moto (the test
 * emulator) does not for stacks made by executing a change set. Only then — Outputs empty although the
 * deployed template declares some — the outputs are derived from the template: values that are a Ref,
 * Fn::Sub or Fn::Join over resources (their physical IDs from ListStackResources), parameters and pseudo
 * parameters. Outputs built with Fn::GetAtt or conditions cannot be derived and are left out, so callers
 * must check for the keys they need (e.g. build a bucket URL from the bucket name). Throws when the stack
 * does not exist.
 */
export async function stackOutputs(
  cfn: CloudFormationClient,
  stackName: string,
): Promise<Record<string, string>> {
  const info = await describeStack(cfn, stackName);
  if (!info) throw new OperationError(`Stack ${stackName} does not exist, so it has no outputs.`);
  if (Object.keys(info.outputs).length > 0) return info.outputs;
  try {
    const template = await cfn.send(
      new GetTemplateCommand({ StackName: info.stackId, TemplateStage: 'Original' }),
    );
    if (!template.TemplateBody) return {};
    const parsed = parseCfnYaml(template.TemplateBody);
    if (!parsed.Outputs || Object.keys(parsed.Outputs).length === 0) return {};
    const physical: Record<string, string> = {};
    let token: string | undefined;
    do {
      const page = await cfn.send(
        new ListStackResourcesCommand({ StackName: info.stackId, NextToken: token }),
      );
      for (const r of page.StackResourceSummaries ?? []) {
        if (r.LogicalResourceId && r.PhysicalResourceId) physical[r.LogicalResourceId] = r.PhysicalResourceId;
      }
      token = page.NextToken;
    } while (token);
    return deriveOutputs(parsed.Outputs, {
      resources: physical,
      parameters: info.parameters,
      stackId: info.stackId,
    });
  } catch (error) {
    throw translateAwsError(error, { action: 'cloudformation:GetTemplate' });
  }
}

export interface OutputScope {
  /** Logical ID → physical ID. */
  resources: Record<string, string>;
  parameters: Record<string, string>;
  /** The stack ARN, source of the pseudo parameters (partition, region, account, name). */
  stackId: string;
}

/** Resolves the declared outputs whose values need only Ref/Sub/Join; the others are left out. */
export function deriveOutputs(
  outputs: Record<string, Record<string, unknown>>,
  scope: OutputScope,
): Record<string, string> {
  const [, partition = 'aws', , region = '', accountId = '', resource = ''] = scope.stackId.split(':');
  const pseudo: Record<string, string> = {
    'AWS::Partition': partition,
    'AWS::Region': region,
    'AWS::AccountId': accountId,
    'AWS::StackId': scope.stackId,
    'AWS::StackName': resource.split('/')[1] ?? '',
    'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    'AWS::NoValue': '',
  };
  const ref = (name: string): string | undefined =>
    scope.resources[name] ?? scope.parameters[name] ?? pseudo[name];
  const resolve = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const entries = Object.entries(value);
    if (entries.length !== 1) return undefined;
    const [fn, arg] = entries[0]!;
    if (fn === 'Ref' && typeof arg === 'string') return ref(arg);
    if (fn === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
      const parts = arg[1].map(resolve);
      return parts.every((p) => p !== undefined) ? parts.join(arg[0]) : undefined;
    }
    if (fn === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
      if (typeof text !== 'string') return undefined;
      let failed = false;
      const out = text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
        const local = vars && typeof vars === 'object' ? (vars as Record<string, unknown>)[name] : undefined;
        const v = local !== undefined ? resolve(local) : name.includes('.') ? undefined : ref(name);
        if (v === undefined) failed = true;
        return v ?? '';
      });
      return failed ? undefined : out.replace(/\$\{!/g, '${');
    }
    return undefined;
  };
  const result: Record<string, string> = {};
  for (const [key, output] of Object.entries(outputs)) {
    if (output.Condition !== undefined) continue;
    const value = resolve(output.Value);
    if (value !== undefined) result[key] = value;
  }
  return result;
}
