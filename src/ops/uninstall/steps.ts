// Carries out the removal plan one step at a time, each in its account and region. Every step re-reads
// nothing it does not need and treats "already gone" as done, so an interrupted uninstall is resumed by
// running the same command again.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import {
  type BucketContents,
  countObjectVersions,
  type EmptyAndVerifyResult,
  emptyAndVerifyBucket,
  type FailedDeletion,
  stopServerAccessLogging,
} from '../../aws/buckets.js';
import { type PortfolioShare, type UnshareResult, unsharePortfolio } from '../../aws/catalog.js';
import { deregisterDelegatedAdmin, disableServiceCatalogOrgAccess } from '../../aws/org-setup-removal.js';
import { SERVICE_CATALOG_PRINCIPAL } from '../../aws/organization.js';
import { formatElapsed } from '../../aws/poll.js';
import { deleteStack, type StackHooks } from '../../aws/stacks.js';
import {
  describeInstances,
  listStackInstances,
  waitForStackInstancesGone,
  waitForStackSetIdle,
} from '../../aws/stacksets.js';
import { waitProgressTo } from '../../cli/io/wait-progress.js';
import { DeploymentError, OperationError } from '../../core/errors.js';
import { type BucketFact, describeShare, type InstallationFacts, valueIfKnown } from '../../core/facts.js';
import type { IoHost } from '../../core/io.js';
import { MSG } from '../../core/messages.js';
import type { RemovalStep, RemovalStepId } from '../../core/removal.js';

/** The part of an account context the steps use (tests pass clients of their own). */
export interface StepAccount {
  readonly region: string;
  cloudformation(): Promise<CloudFormationClient>;
  s3(): Promise<S3Client>;
  serviceCatalog(): Promise<ServiceCatalogClient>;
  organizations(): Promise<OrganizationsClient>;
  inRegion(region: string): StepAccount;
}

export interface UninstallState {
  hub: StepAccount;
  management?: StepAccount;
  facts: InstallationFacts;
  io: IoHost;
  signal: AbortSignal;
  color: boolean;
  /** The step this state is handed to; its messages carry the id. */
  step?: string;
  /** Polling of stacks, shares and StackSets; default: each wrapper's own. */
  pollIntervalMs?: number;
  /** Wait between emptying passes for late access-log objects; default 2 s. */
  settleMs?: number;
  /** Bucket-stack delete attempts when a bucket is not empty yet; default 3. */
  maxDeleteAttempts?: number;
}

export interface RemovalOutcome {
  id: RemovalStepId;
  account: 'hub' | 'management';
  region: string;
  outcome: 'removed' | 'absent' | 'skipped';
  detail: string;
}

export const DEFAULT_MAX_DELETE_ATTEMPTS = 3;

async function removeStack(
  s: UninstallState,
  cfn: CloudFormationClient,
  stackName: string,
): Promise<'deleted' | 'absent'> {
  const hooks: StackHooks = {
    io: s.io,
    ...(s.step ? { step: s.step } : {}),
    signal: s.signal,
    ...(s.pollIntervalMs !== undefined ? { pollIntervalMs: s.pollIntervalMs } : {}),
  };
  return deleteStack(cfn, stackName, hooks);
}

function managementFor(s: UninstallState, step: RemovalStep): StepAccount {
  if (!s.management) throw new Error(`step ${step.id} needs management credentials`);
  return step.region === s.management.region ? s.management : s.management.inRegion(step.region);
}

const outcome = (step: RemovalStep, result: RemovalOutcome['outcome'], detail: string): RemovalOutcome => ({
  id: step.id,
  account: step.account,
  region: step.region,
  outcome: result,
  detail,
});

async function shares(s: UninstallState, step: RemovalStep): Promise<RemovalOutcome> {
  const portfolio = valueIfKnown(s.facts.portfolio);
  const list = valueIfKnown(s.facts.shares) ?? [];
  if (!portfolio || list.length === 0) return outcome(step, 'absent', 'no shares');
  const sc = await s.hub.serviceCatalog();
  const results: UnshareResult[] = [];
  // One at a time: Service Catalog runs one organization-node share operation per portfolio at once.
  for (const share of list) {
    const result = await unsharePortfolio(sc, portfolio.id, share as PortfolioShare, {
      signal: s.signal,
      ...(s.pollIntervalMs !== undefined ? { pollIntervalMs: s.pollIntervalMs } : {}),
      onProgress: waitProgressTo(s.io, MSG.UNSHARE_STATUS),
    });
    results.push(result);
  }
  const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'completed-with-errors');
  if (failed.length > 0) {
    const what = failed
      .map(
        (r) =>
          `${describeShare(r.share)}: ${r.outcome}${r.errors.length ? ` (${r.errors.map((e) => `${e.message}${e.accounts.length ? ` [accounts ${e.accounts.join(', ')}]` : ''}`).join('; ')})` : ''}`,
      )
      .join('; ');
    throw new OperationError(`Removing the portfolio shares did not finish: ${what}.`, {
      hint: 'The portfolio was not deleted (Service Catalog cannot delete a shared portfolio). Fix the cause and run the same command again.',
    });
  }
  const removed = results.filter((r) => r.outcome === 'removed').length;
  return outcome(
    step,
    removed > 0 ? 'removed' : 'absent',
    `removed ${removed} share(s) of portfolio ${portfolio.id}${results.length > removed ? `; ${results.length - removed} already gone` : ''}`,
  );
}

