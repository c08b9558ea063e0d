// Before any change: the doctor's checks (a blocking failure stops here, warnings are shown), the warning
// about a permission set its own principals do not include, and the Identity Center home region.
import type { AwsContext, CallerIdentity } from '../../aws/clients.js';
import { diagnose } from '../../aws/diagnose.js';
import { findIdentityCenterHomeRegion, identityCenterCandidateRegions } from '../../aws/identity-center.js';
import { doctorSettings } from '../../core/doctor.js';
import { OperationError, UsageError } from '../../core/errors.js';
import type { IoHost } from '../../core/io.js';
import { MSG } from '../../core/messages.js';
import type { SecnotifyOptions } from '../../core/options.js';
import { STEP_IDS, type StepId } from '../../core/plan.js';

export async function preflight(
  io: IoHost,
  accounts: { hub: AwsContext; management?: AwsContext },
  options: SecnotifyOptions,
): Promise<void> {
  const report = await diagnose(accounts, doctorSettings(options));
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
      hint: 'Apply the remedies above; `secnotify doctor` repeats the checks.',
    });
  }
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
