// Who can launch: the product is launched with the launch role, which the StackSet puts into the accounts
// of its targets. Accounts the shares reach outside those targets see the product, but launching it fails.
import type { ShareTarget } from '../options.js';
import { check, type DoctorCheck, type DoctorScope, skipped } from './model.js';

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

/** The accounts (or groups of accounts) the shares reach that the launch-role StackSet does not. */
export function accountsWithoutLaunchRole(
  share: ShareTarget[],
  stacksetTargets: string[],
  managementAccountId: string,
): string[] {
  const uncovered: string[] = [];
  const toOrganization = share.some((t) => t.kind === 'organization');
  // "StackSets doesn't deploy stack instances to the organization management account, even if the
  // organization management account is in your organization or in an OU in your organization"
  // (CloudFormation API Reference, DeploymentTargets).
  if (toOrganization || share.some((t) => t.kind === 'account' && t.id === managementAccountId)) {
    uncovered.push(`the management account ${managementAccountId} (StackSets never deploy to it)`);
  }
  if (stacksetTargets.some(isRootTarget)) return uncovered;
  const targets = stacksetTargets.join(', ');
  if (toOrganization) uncovered.push(`every account outside the StackSet targets (${targets})`);
  for (const t of share) {
    if (t.kind === 'organization') continue;
    if (t.kind === 'account' && t.id === managementAccountId) continue;
    const named = t.kind === 'ou' ? t.id : t.kind === 'ou-path' ? t.path : undefined;
    if (named !== undefined && stacksetTargets.includes(named)) continue;
    // Whether an account or OU sits under a target OU takes a walk through the organization; say so.
    uncovered.push(
      `${t.kind === 'account' ? shareText(t) : `the accounts of ${shareText(t)}`}, unless under ${targets}`,
    );
  }
  return uncovered;
}

export function launchRoleReachCheck({ settings, org }: DoctorScope): DoctorCheck {
  const id = 'launch-role-reach';
  const title = 'Every account the shares reach gets the launch role';
  if (!settings.launchRole)
    return skipped(id, title, 'The launch-role StackSet is not used (--no-launch-role).');
  const share = settings.share;
  const targets = settings.stacksetTargets;
  if (!share || !targets) return skipped(id, title, 'Not looked at (no share or StackSet targets given).');
  if (share.length === 0) return skipped(id, title, 'The portfolio is not shared (--share none).');
  if (!org) return skipped(id, title, 'Needs the organization (see above).');
  const uncovered = accountsWithoutLaunchRole(share, targets, org.managementAccountId);
  if (uncovered.length === 0) {
    return check({
      id,
      title,
      verdict: 'pass',
      reason: `The StackSet targets (${targets.join(', ')}) cover every account of ${share.map(shareText).join(', ')}.`,
    });
  }
  return check({
    id,
    title,
    verdict: 'warn',
    reason: `The shares (${share.map(shareText).join(', ')}) reach accounts that will have no launch role, so launching the product fails there: ${uncovered.join('; ')}.`,
    remedy: `Where the product should be launched from such an account, deploy templates/launch-role.yaml there as a stack (secnotify render --out DIR writes it); or share only with OUs inside --stackset-targets${targets.some(isRootTarget) ? '' : ', or widen --stackset-targets'}.`,
  });
}
