// `secnotify doctor`: the checks, their verdicts and the exact remedies, computed from facts that
// src/aws/doctor-facts.ts gathered. Pure: the same facts always give the same report.
import type { PrincipalType, StackNames } from './options.js';
import { isInProgress } from './stack-status.js';

export type Verdict = 'pass' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  /** Stable identifier, e.g. `organization-all-features` or `stack:portfolio`. */
  id: string;
  title: string;
  verdict: Verdict;
  reason: string;
  /** What to do: a command or a console path. Present on every warn and fail. */
  remedy?: string;
  /** A failure `install` cannot get past (it fixes the organization setup itself, for instance). */
  blocking: boolean;
}

export interface DoctorReport {
  /** No check failed. */
  ok: boolean;
  /** No blocking check failed: what `install` needs. */
  installable: boolean;
  counts: Record<Verdict, number>;
  checks: DoctorCheck[];
}

/** What a lookup found, or why it could not find out. */
export type Fact<T> = { value: T } | { error: FactError };
export interface FactError {
  /** The AWS error name (`AccessDeniedException`, …) or `Error`. */
  name: string;
  message: string;
  /** The remedy the AWS layer already knows (expired credentials, …). */
  hint?: string;
}

export interface AccountFacts {
  accountId: string;
  arn: string;
  partition: string;
  region: string;
}

export interface OrganizationFacts {
  id: string;
  managementAccountId: string;
  /** `ALL` or `CONSOLIDATED_BILLING`. */
  featureSet: string;
}

export interface StackFact {
  role: keyof StackNames;
  name: string;
  account: 'hub' | 'management';
  region: string;
  /** null: the stack does not exist. */
  status: Fact<{ status: string; reason?: string } | null>;
}

export interface DoctorFacts {
  hub: Fact<AccountFacts>;
  /** Absent when no management credentials were given (and the hub is not the management account). */
  management?: Fact<AccountFacts>;
  /** null: the account is not in an organization. */
  organization?: Fact<OrganizationFacts | null>;
  /** Service Catalog's AWS Organizations access status, and which credentials asked. */
  serviceCatalogAccess?: Fact<{ status: string; askedBy: 'hub' | 'management' }>;
  /** Whether the hub is delegated administrator for servicecatalog.amazonaws.com (asked by management only). */
  hubIsDelegatedAdmin?: Fact<boolean>;
  /** CloudFormation StackSets trusted access with Organizations (management only). */
  stackSetsAccess?: Fact<string>;
  /** Security Hub CSPM in the hub region; null: not enabled. */
  securityHub?: Fact<{ hubArn: string; subscribedAt?: string } | null>;
  /** The OCSF-based Security Hub in the hub region; null: not enabled. */
  securityHubV2?: Fact<{ hubArn: string } | null>;
  aggregation?: Fact<{ region: string; linkingMode?: string; regions: string[] } | null>;
  /** The IAM Identity Center instance, the regions asked for it, and by which credentials. */
  identityCenter?: Fact<{
    askedBy: 'hub' | 'management';
    searched: string[];
    instance?: { instanceArn: string; identityStoreId?: string; homeRegion: string };
  }>;
  stacks?: StackFact[];
}

export interface DoctorSettings {
  launchRole: boolean;
  principalType: PrincipalType;
  /** Identity Center home region given by the user; otherwise the hub region is tried. */
  idcRegion?: string;
  stackNames: StackNames;
  /** Flags that name the credentials in remedies. */
  profileFlag?: string;
}

const SC_PRINCIPAL = 'servicecatalog.amazonaws.com';

type Draft = Omit<DoctorCheck, 'blocking'> & { blocking?: boolean };

function check(draft: Draft): DoctorCheck {
  return { ...draft, blocking: draft.verdict === 'fail' && (draft.blocking ?? false) };
}

function isDenied(error: FactError): boolean {
  return /AccessDenied|UnauthorizedOperation|AuthorizationError|NotAuthorized/i.test(error.name);
}

function couldNotCheck(id: string, title: string, error: FactError, remedy: string): DoctorCheck {
  const denied = isDenied(error);
  return check({
    id,
    title,
    verdict: 'warn',
    reason: denied
      ? `Could not check: access denied (${error.message}).`
      : `Could not check: ${error.name}: ${error.message}`,
    remedy: error.hint && !denied ? error.hint : remedy,
  });
}

function skipped(id: string, title: string, reason: string): DoctorCheck {
  return check({ id, title, verdict: 'skip', reason });
}

