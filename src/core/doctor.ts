// `secnotify doctor`: the checks, their verdicts and the exact remedies, computed from facts that
// src/aws/diagnose.ts gathered. Pure: the same facts always give the same report. Each area's checks live
// in src/core/doctor/*.ts (a new check is one function there, given the DoctorScope); this file orders
// them, sums them up and prints them.
import { callerCheck, credentialChecks } from './doctor/account.js';
import { identityCenterCheck } from './doctor/identity-center.js';
import { launchRoleReachCheck } from './doctor/launch-roles.js';
import {
  type DoctorCheck,
  type DoctorFacts,
  type DoctorReport,
  type DoctorScope,
  type DoctorSettings,
  skipped,
  type Verdict,
} from './doctor/model.js';
import { organizationChecks } from './doctor/organization.js';
import { hubRegionCheck } from './doctor/region.js';
import { securityHubChecks } from './doctor/security-hub.js';
import { stackCheck } from './doctor/stacks.js';
import { valueIfKnown } from './facts.js';
import type { PrincipalType, ShareTarget, StackNames } from './options.js';

export type {
  AccountFacts,
  DoctorCheck,
  DoctorFacts,
  DoctorReport,
  DoctorSettings,
  DoctorStack,
  OrganizationFacts,
  Verdict,
} from './doctor/model.js';

/** Verdicts for every check, in the order a person would fix them. */
export function evaluateDoctor(facts: DoctorFacts, settings: DoctorSettings): DoctorReport {
  const profileFlag = settings.profileFlag ?? '--profile';
  // 1. Credentials and region: nothing else can be asked without them.
  const { checks, hub } = credentialChecks(facts, profileFlag);
  if (!hub) {
    const rest = [
      ['caller-account', 'Caller account'],
      ['organization-all-features', 'AWS Organizations with all features'],
      ['hub-not-management', 'Hub account is not the management account'],
    ] as const;
    for (const [id, title] of rest) checks.push(skipped(id, title, 'Needs working credentials (see above).'));
    return summarize(checks);
  }
  const org = valueIfKnown(facts.organization);
  const management = valueIfKnown(facts.management);
  const scope: DoctorScope = {
    facts,
    settings,
    profileFlag,
    hub,
    ...(management ? { management } : {}),
    ...(org ? { org } : {}),
    hubIsManagement: org ? org.managementAccountId === hub.accountId : false,
  };
  checks.push(
    // 2. Who is calling, and whether the hub Region offers what the stacks need.
    callerCheck(scope),
    hubRegionCheck(scope),
    // 3. The organization: all features, the hub a member, Service Catalog access, delegated admin, StackSets.
    ...organizationChecks(scope),
    // 4. Who can launch: the accounts the shares reach that the launch-role StackSet does not.
    launchRoleReachCheck(scope),
    // 5. Security Hub in the hub region, and which edition.
    ...securityHubChecks(scope),
    // 6. Identity Center, for the permission-set principal type.
    identityCenterCheck(scope),
    // 7. Stacks left in failed states.
    ...(facts.stacks ?? []).map(stackCheck),
  );
  return summarize(checks);
}

function summarize(checks: DoctorCheck[]): DoctorReport {
  const counts: Record<Verdict, number> = { pass: 0, todo: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.verdict] += 1;
  return {
    ok: counts.fail === 0,
    installable: !checks.some((c) => c.blocking),
    counts,
    checks,
  };
}

const MARK: Record<Verdict, string> = {
  pass: 'PASS',
  todo: 'TODO',
  warn: 'WARN',
  fail: 'FAIL',
  skip: 'SKIP',
};

/** The human report: one block per check, the remedy under each warning and failure. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${MARK[c.verdict]}  ${c.title}`);
    lines.push(`      ${c.reason}`);
    if (c.remedy && c.verdict !== 'pass' && c.verdict !== 'skip') lines.push(`      Remedy: ${c.remedy}`);
  }
  const { pass, todo, warn, fail, skip } = report.counts;
  lines.push('');
  lines.push(
    `${pass} passed, ${todo > 0 ? `${todo} to do by install, ` : ''}${warn} warning(s), ${fail} failed, ${skip} skipped.`,
  );
  return lines.join('\n');
}

/** The parts of the installer options the checks depend on. */
export function doctorSettings(
  options: {
    launchRole: boolean;
    principalType: PrincipalType;
    idcRegion?: string;
    stackNames: StackNames;
    share?: ShareTarget[];
    stacksetTargets?: string[];
  },
  profileFlag = '--profile',
): DoctorSettings {
  return {
    launchRole: options.launchRole,
    principalType: options.principalType,
    ...(options.idcRegion ? { idcRegion: options.idcRegion } : {}),
    stackNames: options.stackNames,
    ...(options.share ? { share: options.share } : {}),
    ...(options.stacksetTargets ? { stacksetTargets: options.stacksetTargets } : {}),
    profileFlag,
  };
}