async function portfolio(s: UninstallState, step: RemovalStep): Promise<RemovalOutcome> {
  const name = s.facts.stackNames.portfolio;
  const result = await removeStack(s, await s.hub.cloudformation(), name);
  return outcome(step, result === 'deleted' ? 'removed' : 'absent', `${name}: ${result}`);
}

function bucketsOf(s: UninstallState): BucketFact[] {
  const buckets = valueIfKnown(s.facts.buckets) ?? [];
  // The product bucket first: stopping its access logging is what stops new objects in the log bucket.
  return [...buckets].sort((a, b) =>
    a.role === 'product-templates' ? -1 : b.role === 'product-templates' ? 1 : 0,
  );
}

function refusedText(bucket: string, failed: FailedDeletion[]): string {
  const shown = failed
    .slice(0, 10)
    .map(
      (f) =>
        `${f.key}${f.versionId ? ` (version ${f.versionId})` : ''}: ${f.code ?? 'error'}${f.message ? ` ${f.message}` : ''}`,
    );
  return `bucket ${bucket}: S3 refused to delete ${failed.length} object version(s)/delete marker(s): ${shown.join('; ')}${failed.length > 10 ? '; …' : ''}`;
}

async function emptyBuckets(s: UninstallState): Promise<{ name: string; result: EmptyAndVerifyResult }[]> {
  const s3 = await s.hub.s3();
  const out: { name: string; result: EmptyAndVerifyResult }[] = [];
  const buckets = bucketsOf(s);
  const product = buckets.find((b) => b.role === 'product-templates');
  if (product && (await stopServerAccessLogging(s3, product.name))) {
    s.io.notify({
      level: 'info',
      code: MSG.LOGGING_STOPPED.code,
      text: `Stopped server access logging of bucket ${product.name}.`,
    });
  }
  for (const bucket of buckets) {
    const started = Date.now();
    const description = `bucket ${bucket.name} to be emptied`;
    const result = await emptyAndVerifyBucket(s3, bucket.name, {
      signal: s.signal,
      stopLogging: true,
      ...(s.settleMs !== undefined ? { settleMs: s.settleMs } : {}),
      onProgress: (deleted) => {
        const elapsedMs = Date.now() - started;
        s.io.notify(
          MSG.BUCKET_PROGRESS.msg(
            `Emptying bucket ${bucket.name}: ${deleted} object version(s)/delete marker(s) deleted (${formatElapsed(elapsedMs)})`,
            { description, elapsedMs, deleted, ...(s.step ? { step: s.step } : {}) },
          ),
        );
      },
    });
    if (result.failed.length > 0) {
      throw new OperationError(refusedText(bucket.name, result.failed), {
        hint: 'The bucket stack was not deleted. Check the bucket policy and any Object Lock or legal hold on these versions, then run the same command again.',
      });
    }
    out.push({ name: bucket.name, result });
  }
  return out;
}

async function emptyBucketsStep(s: UninstallState, step: RemovalStep): Promise<RemovalOutcome> {
  const emptied = await emptyBuckets(s);
  const detail = emptied
    .map(({ name, result }) =>
      result.existed
        ? `${name}: deleted ${result.deleted} version(s)/marker(s)${leftText(result.remaining)}`
        : `${name}: already gone`,
    )
    .join('; ');
  const deleted = emptied.reduce((n, e) => n + e.result.deleted, 0);
  return outcome(step, deleted > 0 ? 'removed' : 'absent', detail || 'no buckets');
}

function leftText(left: BucketContents): string {
  const n = left.versions + left.deleteMarkers;
  return n === 0
    ? ''
    : `, ${left.versions} version(s) and ${left.deleteMarkers} delete marker(s) arrived since`;
}

/** A stack delete that failed only because a bucket still held objects (late access logs, usually). */
function isBucketNotEmptyFailure(error: unknown): boolean {
  if (!(error instanceof DeploymentError)) return false;
  const buckets = error.failedResources.filter((r) => r.resourceType === 'AWS::S3::Bucket');
  return buckets.length > 0 && buckets.every((r) => /not empty|BucketNotEmpty/i.test(r.reason));
}