const MANAGEMENT_HINT =
  'Run again with --management-profile <profile of the organization management account> so that this can be checked.';

function known<T>(fact: Fact<T> | undefined): T | undefined {
  return fact && 'value' in fact ? fact.value : undefined;
}

/** Verdicts for every check, in the order a person would fix them. */
export function evaluateDoctor(facts: DoctorFacts, settings: DoctorSettings): DoctorReport {
  const checks: DoctorCheck[] = [];
  const profileFlag = settings.profileFlag ?? '--profile';

  // 1. Credentials and region.
  const hub = known(facts.hub);
  if ('error' in facts.hub) {
    checks.push(
      check({
        id: 'credentials',
        title: 'Credentials and region',
        verdict: 'fail',
        reason: facts.hub.error.message,
        // The message already carries the specific advice; the remedy is the same for every cause.
        remedy: `Give working credentials and a region: ${profileFlag} <profile> --region <region>, or AWS_PROFILE / AWS_REGION; for IAM Identity Center profiles run \`aws sso login --profile <profile>\` first.`,
        blocking: true,
      }),
    );
  } else {
    checks.push(
      check({
        id: 'credentials',
        title: 'Credentials and region',
        verdict: 'pass',
        reason: `Signed in as ${facts.hub.value.arn} in ${facts.hub.value.region}.`,
      }),
    );
  }
  if (facts.management && 'error' in facts.management) {
    checks.push(
      check({
        id: 'management-credentials',
        title: 'Management account credentials (--management-profile)',
        verdict: 'fail',
        reason: facts.management.error.message,
        remedy:
          facts.management.error.hint ??
          'Check the profile given as --management-profile: run `aws sso login --profile <profile>` or refresh its credentials.',
        blocking: true,
      }),
    );
  }
  if (!hub) {
    const rest = [
      ['caller-account', 'Caller account'],
      ['organization-all-features', 'AWS Organizations with all features'],
      ['hub-not-management', 'Hub account is not the management account'],
    ] as const;
    for (const [id, title] of rest) checks.push(skipped(id, title, 'Needs working credentials (see above).'));
    return summarize(checks);
  }

  const management = known(facts.management);
  const org = known(facts.organization);
  const hubIsManagement = org ? org.managementAccountId === hub.accountId : false;

  // 2. Who is calling.
  if (org) {
    checks.push(
      check({
        id: 'caller-account',
        title: 'Caller account',
        verdict: 'pass',
        reason: hubIsManagement
          ? `Account ${hub.accountId} is the management account of organization ${org.id}.`
          : `Account ${hub.accountId} is a member of organization ${org.id} (management account ${org.managementAccountId}).`,
      }),
    );
  } else {
    checks.push(
      check({
        id: 'caller-account',
        title: 'Caller account',
        verdict: 'pass',
        reason: `Account ${hub.accountId}; its organization is unknown (see the next check).`,
      }),
    );
  }

  // 3. Organization in all-features mode.
  const orgTitle = 'AWS Organizations with all features';
  if (!facts.organization) {
    checks.push(skipped('organization-all-features', orgTitle, 'Not looked up.'));
  } else if ('error' in facts.organization) {
    checks.push(
      couldNotCheck(
        'organization-all-features',
        orgTitle,
        facts.organization.error,
        'Allow organizations:DescribeOrganization to these credentials, or run with the management account.',
      ),
    );
  } else if (org === null || org === undefined) {
    checks.push(
      check({
        id: 'organization-all-features',
        title: orgTitle,
        verdict: 'fail',
        reason: `Account ${hub.accountId} is not in an AWS Organization; the product is shared across an organization.`,
        remedy:
          'In the account that is to be the management account: aws organizations create-organization --feature-set ALL (console: AWS Organizations > Create an organization), then invite or create the member accounts.',
        blocking: true,
      }),
    );
  } else if (org.featureSet !== 'ALL') {
    checks.push(
      check({
        id: 'organization-all-features',
        title: orgTitle,
        verdict: 'fail',
        reason: `Organization ${org.id} uses only consolidated billing (${org.featureSet}); Service Catalog sharing, delegated administrators and StackSets need all features.`,
        remedy:
          'From the management account: aws organizations enable-all-features (console: AWS Organizations > Settings > Begin process to enable all features); every invited member account must then accept.',
        blocking: true,
      }),
    );
  } else {
    checks.push(
      check({
        id: 'organization-all-features',
        title: orgTitle,
        verdict: 'pass',
        reason: `Organization ${org.id} has all features enabled.`,
      }),
    );
  }

  // 4. The hub is not the management account.
  const hubTitle = 'Hub account is not the management account';
  if (!org) {
    checks.push(skipped('hub-not-management', hubTitle, 'Needs the organization (see above).'));
  } else if (hubIsManagement) {
    checks.push(
      check({
        id: 'hub-not-management',
        title: hubTitle,
        verdict: 'fail',
        reason: `The credentials in use (${profileFlag}) belong to the management account ${hub.accountId}; the product's bucket and portfolio must live in a member account (the hub).`,
        remedy: `Use a member account as the hub: ${profileFlag} <hub account profile> --management-profile <this management profile>; install registers the hub as Service Catalog delegated administrator (or run from the management account: aws organizations register-delegated-administrator --account-id <hub account ID> --service-principal ${SC_PRINCIPAL}).`,
        blocking: true,
      }),
    );
  } else {
    checks.push(
      check({
        id: 'hub-not-management',
        title: hubTitle,
        verdict: 'pass',
        reason: `Hub account ${hub.accountId} is a member account.`,
      }),
    );
  }

  // 5. Service Catalog's AWS Organizations access.
  const scTitle = "Service Catalog's AWS Organizations access";
  const scRemedy = `secnotify install --management-profile <profile> enables it; or from the management account: aws servicecatalog enable-aws-organizations-access --region ${hub.region} (console: Service Catalog > Settings > AWS Organizations > Enable)`;
  const sc = facts.serviceCatalogAccess;
  if (!sc) {
    checks.push(skipped('service-catalog-org-access', scTitle, 'Needs the organization (see above).'));
  } else if ('error' in sc) {
    checks.push(
      check({
        ...couldNotCheck(
          'service-catalog-org-access',
          scTitle,
          sc.error,
          management ? scRemedy : MANAGEMENT_HINT,
        ),
        ...(management || !isDenied(sc.error)
          ? {}
          : {
              reason: `Could not check from the hub account: only the management account or a Service Catalog delegated administrator may ask (${sc.error.name}: ${sc.error.message}).`,
            }),
      }),
    );
  } else if (sc.value.status !== 'ENABLED') {
    checks.push(
      check({
        id: 'service-catalog-org-access',
        title: scTitle,
        verdict: 'fail',
        reason: `Service Catalog's access to AWS Organizations is ${sc.value.status}: portfolios cannot be shared with the organization or OUs.`,
        remedy: scRemedy,
      }),
    );
  } else {
    checks.push(
      check({
        id: 'service-catalog-org-access',
        title: scTitle,
        verdict: 'pass',
        reason: `Enabled (asked with the ${sc.value.askedBy} account's credentials).`,
      }),
    );
  }

  // 6. The hub registered as Service Catalog delegated administrator.
  const daTitle = 'Hub registered as Service Catalog delegated administrator';
  const daRemedy = `secnotify install --management-profile <profile> registers it; or from the management account: aws organizations register-delegated-administrator --account-id ${hub.accountId} --service-principal ${SC_PRINCIPAL}`;
  const da = facts.hubIsDelegatedAdmin;
  if (!org || hubIsManagement) {
    checks.push(
      skipped(
        'delegated-admin',
        daTitle,
        hubIsManagement
          ? 'The hub is the management account (see above).'
          : 'Needs the organization (see above).',
      ),
    );
  } else if (da && 'value' in da) {
    checks.push(
      da.value
        ? check({
            id: 'delegated-admin',
            title: daTitle,
            verdict: 'pass',
            reason: `Account ${hub.accountId} is a delegated administrator for ${SC_PRINCIPAL}.`,
          })
        : check({
            id: 'delegated-admin',
            title: daTitle,
            verdict: 'fail',
            reason: `Account ${hub.accountId} is not a delegated administrator for ${SC_PRINCIPAL}, so it cannot share the portfolio with the organization.`,
            remedy: daRemedy,
          }),
    );
  } else if (da && 'error' in da) {
    checks.push(couldNotCheck('delegated-admin', daTitle, da.error, daRemedy));
  } else if (sc && 'value' in sc && sc.value.askedBy === 'hub') {
    // Only the management account or a delegated administrator may read this status, so the hub is one.
    checks.push(
      check({
        id: 'delegated-admin',
        title: daTitle,
        verdict: 'pass',
        reason: `Account ${hub.accountId} may read Service Catalog's organization status, which only a delegated administrator (or the management account) can.`,
      }),
    );
  } else {
    checks.push(
      check({
        id: 'delegated-admin',
        title: daTitle,
        verdict: 'warn',
        reason: 'Cannot be verified with the hub account alone.',
        remedy: MANAGEMENT_HINT,
      }),
    );
  }

  // 7. StackSets trusted access, for the launch-role StackSet.
  const ssTitle = 'CloudFormation StackSets trusted access';
  const ssRemedy =
    'secnotify install --management-profile <profile> activates it; or from the management account: aws cloudformation activate-organizations-access (console: CloudFormation > StackSets > Activate trusted access)';
  const ss = facts.stackSetsAccess;
  if (!settings.launchRole) {
    checks.push(
      skipped(
        'stacksets-trusted-access',
        ssTitle,
        'The launch-role StackSet is not used (--no-launch-role).',
      ),
    );
  } else if (!ss) {
    checks.push(
      check({
        id: 'stacksets-trusted-access',
        title: ssTitle,
        verdict: 'warn',
        reason: 'Needs the management account, which is not among the credentials given.',
        remedy: MANAGEMENT_HINT,
      }),
    );
  } else if ('error' in ss) {
    checks.push(couldNotCheck('stacksets-trusted-access', ssTitle, ss.error, ssRemedy));
  } else if (ss.value !== 'ENABLED') {
    checks.push(
      check({
        id: 'stacksets-trusted-access',
        title: ssTitle,
        verdict: 'fail',
        reason: `Trusted access between CloudFormation StackSets and AWS Organizations is ${ss.value}: the service-managed launch-role StackSet cannot deploy.`,
        remedy: ssRemedy,
        // DISABLED_PERMANENTLY is not something install can undo.
        blocking: ss.value === 'DISABLED_PERMANENTLY',
      }),
    );
  } else {
    checks.push(
      check({ id: 'stacksets-trusted-access', title: ssTitle, verdict: 'pass', reason: 'Activated.' }),
    );
  }

  // 8. Security Hub in the hub region, and which edition.
  checks.push(...securityHubChecks(facts, hub.region));

  // 9. Identity Center, for the permission-set principal type.
  checks.push(identityCenterCheck(facts, settings, Boolean(management) || hubIsManagement));

  // 10. Stacks left in failed states.
  for (const stack of facts.stacks ?? []) checks.push(stackCheck(stack));

  return summarize(checks);
}

