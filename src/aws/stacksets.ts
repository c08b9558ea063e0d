// The launch-role StackSet seen from outside its stack: its stack instances in the member accounts and the
// StackSet operations that are running. The StackSet itself is a resource of the StackSet stack; deleting
// that stack makes CloudFormation's StackSet handler delete every instance and then the StackSet, and the
// stack stays DELETE_IN_PROGRESS until it has. What the handler cannot do is start while another StackSet
// operation (an auto-deployment to a new account) runs, and ListStackInstances lags the deletion a little:
// hence waiting for the StackSet to be idle before, and for the instances to be gone after.
import {
  type CallAs,
  type CloudFormationClient,
  DescribeStackSetCommand,
  paginateListStackInstances,
  paginateListStackSetOperations,
} from '@aws-sdk/client-cloudformation';
import { AbortError, OperationError } from '../core/errors.js';
import type { StackInstanceRow } from '../core/stack-instances.js';
import { awsFailure, isAwsErrorNamed } from './aws-errors.js';
import { type PollProgress, poll } from './poll.js';

/** A stack instance as ListStackInstances reports it (see core/stack-instances.ts for its fields). */
export type StackInstance = StackInstanceRow;

export interface StackSetWaitOptions {
  /** SELF from the management account, DELEGATED_ADMIN from a CloudFormation delegated administrator. */
  callAs: CallAs;
  /** Between polls; default 5 s. */
  pollIntervalMs?: number;
  /** Give up after this long (the work continues in AWS); default 30 min. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called after each poll with what is still there. */
  onPoll?: (remaining: number) => void;
  /** Called after each poll that did not finish the wait, with the elapsed time. */
  onProgress?: (progress: PollProgress) => void;
}

const DEFAULT_POLL_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const BUSY_OPERATION = new Set(['RUNNING', 'QUEUED', 'STOPPING']);

/** The StackSet's stack instances; undefined when the StackSet does not exist (or is DELETED). */
export async function listStackInstances(
  cfn: CloudFormationClient,
  stackSetName: string,
  callAs: CallAs,
): Promise<StackInstance[] | undefined> {
  const instances: StackInstance[] = [];
  try {
    for await (const page of paginateListStackInstances(
      { client: cfn },
      { StackSetName: stackSetName, CallAs: callAs },
    )) {
      for (const s of page.Summaries ?? []) {
        instances.push({
          account: s.Account ?? '',
          region: s.Region ?? '',
          status: s.Status ?? 'UNKNOWN',
          ...(s.StackInstanceStatus?.DetailedStatus
            ? { detailedStatus: s.StackInstanceStatus.DetailedStatus }
            : {}),
          ...(s.StatusReason ? { statusReason: s.StatusReason } : {}),
          ...(s.OrganizationalUnitId ? { organizationalUnitId: s.OrganizationalUnitId } : {}),
        });
      }
    }
  } catch (error) {
    if (isAwsErrorNamed(error, 'StackSetNotFoundException')) return undefined;
    throw awsFailure(error, 'cloudformation:ListStackInstances');
  }
  return instances;
}

/**
 * The detailed statuses of stack instances that did not get the template: FAILED (the operation failed in
 * that account, e.g. an SCP denies iam:CreateRole), CANCELLED (stopped when the failure tolerance was
 * exceeded), INOPERABLE (a failed deletion), FAILED_IMPORT, and SKIPPED_SUSPENDED_ACCOUNT (suspended
 * accounts are skipped). StackInstanceComprehensiveStatus, CloudFormation API reference.
 */
export const UNSUCCESSFUL_DETAILED_STATUSES = [
  'FAILED',
  'CANCELLED',
  'INOPERABLE',
  'FAILED_IMPORT',
  'SKIPPED_SUSPENDED_ACCOUNT',
] as const;

/**
 * The StackSet's stack instances that did not succeed, with their account, Region, status and reason;
 * undefined when the StackSet does not exist. A StackInstanceFilter takes one value, and several filters
 * must all hold, so each detailed status is one ListStackInstances query (paginated). Only the hub Region
 * when `region` is given.
 */
export async function listUnsuccessfulStackInstances(
  cfn: CloudFormationClient,
  stackSetName: string,
  callAs: CallAs,
  options: { region?: string } = {},
): Promise<StackInstance[] | undefined> {
  const found: StackInstance[] = [];
  try {
    for (const status of UNSUCCESSFUL_DETAILED_STATUSES) {
      for await (const page of paginateListStackInstances(
        { client: cfn },
        {
          StackSetName: stackSetName,
          CallAs: callAs,
          Filters: [{ Name: 'DETAILED_STATUS', Values: status }],
          ...(options.region ? { StackInstanceRegion: options.region } : {}),
        },
      )) {
        for (const s of page.Summaries ?? []) {
          found.push({
            account: s.Account ?? '',
            region: s.Region ?? '',
            status: s.Status ?? 'UNKNOWN',
            detailedStatus: s.StackInstanceStatus?.DetailedStatus ?? status,
            ...(s.StatusReason ? { statusReason: s.StatusReason } : {}),
            ...(s.OrganizationalUnitId ? { organizationalUnitId: s.OrganizationalUnitId } : {}),
          });
        }
      }
    }
  } catch (error) {
    if (isAwsErrorNamed(error, 'StackSetNotFoundException')) return undefined;
    throw awsFailure(error, 'cloudformation:ListStackInstances');
  }
  return found;
}

