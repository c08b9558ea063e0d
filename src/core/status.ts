// `secnotify status` judges the installation facts part by part: present or absent, stack status, version,
// last update, and what looks wrong. Pure (no SDK, no printing), so every verdict is unit-tested from facts
// alone; the table is drawn in src/cli/status/report.ts.
import { accountShareAcceptance } from './account-shares.js';
import {
  describeShare,
  type Fact,
  type InstallationFacts,
  type StackFact,
  type VersionFact,
  valueIfKnown,
} from './facts.js';
import type { SecnotifyOptions } from './options.js';
import { describeProductVersions, type VersionRow } from './product-versions.js';
import { type InstanceProblem, summarizeStackInstances } from './stack-instances.js';
import { isFailed, isInProgress } from './stack-status.js';

export type PartId =
  | 'org-setup'
  | 'launch-roles'
  | 'bucket'
  | 'product-versions'
  | 'portfolio'
  | 'shares'
  | 'permission-set';

export type PartState = 'present' | 'absent' | 'unknown' | 'not-checked';

export interface StatusPart {
  id: PartId;
  title: string;
  account: 'hub' | 'management';
  /** The account ID, when known. */
  accountId?: string;
  region?: string;
  state: PartState;
  stackName?: string;
  stackStatus?: string;
  version?: string;
  lastUpdated?: string;
  /** Things that look wrong, one sentence each. */
  problems: string[];
  /** Why the part could not be looked at (state unknown / not-checked). */
  reason?: string;
  details: Record<string, unknown>;
}

/** A list printed under the table: the accounts without the launch role, the account shares, the versions. */
export interface StatusList {
  title: string;
  rows: string[];
}

export interface StatusReport {
  hubAccountId: string;
  region: string;
  managementAccountId?: string;
  /** none: nothing present; complete: every expected part present and nothing wrong; partial otherwise. */
  installed: 'none' | 'partial' | 'complete';
  parts: StatusPart[];
  problems: string[];
  /** Parts whose lookups failed: the command exits 1 when there are any. */
  couldNotCheck: PartId[];
  /** What the table cannot show, one list per subject (only lists with rows). */
  lists: StatusList[];
}

export interface StatusExpectations {
  /** First 16 hex digits of the SHA-256 of the product template this secnotify version renders. */
  productTemplateHash?: string;
  options: Pick<SecnotifyOptions, 'share' | 'launchRole' | 'principalType'>;
}

const TITLES: Record<PartId, string> = {
  'org-setup': 'Organization setup',
  'launch-roles': 'Launch-role StackSet',
  bucket: 'Template bucket',
  'product-versions': 'Product versions',
  portfolio: 'Portfolio',
  shares: 'Portfolio shares',
  'permission-set': 'Permission set',
};

/** A finished operation that failed or was rolled back; in-progress states are not failures (yet). */
export function isFailedStackStatus(status: string): boolean {
  return isFailed(status);
}

const HASH_OF_URL = /products\/security-notifications-([0-9a-f]{16})\.yaml$/;

function stackProblems(stack: StackFact): string[] {
  if (isFailedStackStatus(stack.status)) {
    return [
      `stack ${stack.stackName} is ${stack.status}${stack.statusReason ? `: ${stack.statusReason}` : ''}`,
    ];
  }
  if (isInProgress(stack.status)) {
    return [`stack ${stack.stackName} is busy (${stack.status}); look again when it settles`];
  }
  return [];
}

function part(
  id: PartId,
  account: 'hub' | 'management',
  fields: Partial<StatusPart> & Pick<StatusPart, 'state'>,
): StatusPart {
  return { id, title: TITLES[id], account, problems: [], details: {}, ...fields };
}

function stackPart(
  id: PartId,
  account: 'hub' | 'management',
  looked: Fact<StackFact>,
  accountId: string | undefined,
  extra: (stack: StackFact) => Partial<StatusPart> = () => ({}),
): StatusPart {
  if (looked.state === 'unknown') {
    return part(id, account, { accountId, state: 'unknown', reason: looked.error.message });
  }
  if (looked.state === 'absent') return part(id, account, { accountId, state: 'absent' });
  const stack = looked.value;
  const more = extra(stack);
  return part(id, account, {
    accountId,
    region: stack.region,
    state: 'present',
    stackName: stack.stackName,
    stackStatus: stack.status,
    ...(stack.lastUpdated ? { lastUpdated: stack.lastUpdated } : {}),
    ...more,
    problems: [...stackProblems(stack), ...(more.problems ?? [])],
  });
}

function dateOf(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '-';
}