function securityHubChecks(facts: DoctorFacts, region: string): DoctorCheck[] {
  const out: DoctorCheck[] = [];
  const remedy = `aws securityhub enable-security-hub --region ${region} (console: Security Hub CSPM in ${region} > Enable Security Hub CSPM)`;
  const cspm = facts.securityHub;
  const v2 = facts.securityHubV2;
  const v2On = v2 && 'value' in v2 ? v2.value !== null : undefined;
  const title = `Security Hub enabled in ${region}`;
  if (!cspm) {
    out.push(skipped('security-hub', title, 'Not looked up.'));
  } else if ('error' in cspm) {
    out.push(
      couldNotCheck(
        'security-hub',
        title,
        cspm.error,
        `Allow securityhub:DescribeHub, or check in the console: Security Hub CSPM in ${region}.`,
      ),
    );
  } else if (cspm.value === null) {
    out.push(
      check({
        id: 'security-hub',
        title,
        verdict: v2On ? 'warn' : 'fail',
        reason: v2On
          ? `Security Hub CSPM is not enabled in ${region}; only the OCSF-based Security Hub is, which emits "Findings Imported V2" events, not the ASFF "Security Hub Findings - Imported" events of CSPM.`
          : `Security Hub is not enabled in ${region} for this account: no findings, no notifications.`,
        remedy,
      }),
    );
  } else {
    out.push(
      check({
        id: 'security-hub',
        title,
        verdict: 'pass',
        reason: `Security Hub CSPM is enabled (${cspm.value.hubArn}${cspm.value.subscribedAt ? `, since ${cspm.value.subscribedAt}` : ''}).`,
      }),
    );
  }

  const editionTitle = 'Security Hub edition (OCSF Security Hub / Security Hub CSPM)';
  if (!v2) {
    out.push(skipped('security-hub-edition', editionTitle, 'Not looked up.'));
  } else if ('error' in v2) {
    out.push(
      couldNotCheck(
        'security-hub-edition',
        editionTitle,
        v2.error,
        `Allow securityhub:DescribeSecurityHubV2, or look in the console: Security Hub in ${region}.`,
      ),
    );
  } else {
    const cspmOn = cspm && 'value' in cspm ? cspm.value !== null : undefined;
    const parts = [
      `the OCSF-based Security Hub is ${v2.value ? 'on' : 'off'}`,
      `Security Hub CSPM is ${cspmOn === undefined ? 'unknown' : cspmOn ? 'on' : 'off'}`,
    ];
    out.push(
      check({
        id: 'security-hub-edition',
        title: editionTitle,
        verdict: 'pass',
        reason: `In ${region}: ${parts.join('; ')}.${v2.value && cspmOn ? ' Findings arrive in both formats (ASFF and OCSF events).' : ''}${!v2.value && cspmOn ? ' Only ASFF findings (Security Hub CSPM) are emitted.' : ''}`,
      }),
    );
  }

  const aggTitle = 'Security Hub cross-Region aggregation';
  const agg = facts.aggregation;
  if (!agg) {
    out.push(skipped('aggregation', aggTitle, 'Not looked up.'));
  } else if ('error' in agg) {
    out.push(
      couldNotCheck(
        'aggregation',
        aggTitle,
        agg.error,
        'Look in the console of the Security Hub administrator account: Security Hub CSPM > Settings > Regions.',
      ),
    );
  } else if (agg.value === null) {
    out.push(
      check({
        id: 'aggregation',
        title: aggTitle,
        verdict: 'pass',
        reason: `Off: subscriptions launched in ${region} receive the findings of ${region} only; install in every Region you want covered, or turn aggregation on.`,
      }),
    );
  } else if (agg.value.region !== region) {
    out.push(
      check({
        id: 'aggregation',
        title: aggTitle,
        verdict: 'warn',
        reason: `On, aggregating into ${agg.value.region} (${agg.value.linkingMode ?? 'linking mode unknown'}${agg.value.regions.length ? `: ${agg.value.regions.join(', ')}` : ''}), not into ${region}: subscriptions in ${region} miss the findings of the other linked Regions.`,
        remedy: `Install the product in the aggregation Region: --region ${agg.value.region}.`,
      }),
    );
  } else {
    out.push(
      check({
        id: 'aggregation',
        title: aggTitle,
        verdict: 'pass',
        reason: `On, aggregating into ${region} (${agg.value.linkingMode ?? 'linking mode unknown'}${agg.value.regions.length ? `: ${agg.value.regions.join(', ')}` : ''}).`,
      }),
    );
  }
  return out;
}

