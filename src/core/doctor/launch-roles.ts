// Who can launch: the product is launched with the launch role, which the StackSet puts into the accounts
// of its targets. Accounts the shares reach outside those targets see the product, but launching it fails.
// The rule is src/core/launch-coverage.ts's, as install applies it after sharing: with the organization tree
// (management credentials) every such account is named; without it only the management account can be.
import {
  type AccountWithoutLaunchRole,
  accountsWithoutLaunchRole,
  accountsWithoutLaunchRoleKnownWithoutTree,
  describeAccountsWithoutLaunchRole,
} from '../launch-coverage.js';
import type { ResolvedShareTarget, ShareTarget } from '../options.js';
import { check, type DoctorCheck, type DoctorScope, MANAGEMENT_HINT, skipped } from './model.js';

const isRootTarget = (t: string) => t === 'root' || /^r-/.test(t);

function shareText(t: ShareTarget): string {
  switch (t.kind) {
    case 'organization':
      return 'the organization';
    case 'account':
      return `account ${t.id}`;
    case 'ou':
      return `OU ${t.id}`;
    default:
      return `OU ${t.path}`;
  }
}

const CANNOT_NAME = 'accounts outside the StackSet targets cannot be named without management credentials';

export function launchRoleReachCheck({ settings, org, facts }: DoctorScope): DoctorCheck {
  const id = 'launch-role-reach';
  const title = 'Every account the shares reach gets the launch role';
  if (!settings.launchRole)
    return skipped(id, title, 'The launch-role StackSet is not used (--no-launch-role).');
  const share = settings.share;
  const targets = settings.stacksetTargets;
  if (!share || !targets) return skipped(id, title, 'Not looked at (no share or StackSet targets given).');
  if (share.length === 0) return skipped(id, title, 'The portfolio is not shared (--share none).');
  if (!org) return skipped(id, title, 'Needs the organization (see above).');
  const shares = share.map(shareText).join(', ');
  const remedy = `Where the product should be launched from such an account, deploy templates/launch-role.yaml there as a stack (secnotify render --out DIR writes it); or share only with OUs inside --stackset-targets${targets.some(isRootTarget) ? '' : ', or widen --stackset-targets'}.`;
  const warn = (missing: AccountWithoutLaunchRole[], more = '') =>
    check({
      id,
      title,
      verdict: 'warn',
      reason: `The shares (${shares}) reach ${missing.length} account(s) that will have no launch role, so launching the product fails there: ${describeAccountsWithoutLaunchRole(missing).join('; ')}.${more}`,
      remedy,
    });

  const coverage = facts.launchCoverage;
  if (coverage?.state === 'present') {
    const { tree, ouIds } = coverage.value;
    const missing = accountsWithoutLaunchRole({
      shareTargets: share.map((t) =>
        t.kind === 'ou-path' ? { kind: 'ou' as const, id: ouIds[t.path] ?? t.path } : t,
      ),
      stacksetTargets: targets.map((t) => (t === 'root' ? tree.rootId : (ouIds[t] ?? t))),
      tree,
      managementAccountId: org.managementAccountId,
    });
    if (missing.length > 0) return warn(missing);
    return check({
      id,
      title,
      verdict: 'pass',
      reason: `The StackSet targets (${targets.join(', ')}) cover every account the shares (${shares}) reach.`,
    });
  }

  // Without the organization tree: the management account is the one account that can be named.
  const why =
    coverage?.state === 'unknown'
      ? `The organization could not be read (${coverage.error.message}), so ${CANNOT_NAME} that can read it.`
      : `The ${CANNOT_NAME}.`;
  const known = accountsWithoutLaunchRoleKnownWithoutTree(
    share.filter((t): t is ResolvedShareTarget => t.kind !== 'ou-path'),
    org.managementAccountId,
  );
  if (known.length > 0) return warn(known, ` ${why}`);
  return check({
    id,
    title,
    verdict: 'warn',
    reason: `Not fully checked: ${why.charAt(0).toLowerCase()}${why.slice(1)}`,
    remedy: MANAGEMENT_HINT,
  });
}