/**
 * The lists under the table: every account the StackSet left without the launch role, what the hub can see
 * of the account shares' acceptance (DescribePortfolioShares reports `Accepted`; whether the recipient
 * associated its principals is not visible from the hub), and the product versions.
 */
function statusLists(parts: StatusPart[]): StatusList[] {
  const byId = (id: PartId) => parts.find((p) => p.id === id)?.details ?? {};
  const lists: StatusList[] = [];
  const roles = byId('launch-roles');
  const failed = [
    ...((roles.failedInstances as InstanceProblem[] | undefined) ?? []),
    ...((roles.skippedInstances as InstanceProblem[] | undefined) ?? []),
  ];
  if (failed.length > 0) {
    lists.push({
      title: `Launch role missing in ${(roles.accountsWithoutLaunchRole as string[]).length} account(s) (the StackSet's stack instances that did not succeed):`,
      rows: failed.map((p) => `${p.account} ${p.region} ${p.detailedStatus}: ${p.reason}`),
    });
  }
  const accountShares =
    (byId('shares').accountShares as ReturnType<typeof accountShareAcceptance> | undefined) ?? [];
  if (accountShares.length > 0) {
    lists.push({
      title:
        'Account shares (acceptance as the hub sees it; whether the recipient associated its principals is not visible from the hub):',
      rows: accountShares.map(
        (a) =>
          `${a.accountId} ${a.state === 'accepted' ? 'accepted' : 'not accepted yet: the recipient must accept (import) the share and associate its principals'}`,
      ),
    });
  }
  const versions = byId('product-versions').versions as
    | { name: string; state: string; createdTime: string | null }[]
    | null
    | undefined;
  if (versions && versions.length > 0) {
    lists.push({
      title: 'Product versions (oldest first):',
      rows: versions.map((v) => `${v.name}  ${dateOf(v.createdTime)}  ${v.state}`),
    });
  }
  return lists;
}

/** The product's versions, oldest first, each current, deprecated, active or inactive. */
function versionRows(versions: readonly VersionFact[], currentName: string | undefined): VersionRow[] {
  return describeProductVersions(
    versions.map((v) => ({
      id: v.id,
      name: v.name,
      active: v.active,
      guidance: v.guidance === 'DEPRECATED' ? ('DEPRECATED' as const) : ('DEFAULT' as const),
      ...(v.createdTime ? { createdTime: new Date(v.createdTime) } : {}),
    })),
    currentName,
  );
}

const NO_MANAGEMENT = 'needs management-account credentials (--management-profile or --management-role-arn)';