function identityCenterCheck(
  facts: DoctorFacts,
  settings: DoctorSettings,
  haveManagement: boolean,
): DoctorCheck {
  const id = 'identity-center';
  const title = 'IAM Identity Center instance and home region';
  if (settings.principalType !== 'identity-center') {
    return skipped(id, title, 'The principal type is IAM role names (--principal-type iam-role).');
  }
  const remedy = `Pass the Identity Center home region: --idc-region <region> (console: IAM Identity Center > Settings shows it), or use --principal-type iam-role.`;
  const idc = facts.identityCenter;
  if (!idc) return skipped(id, title, 'Not looked up.');
  if ('error' in idc) return couldNotCheck(id, title, idc.error, haveManagement ? remedy : MANAGEMENT_HINT);
  const { instance, searched } = idc.value;
  const where =
    settings.idcRegion ?? (searched.length === 1 ? searched[0] : `any of ${searched.length} Regions`);
  if (instance) {
    const mismatch = settings.idcRegion !== undefined && settings.idcRegion !== instance.homeRegion;
    return check({
      id,
      title,
      verdict: mismatch ? 'fail' : 'pass',
      reason: `Instance ${instance.instanceArn}${instance.identityStoreId ? ` (identity store ${instance.identityStoreId})` : ''}, home region ${instance.homeRegion}${mismatch ? `, not ${settings.idcRegion} as --idc-region says` : ''}.`,
      ...(mismatch ? { remedy: `--idc-region ${instance.homeRegion}`, blocking: true } : {}),
    });
  }
  if (idc.value.askedBy === 'hub' && !haveManagement) {
    return check({
      id,
      title,
      verdict: 'warn',
      reason: `No IAM Identity Center instance is visible from the hub account in ${where}; the organization's instance is visible to the management account.`,
      remedy: MANAGEMENT_HINT,
    });
  }
  return check({
    id,
    title,
    verdict: 'fail',
    reason: `No IAM Identity Center instance found in ${where}: the permission-set principal type needs one (and the permission-set stack goes to its home region).`,
    remedy,
    blocking: true,
  });
}