/** ACTIVE, or undefined when the StackSet does not exist or is DELETED. */
export async function stackSetStatus(
  cfn: CloudFormationClient,
  stackSetName: string,
  callAs: CallAs,
): Promise<'ACTIVE' | undefined> {
  try {
    const out = await cfn.send(new DescribeStackSetCommand({ StackSetName: stackSetName, CallAs: callAs }));
    return out.StackSet?.Status === 'ACTIVE' ? 'ACTIVE' : undefined;
  } catch (error) {
    if (isAwsErrorNamed(error, 'StackSetNotFoundException')) return undefined;
    throw awsFailure(error, 'cloudformation:DescribeStackSet');
  }
}

/** IDs of the StackSet's operations that are running, queued or stopping; none when the StackSet is gone. */
export async function busyStackSetOperations(
  cfn: CloudFormationClient,
  stackSetName: string,
  callAs: CallAs,
): Promise<string[]> {
  const busy: string[] = [];
  try {
    for await (const page of paginateListStackSetOperations(
      { client: cfn },
      { StackSetName: stackSetName, CallAs: callAs },
    )) {
      for (const op of page.Summaries ?? []) {
        if (op.OperationId && op.Status && BUSY_OPERATION.has(op.Status)) busy.push(op.OperationId);
      }
    }
  } catch (error) {
    if (isAwsErrorNamed(error, 'StackSetNotFoundException')) return [];
    throw awsFailure(error, 'cloudformation:ListStackSetOperations');
  }
  return busy;
}

async function pollUntil<T>(
  what: string,
  look: () => Promise<{ done: boolean; value: T; remaining: number }>,
  options: StackSetWaitOptions,
  stillText: (value: T) => string,
): Promise<T> {
  let last: T | undefined;
  return poll<T>(
    async () => {
      const seen = await look();
      options.onPoll?.(seen.remaining);
      last = seen.value;
      return seen.done ? { done: true, value: seen.value } : { done: false, state: `${seen.remaining} left` };
    },
    {
      description: what,
      intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_MS,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      abortError: () =>
        new AbortError(`Interrupted while waiting for ${what}; CloudFormation carries on in AWS.`, {
          hint: 'Run the same command again: it waits where it stopped.',
        }),
      timeoutError: () =>
        new OperationError(`Stopped waiting for ${what}: ${stillText(last as T)}.`, {
          hint: 'The work continues in AWS (see CloudFormation > StackSets); run the same command again later.',
        }),
    },
  );
}

/** Waits until no StackSet operation runs, so that deleting the StackSet is not refused as "in progress". */
export async function waitForStackSetIdle(
  cfn: CloudFormationClient,
  stackSetName: string,
  options: StackSetWaitOptions,
): Promise<void> {
  await pollUntil(
    `the operations of StackSet ${stackSetName}`,
    async () => {
      const busy = await busyStackSetOperations(cfn, stackSetName, options.callAs);
      return { done: busy.length === 0, value: busy, remaining: busy.length };
    },
    options,
    (busy) => `operation(s) ${busy.join(', ')} still running`,
  );
}

/**
 * Waits until the StackSet has no stack instances left (or no longer exists). Resolves with nothing; on
 * timeout the error lists the accounts and regions still holding an instance, with their reasons.
 */
export async function waitForStackInstancesGone(
  cfn: CloudFormationClient,
  stackSetName: string,
  options: StackSetWaitOptions,
): Promise<void> {
  await pollUntil(
    `the stack instances of StackSet ${stackSetName} to be deleted`,
    async () => {
      const left = (await listStackInstances(cfn, stackSetName, options.callAs)) ?? [];
      return { done: left.length === 0, value: left, remaining: left.length };
    },
    options,
    (left) => `${left.length} remain (${describeInstances(left)})`,
  );
}

/** `111122223333/eu-west-1 OUTDATED FAILED: reason`, for messages; at most 10 listed. */
export function describeInstances(instances: readonly StackInstance[]): string {
  const shown = instances.slice(0, 10).map((i) => {
    const status = [i.status, i.detailedStatus].filter(Boolean).join(' ');
    return `${i.account}/${i.region} ${status}${i.statusReason ? `: ${i.statusReason}` : ''}`;
  });
  return shown.join('; ') + (instances.length > 10 ? `; … (${instances.length} in all)` : '');
}
