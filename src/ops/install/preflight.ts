// Before any change: the management credentials are the right account, the doctor's checks (run before
// the questions; a blocking failure stops here, warnings are shown, what install does itself is shown as
// "to do by install"), the warning about a permission set its own principals do not include, and the
// Identity Center home region.

import type { AwsContext, CallerIdentity } from '../../aws/clients.js';
import { diagnose } from '../../aws/diagnose.js';
import { findIdentityCenterHomeRegion, identityCenterCandidateRegions } from '../../aws/identity-center.js';
import type { OrganizationInfo } from '../../aws/organization.js';
import { isDelegatedAdmin } from '../../aws/organization.js';
import { hintCommand } from '../../cli/io/command-name.js';
import { doctorSettings } from '../../core/doctor.js';
import { OperationError, UsageError } from '../../core/errors.js';
import type { IoHost } from '../../core/io.js';
import { MSG } from '../../core/messages.js';
import type { SecnotifyOptions } from '../../core/options.js';
import { STEP_IDS, type StepId } from '../../core/plan.js';

/**
 * The delegated-administrator registrations that let an account other than the management account run a
 * management step: StackSets (service-managed StackSets as DELEGATED_ADMIN) and IAM Identity Center.
 * Organization setup (Organizations access, registering delegated administrators, StackSets trusted access)
 * can only be done by the management account.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/delegated-admin.html
 */
export const DELEGATED_ADMIN_SERVICE: Partial<Record<StepId, string>> = {
  'launch-roles': 'member.org.stacksets.cloudformation.amazonaws.com',
  'permission-set': 'sso.amazonaws.com',
};

/**
 * Refuses (exit 2, before any change) management credentials that are neither the organization's
 * management account nor a registered delegated administrator for every management step asked of them.
 */
export async function checkManagementAccount(
  management: AwsContext | undefined,
  managementCaller: CallerIdentity | undefined,
  organization: OrganizationInfo | undefined,
  steps: StepId[],
): Promise<void> {
  if (!management || !managementCaller || !organization) return;
  const given = managementCaller.accountId;
  const owner = organization.managementAccountId;
  if (given === owner) return;
  const refuse = (what: string) =>
    new UsageError(
      `The management credentials are account ${given}, but the organization's management account is ${owner}: ${what}`,
      {
        field: '--management-profile',
        hint: `Pass --management-profile (or --management-role-arn) for account ${owner}, or leave out the management steps with --steps.`,
      },
    );
  if (steps.includes('org-setup')) {
    throw refuse(
      'organization setup (Organizations access, delegated administrator, trusted access) can only be done by the management account.',
    );
  }
  const org = await management.organizations();
  for (const step of steps) {
    const service = DELEGATED_ADMIN_SERVICE[step];
    if (!service) continue;
    const registered = await isDelegatedAdmin(org, given, service).catch(() => undefined);
    if (registered !== true) {
      throw refuse(
        `step ${step} needs the management account or a delegated administrator for ${service}, and account ${given} ${registered === false ? 'is not registered for it' : 'could not be confirmed as one (organizations:ListDelegatedAdministrators was refused)'}.`,
      );
    }
  }
}

export async function preflight(
  io: IoHost,
  accounts: { hub: AwsContext; management?: AwsContext },
  options: SecnotifyOptions,
): Promise<void> {
  const report = await diagnose(accounts, doctorSettings(options));
  for (const check of report.checks.filter((c) => c.verdict === 'todo')) {
    io.notify(MSG.DOCTOR_TODO.msg(`To do by install: ${check.title}: ${check.reason}`));
  }
  for (const check of report.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'warn')) {
    io.notify({
      level: check.verdict === 'fail' ? 'error' : 'warn',
      code: MSG.DOCTOR_CHECK.code,
      text: `${check.title}: ${check.reason}${check.remedy ? `\n  Remedy: ${check.remedy}` : ''}`,
    });
  }
  if (!report.installable) {
    const blocking = report.checks.filter((c) => c.verdict === 'fail' && c.blocking).map((c) => c.title);
    throw new OperationError(`Pre-flight checks failed, nothing was changed: ${blocking.join('; ')}.`, {
      hint: `Apply the remedies above; ${hintCommand('doctor')} repeats the checks.`,
    });
  }
}

/** The permission set install creates should be among the principals (checked after the questions). */
export function warnPermissionSetPrincipal(io: IoHost, options: SecnotifyOptions): void {
  if (
    options.principalType === 'identity-center' &&
    options.launchRole &&
    !options.principals.includes(options.permissionSetName)
  ) {
    io.notify({
      level: 'warn',
      code: MSG.PERMISSION_SET_NOT_A_PRINCIPAL.code,
      text: `The permission set ${options.permissionSetName} that install creates is not among --principals (${options.principals.join(', ')}): its users will not see the product. Add it to --principals unless that is intended.`,
    });
  }
}

/**
 * The Identity Center home Region: --idc-region, else looked up with the management credentials. The
 * principals' role paths depend on it (issue 10, point 10), so there is no fallback to the hub's Region.
 */
export async function identityCenterHomeRegion(
  options: SecnotifyOptions,
  selected: StepId[] | undefined,
  hub: AwsContext,
  hubCaller: CallerIdentity,
  management: AwsContext | undefined,
): Promise<string> {
  if (options.idcRegion) return options.idcRegion;
  // Only the portfolio (principal role paths) and the permission set (its Region) depend on it.
  const needed = (selected ?? STEP_IDS).some((id) => id === 'portfolio' || id === 'permission-set');
  if (options.principalType !== 'identity-center' || !needed) return hub.region;
  const found = management
    ? await findIdentityCenterHomeRegion(
        async (region) => await management.inRegion(region).ssoAdmin(),
        identityCenterCandidateRegions(hub.region, hubCaller.partition),
      )
    : undefined;
  if (found) return found.region;
  throw new UsageError(
    management
      ? 'No IAM Identity Center instance was found in the Regions looked at, so the home Region the permission sets live in is unknown. Pass --idc-region with the Identity Center home Region.'
      : 'The IAM Identity Center home Region decides the role paths the portfolio matches, and looking it up needs the management credentials. Pass --idc-region with the Identity Center home Region, or --management-profile / --management-role-arn.',
    { field: '--idc-region' },
  );
}