/** CloudFormation stack status → verdict and remedy, from what `install` can and cannot get past. */
function stackCheck(stack: StackFact): DoctorCheck {
  const id = `stack:${stack.role}`;
  const title = `Stack ${stack.name} (${stack.account} account, ${stack.region})`;
  const where = `--stack-name ${stack.name} --region ${stack.region}`;
  const consolePath = `console: CloudFormation in ${stack.region} > Stacks > ${stack.name} > Events`;
  if ('error' in stack.status) {
    return couldNotCheck(
      id,
      title,
      stack.status.error,
      `Allow cloudformation:DescribeStacks, or look in the ${consolePath}.`,
    );
  }
  const found = stack.status.value;
  if (found === null || found.status === 'REVIEW_IN_PROGRESS') {
    return check({ id, title, verdict: 'pass', reason: 'Not deployed yet.' });
  }
  const { status } = found;
  const because = found.reason ? ` (${found.reason})` : '';
  switch (status) {
    case 'ROLLBACK_COMPLETE':
      return check({
        id,
        title,
        verdict: 'warn',
        reason: `ROLLBACK_COMPLETE: its first creation failed${because}. It cannot be updated, only replaced.`,
        remedy: `secnotify install deletes and re-creates it; or: aws cloudformation delete-stack ${where}`,
      });
    case 'UPDATE_ROLLBACK_FAILED':
      return check({
        id,
        title,
        verdict: 'fail',
        reason: `UPDATE_ROLLBACK_FAILED${because}: the stack can be neither updated nor deleted until the rollback finishes.`,
        remedy: `aws cloudformation continue-update-rollback ${where} (add --resources-to-skip <logical IDs> for resources that cannot roll back; ${consolePath})`,
        blocking: true,
      });
    case 'UPDATE_FAILED':
      return check({
        id,
        title,
        verdict: 'fail',
        reason: `UPDATE_FAILED${because}: an update with rollback disabled stopped half way.`,
        remedy: `aws cloudformation rollback-stack ${where} (${consolePath})`,
        blocking: true,
      });
    case 'CREATE_FAILED':
    case 'ROLLBACK_FAILED':
    case 'DELETE_FAILED':
    case 'IMPORT_ROLLBACK_FAILED':
      return check({
        id,
        title,
        verdict: 'fail',
        reason: `${status}${because}.`,
        remedy: `Find the failed resources (aws cloudformation describe-stack-events ${where}, or the ${consolePath}), fix or retain them, then: aws cloudformation delete-stack ${where} (--retain-resources <logical IDs> keeps the ones that cannot be deleted)`,
        blocking: true,
      });
    default:
      if (isInProgress(status)) {
        return check({
          id,
          title,
          verdict: 'warn',
          reason: `${status}${because}: an operation is running.`,
          remedy: `Wait for it to finish (aws cloudformation describe-stacks ${where}, or the ${consolePath}); install waits for it.`,
        });
      }
      return check({ id, title, verdict: 'pass', reason: `${status}.` });
  }
}

