// Who can launch the product: an account needs the portfolio (a share) and, with the launch-role
// constraint, the launch role (LocalRoleName must exist in the account of the user who launches:
// AWS::ServiceCatalog::LaunchRoleConstraint). The role comes from the StackSet, and "StackSets doesn't
// deploy stack instances to the organization management account, even if the management account is in your
// organization or in an OU in your organization" (DeploymentTargets, CloudFormation API reference). So the
// default organization share always reaches one account without the role, and shares wider than the
// StackSet targets reach more.
import type { ResolvedShareTarget } from './options.js';

export interface OrganizationTree {
  /** The organization root (r-…). */
  rootId: string;
  /** Every OU with its parent: the root or another OU. */
  ous: readonly { id: string; parentId: string }[];
  /** Every account with the OU (or the root) it sits in directly. */
  accounts: readonly { id: string; parentId: string; name?: string }[];
}

export type NoLaunchRoleReason = 'management-account' | 'outside-stackset-targets' | 'outside-organization';

export interface AccountWithoutLaunchRole {
  accountId: string;
  name?: string;
  reason: NoLaunchRoleReason;
}

export interface LaunchCoverageInput {
  /** Where the portfolio is shared (OU paths already resolved to IDs). */
  shareTargets: readonly ResolvedShareTarget[];
  /** The StackSet's deployment targets: the root (r-…) or OU IDs (ou-…). */
  stacksetTargets: readonly string[];
  tree: OrganizationTree;
  managementAccountId: string;
}

/** Every account below `nodeId` (the root or an OU), its sub-OUs included. */
function accountsUnder(tree: OrganizationTree, nodeId: string): Set<string> {
  const nodes = new Set([nodeId]);
  // OUs nest at most five deep; repeat until no OU is added.
  for (let grew = true; grew; ) {
    grew = false;
    for (const ou of tree.ous) {
      if (nodes.has(ou.parentId) && !nodes.has(ou.id)) {
        nodes.add(ou.id);
        grew = true;
      }
    }
  }
  return new Set(tree.accounts.filter((a) => nodes.has(a.parentId)).map((a) => a.id));
}

/**
 * The accounts the share targets reach that will have no launch role, sorted by account ID: the management
 * account whenever a share reaches it, accounts outside the StackSet targets, and accounts shared by ID
 * that are not in the organization (StackSets deploys only inside it). Empty when every reached account is
 * covered. Without the launch role (--no-launch-role) there is no constraint and nothing to check.
 */
export function accountsWithoutLaunchRole(input: LaunchCoverageInput): AccountWithoutLaunchRole[] {
  const { tree } = input;
  const inOrg = new Map(tree.accounts.map((a) => [a.id, a]));
  const reached = new Set<string>();
  for (const t of input.shareTargets) {
    if (t.kind === 'organization') for (const id of inOrg.keys()) reached.add(id);
    else if (t.kind === 'ou') for (const id of accountsUnder(tree, t.id)) reached.add(id);
    else reached.add(t.id);
  }
  const covered = new Set<string>();
  for (const target of input.stacksetTargets) for (const id of accountsUnder(tree, target)) covered.add(id);

  const missing: AccountWithoutLaunchRole[] = [];
  for (const id of [...reached].sort()) {
    const name = inOrg.get(id)?.name;
    const named = name ? { name } : {};
    if (id === input.managementAccountId)
      missing.push({ accountId: id, ...named, reason: 'management-account' });
    else if (!inOrg.has(id)) missing.push({ accountId: id, reason: 'outside-organization' });
    else if (!covered.has(id)) missing.push({ accountId: id, ...named, reason: 'outside-stackset-targets' });
  }
  return missing;
}

/**
 * What can be said without the organization tree (no management credentials, or the tree could not be
 * read): the same rule applied to the one account known without it, the management account, reached by an
 * organization share or a share with its ID. Accounts outside the StackSet targets cannot be named.
 */
export function accountsWithoutLaunchRoleKnownWithoutTree(
  shareTargets: readonly ResolvedShareTarget[],
  managementAccountId: string,
): AccountWithoutLaunchRole[] {
  const rootId = 'r-unknown';
  return accountsWithoutLaunchRole({
    shareTargets: shareTargets.filter(
      (t) => t.kind === 'organization' || (t.kind === 'account' && t.id === managementAccountId),
    ),
    stacksetTargets: [],
    tree: { rootId, ous: [], accounts: [{ id: managementAccountId, parentId: rootId }] },
    managementAccountId,
  });
}

const REASON_TEXT: Record<NoLaunchRoleReason, string> = {
  'management-account': 'the management account (StackSets never deploys there)',
  'outside-stackset-targets': 'outside the StackSet targets',
  'outside-organization': 'not in the organization',
};

/** One line per account, for warnings: `111122223333 (Prod): outside the StackSet targets`. */
export function describeAccountsWithoutLaunchRole(accounts: readonly AccountWithoutLaunchRole[]): string[] {
  return accounts.map((a) => `${a.accountId}${a.name ? ` (${a.name})` : ''}: ${REASON_TEXT[a.reason]}`);
}