export function evaluateStatus(facts: InstallationFacts, expected: StatusExpectations): StatusReport {
  const parts: StatusPart[] = [];
  const mgmt = facts.management;
  const hubId = facts.hubAccountId;

  // Organization setup.
  if (!mgmt) {
    parts.push(part('org-setup', 'management', { state: 'not-checked', reason: NO_MANAGEMENT }));
  } else if (mgmt.orgSetup.state === 'unknown') {
    parts.push(
      part('org-setup', 'management', {
        accountId: mgmt.accountId,
        state: 'unknown',
        reason: mgmt.orgSetup.error.message,
      }),
    );
  } else if (mgmt.orgSetup.state === 'absent') {
    parts.push(
      part('org-setup', 'management', { accountId: mgmt.accountId, region: mgmt.region, state: 'absent' }),
    );
  } else {
    const o = mgmt.orgSetup.value;
    const problems: string[] = [];
    const any = o.serviceCatalogAccess === 'ENABLED' || o.hubIsDelegatedAdmin;
    if (any && o.serviceCatalogAccess !== 'ENABLED') {
      problems.push(`Service Catalog AWS Organizations access is ${o.serviceCatalogAccess}`);
    }
    if (any && !o.hubIsDelegatedAdmin) {
      problems.push(`hub account ${hubId} is not a Service Catalog delegated administrator`);
    }
    if (
      any &&
      expected.options.launchRole &&
      o.stackSetsTrustedAccess !== 'ENABLED' &&
      o.stackSetsTrustedAccess !== 'UNKNOWN'
    ) {
      problems.push(`CloudFormation StackSets trusted access is ${o.stackSetsTrustedAccess}`);
    }
    parts.push(
      part('org-setup', 'management', {
        accountId: mgmt.accountId,
        region: mgmt.region,
        state: any ? 'present' : 'absent',
        problems,
        details: { ...o },
      }),
    );
  }

  // Launch-role StackSet stack and its instances.
  if (!mgmt) {
    parts.push(part('launch-roles', 'management', { state: 'not-checked', reason: NO_MANAGEMENT }));
  } else {
    parts.push(
      stackPart('launch-roles', 'management', mgmt.launchRoleStack, mgmt.accountId, () => {
        if (mgmt.stackSet.state === 'unknown') {
          return { problems: [`could not list the stack instances: ${mgmt.stackSet.error.message}`] };
        }
        const set = valueIfKnown(mgmt.stackSet);
        if (!set) return { problems: ['the stack exists but its StackSet does not'] };
        const byStatus: Record<string, number> = {};
        for (const i of set.instances) {
          const key = i.detailedStatus ?? i.status;
          byStatus[key] = (byStatus[key] ?? 0) + 1;
        }
        const listed = mgmt.unsuccessfulInstances;
        if (listed?.state === 'unknown') {
          return {
            details: {
              stackSetName: set.name,
              callAs: set.callAs,
              instances: set.instances.length,
              byStatus,
            },
            problems: [`could not list the failed stack instances: ${listed.error.message}`],
          };
        }
        const rollout = summarizeStackInstances(valueIfKnown(listed) ?? set.instances);
        const busy = set.instances.filter(
          (i) => i.detailedStatus === 'PENDING' || i.detailedStatus === 'RUNNING',
        ).length;
        return {
          details: {
            stackSetName: set.name,
            callAs: set.callAs,
            instances: set.instances.length,
            byStatus,
            failedInstances: rollout.failed,
            skippedInstances: rollout.skipped,
            accountsWithoutLaunchRole: rollout.accountsWithoutRole,
          },
          problems: [
            ...rollout.lines.slice(0, 10).map((line) => `no launch role: ${line}`),
            ...(rollout.lines.length > 10
              ? [`… ${rollout.lines.length - 10} more stack instances without the launch role`]
              : []),
            ...(busy > 0
              ? [`${busy} stack instance(s) still being deployed; look again when the operation ends`]
              : []),
          ],
        };
      }),
    );
  }

  // Bucket stack.
  parts.push(
    stackPart('bucket', 'hub', facts.bucketStack, hubId, () => {
      if (facts.buckets.state === 'unknown') {
        return { problems: [`could not look into the buckets: ${facts.buckets.error.message}`] };
      }
      const buckets = valueIfKnown(facts.buckets) ?? [];
      return {
        details: { buckets },
        problems: buckets.filter((b) => !b.exists).map((b) => `bucket ${b.name} (${b.role}) is missing`),
      };
    }),
  );

  // Product versions.
  const portfolioStack = valueIfKnown(facts.portfolioStack);
  if (facts.portfolioStack.state === 'unknown') {
    parts.push(
      part('product-versions', 'hub', {
        accountId: hubId,
        state: 'unknown',
        reason: facts.portfolioStack.error.message,
      }),
    );
  } else if (!portfolioStack) {
    parts.push(part('product-versions', 'hub', { accountId: hubId, state: 'absent' }));
  } else {
    const problems: string[] = [];
    const url = portfolioStack.parameters.ProductTemplateUrl ?? '';
    const deployedHash = HASH_OF_URL.exec(url)?.[1];
    if (expected.productTemplateHash && deployedHash && deployedHash !== expected.productTemplateHash) {
      problems.push(
        `the published product template (${deployedHash}) differs from the one this secnotify version renders (${expected.productTemplateHash}): run secnotify install to publish it as a new version`,
      );
    }
    const versions =
      facts.productVersions.state === 'unknown'
        ? undefined
        : versionRows(valueIfKnown(facts.productVersions) ?? [], portfolioStack.parameters.ProductVersion);
    if (facts.productVersions.state === 'unknown') {
      problems.push(`could not list the product versions: ${facts.productVersions.error.message}`);
    }
    if (versions && versions.length > 0) {
      const current = portfolioStack.parameters.ProductVersion;
      if (current && !versions.some((v) => v.state === 'current')) {
        problems.push(`the current version ${current} is not among the product's active versions`);
      }
      // Install marks every earlier version DEPRECATED after the portfolio deploy (issue 10, point 5).
      for (const v of versions.filter((x) => x.state === 'active')) {
        problems.push(
          `earlier version ${v.name} is not deprecated, so new subscriptions can still launch it: run secnotify install to mark it`,
        );
      }
    }
    const subscribers =
      facts.subscribers.state === 'unknown' ? undefined : (valueIfKnown(facts.subscribers) ?? []);
    parts.push(
      part('product-versions', 'hub', {
        accountId: hubId,
        region: portfolioStack.region,
        state: 'present',
        ...(portfolioStack.parameters.ProductVersion
          ? { version: portfolioStack.parameters.ProductVersion }
          : {}),
        ...(portfolioStack.lastUpdated ? { lastUpdated: portfolioStack.lastUpdated } : {}),
        problems,
        details: {
          productId: facts.productId ?? null,
          templateUrl: url || null,
          deployedTemplateHash: deployedHash ?? null,
          renderedTemplateHash: expected.productTemplateHash ?? null,
          versions:
            versions?.map((v) => ({
              id: v.id,
              name: v.name,
              state: v.state,
              createdTime: v.createdTime?.toISOString() ?? null,
            })) ?? null,
          subscriptionsInHubAccount: subscribers ?? null,
        },
      }),
    );
  }

  // Portfolio.
  parts.push(
    stackPart('portfolio', 'hub', facts.portfolioStack, hubId, () => {
      if (facts.portfolio.state === 'unknown') {
        return { problems: [`could not find the portfolio: ${facts.portfolio.error.message}`] };
      }
      const p = valueIfKnown(facts.portfolio);
      return p
        ? { details: { portfolioId: p.id, foundBy: p.foundBy } }
        : { problems: ['the portfolio stack has no portfolio'], details: { portfolioId: null } };
    }),
  );

  // Shares.
  const portfolio = valueIfKnown(facts.portfolio);
  if (facts.shares.state === 'unknown') {
    parts.push(
      part('shares', 'hub', { accountId: hubId, state: 'unknown', reason: facts.shares.error.message }),
    );
  } else {
    const shares = valueIfKnown(facts.shares) ?? [];
    const problems: string[] = [];
    if (portfolio) {
      for (const target of expected.options.share) {
        // An OU given by name has no ID to compare without a look-up in the organization.
        if (target.kind === 'ou-path') continue;
        const found =
          target.kind === 'organization'
            ? shares.some((s) => s.type === 'ORGANIZATION')
            : shares.some((s) => s.principalId === target.id);
        if (!found) {
          problems.push(
            `the configured share with ${target.kind === 'organization' ? 'the organization' : `${target.kind === 'ou' ? 'OU' : 'account'} ${target.id}`} is missing`,
          );
        }
      }
    }
    for (const s of shares) {
      if ((s.type === 'ORGANIZATION' || s.type === 'ORGANIZATIONAL_UNIT') && !s.sharePrincipals) {
        problems.push(
          `the share with ${describeShare(s)} does not share principals, so nobody there can see the product`,
        );
      }
      if (s.type === 'ACCOUNT' && !s.accepted) {
        problems.push(`account ${s.principalId} has not accepted the share yet`);
      }
    }
    parts.push(
      part('shares', 'hub', {
        accountId: hubId,
        ...(portfolio ? { region: facts.hubRegion } : {}),
        state: shares.length > 0 ? 'present' : 'absent',
        problems,
        details: {
          portfolioId: portfolio?.id ?? null,
          shares,
          accountShares: accountShareAcceptance(shares),
        },
      }),
    );
  }

  // Permission set.
  if (!mgmt) {
    parts.push(part('permission-set', 'management', { state: 'not-checked', reason: NO_MANAGEMENT }));
  } else {
    parts.push(
      stackPart('permission-set', 'management', mgmt.permissionSetStack, mgmt.accountId, (stack) => ({
        details: { permissionSetName: stack.parameters.PermissionSetName ?? null },
      })),
    );
  }

  const problems = parts.flatMap((p) => p.problems.map((text) => `${p.title}: ${text}`));
  const couldNotCheck = parts.filter((p) => p.state === 'unknown').map((p) => p.id);
  const expectedParts = new Set<PartId>(['bucket', 'product-versions', 'portfolio']);
  if (expected.options.share.length > 0) expectedParts.add('shares');
  if (expected.options.launchRole) expectedParts.add('launch-roles');
  if (expected.options.principalType === 'identity-center') expectedParts.add('permission-set');
  if (mgmt) expectedParts.add('org-setup');
  const present = parts.filter((p) => p.state === 'present');
  const installed =
    present.length === 0
      ? 'none'
      : problems.length === 0 &&
          parts.every((p) => !expectedParts.has(p.id) || p.state === 'present' || p.state === 'not-checked')
        ? 'complete'
        : 'partial';
  return {
    hubAccountId: hubId,
    region: facts.hubRegion,
    lists: statusLists(parts),
    ...(mgmt ? { managementAccountId: mgmt.accountId } : {}),
    installed,
    parts,
    problems,
    couldNotCheck,
  };
}