function summarize(checks: DoctorCheck[]): DoctorReport {
  const counts: Record<Verdict, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.verdict] += 1;
  return {
    ok: counts.fail === 0,
    installable: !checks.some((c) => c.blocking),
    counts,
    checks,
  };
}

const MARK: Record<Verdict, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** The human report: one block per check, the remedy under each warning and failure. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${MARK[c.verdict]}  ${c.title}`);
    lines.push(`      ${c.reason}`);
    if (c.remedy && (c.verdict === 'warn' || c.verdict === 'fail')) lines.push(`      Remedy: ${c.remedy}`);
  }
  const { pass, warn, fail, skip } = report.counts;
  lines.push('');
  lines.push(`${pass} passed, ${warn} warning(s), ${fail} failed, ${skip} skipped.`);
  return lines.join('\n');
}

/** The parts of the installer options the checks depend on. */
export function doctorSettings(
  options: { launchRole: boolean; principalType: PrincipalType; idcRegion?: string; stackNames: StackNames },
  profileFlag = '--profile',
): DoctorSettings {
  return {
    launchRole: options.launchRole,
    principalType: options.principalType,
    ...(options.idcRegion ? { idcRegion: options.idcRegion } : {}),
    stackNames: options.stackNames,
    profileFlag,
  };
}