async function bucketStack(s: UninstallState, step: RemovalStep): Promise<RemovalOutcome> {
  const name = s.facts.stackNames.bucket;
  const cfn = await s.hub.cloudformation();
  const attempts = Math.max(1, s.maxDeleteAttempts ?? DEFAULT_MAX_DELETE_ATTEMPTS);
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await removeStack(s, cfn, name);
      return outcome(
        step,
        result === 'deleted' ? 'removed' : 'absent',
        `${name}: ${result}${attempt > 1 ? ` (after ${attempt} attempts)` : ''}`,
      );
    } catch (error) {
      if (!isBucketNotEmptyFailure(error)) throw error;
      if (attempt >= attempts) {
        const s3 = await s.hub.s3();
        const left = await Promise.all(
          bucketsOf(s).map(async (b) => ({ name: b.name, contents: await countObjectVersions(s3, b.name) })),
        );
        const what = left
          .filter((l) => l.contents.versions + l.contents.deleteMarkers > 0)
          .map(
            (l) =>
              `bucket ${l.name} holds ${l.contents.versions} object version(s) and ${l.contents.deleteMarkers} delete marker(s)`,
          );
        throw new OperationError(
          `Stack ${name} could not be deleted after ${attempts} attempts: ${what.length ? what.join('; ') : 'its buckets were not empty when CloudFormation tried'}.`,
          {
            hint: 'Something keeps writing to the buckets (access logs arrive up to hours late). Run the same command again later; it empties them and retries.',
            cause: error,
          },
        );
      }
      s.io.notify({
        level: 'warn',
        code: MSG.BUCKET_NOT_EMPTY_RETRY.code,
        text: `Stack ${name}: a bucket was not empty (late access-log objects); emptying again and retrying (attempt ${attempt + 1} of ${attempts}).`,
      });
      await emptyBuckets(s);
    }
  }
}

async function permissionSet(s: UninstallState, step: RemovalStep): Promise<RemovalOutcome> {
  const name = s.facts.stackNames.permissionSet;
  const mgmt = managementFor(s, step);
  const result = await removeStack(s, await mgmt.cloudformation(), name);
  return outcome(step, result === 'deleted' ? 'removed' : 'absent', `${name}: ${result}`);
}

async function launchRoles(s: UninstallState, step: RemovalStep): Promise<RemovalOutcome> {
  const name = s.facts.stackNames.launchRoleStackSet;
  const mgmt = managementFor(s, step);
  const cfn = await mgmt.cloudformation();
  const stackSet = valueIfKnown(s.facts.management?.stackSet);
  const wait = {
    signal: s.signal,
    onProgress: waitProgressTo(s.io, MSG.STACKSET_INSTANCES),
    ...(s.pollIntervalMs !== undefined ? { pollIntervalMs: s.pollIntervalMs } : {}),
  };
  if (stackSet) {
    // The StackSet handler cannot delete while an auto-deployment (a new account) is running.
    await waitForStackSetIdle(cfn, stackSet.name, { ...wait, callAs: stackSet.callAs });
  }
  let result: 'deleted' | 'absent';
  try {
    result = await removeStack(s, cfn, name);
  } catch (error) {
    if (stackSet && error instanceof DeploymentError) {
      const left =
        (await listStackInstances(cfn, stackSet.name, stackSet.callAs).catch(() => undefined)) ?? [];
      if (left.length > 0) {
        throw new DeploymentError(
          `${error.message}. StackSet ${stackSet.name} still has ${left.length} stack instance(s): ${describeInstances(left)}`,
          { failedResources: error.failedResources, hint: error.hint, cause: error },
        );
      }
    }
    throw error;
  }
  if (stackSet) {
    // The stack is gone once the handler finished; the instance listing can lag it a little.
    await waitForStackInstancesGone(cfn, stackSet.name, {
      ...wait,
      callAs: stackSet.callAs,
    });
  }
  const count = stackSet
    ? `; StackSet ${stackSet.name} and its ${stackSet.instances.length} stack instance(s) deleted`
    : '';
  return outcome(step, result === 'deleted' ? 'removed' : 'absent', `${name}: ${result}${count}`);
}

async function orgSetup(s: UninstallState, step: RemovalStep): Promise<RemovalOutcome> {
  const mgmt = managementFor(s, step);
  const done: string[] = [];
  const admin = await deregisterDelegatedAdmin(
    await mgmt.organizations(),
    s.facts.hubAccountId,
    SERVICE_CATALOG_PRINCIPAL,
  );
  done.push(
    admin === 'deregistered'
      ? `deregistered account ${s.facts.hubAccountId} as Service Catalog delegated administrator`
      : `account ${s.facts.hubAccountId} was not a Service Catalog delegated administrator`,
  );
  const access = await disableServiceCatalogOrgAccess(await mgmt.serviceCatalog());
  if (typeof access === 'object') {
    s.io.notify({
      level: 'warn',
      code: MSG.ORG_ACCESS_IN_USE.code,
      text: `Service Catalog's AWS Organizations access stays on: ${access.inUse}`,
    });
    done.push('Service Catalog organization access left on (still in use)');
  } else {
    done.push(
      access === 'disabled'
        ? "disabled Service Catalog's AWS Organizations access"
        : "Service Catalog's AWS Organizations access was already off",
    );
  }
  const changed = admin === 'deregistered' || access === 'disabled';
  return outcome(step, changed ? 'removed' : 'absent', done.join('; '));
}

export const REMOVAL_RUNNERS: Record<
  RemovalStepId,
  (s: UninstallState, step: RemovalStep) => Promise<RemovalOutcome>
> = {
  shares,
  portfolio,
  'empty-buckets': emptyBucketsStep,
  'bucket-stack': bucketStack,
  'permission-set': permissionSet,
  'launch-roles': launchRoles,
  'org-setup': orgSetup,
};
