// Before any change: the doctor's checks (a blocking failure stops here, warnings are shown), the warning
// about a permission set its own principals do not include, and the Identity Center home region.
import type { AwsContext, CallerIdentity } from '../../aws/clients.js';
import { diagnose } from '../../aws/diagnose.js';
import { findIdentityCenterHomeRegion, identityCenterCandidateRegions } from '../../aws/identity-center.js';
import { doctorSettings } from '../../core/doctor.js';
import { OperationError } from '../../core/errors.js';
import type { IoHost } from '../../core/io.js';
import type { SecnotifyOptions } from '../../core/options.js';

export async function preflight(
  io: IoHost,
  accounts: { hub: AwsContext; management?: AwsContext },
  options: SecnotifyOptions,
): Promise<void> {
  const report = await diagnose(accounts, doctorSettings(options));
  for (const check of report.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'warn')) {
    io.notify({
      level: check.verdict === 'fail' ? 'error' : 'warn',
      code: 'SN_DOCTOR_CHECK',
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
      code: 'SN_PERMISSION_SET_NOT_A_PRINCIPAL',
      text: `The permission set ${options.permissionSetName} that install creates is not among --principals (${options.principals.join(', ')}): its users will not see the product. Add it to --principals unless that is intended.`,
    });
  }
}

/** --idc-region, else the region the management account finds the instance in, else the hub region. */
export async function identityCenterHomeRegion(
  options: Pick<SecnotifyOptions, 'idcRegion' | 'principalType'>,
  accounts: { hub: AwsContext; hubCaller: CallerIdentity; management?: AwsContext },
): Promise<string> {
  const { hub, management } = accounts;
  if (options.idcRegion) return options.idcRegion;
  if (options.principalType === 'identity-center' && management) {
    const found = await findIdentityCenterHomeRegion(
      async (region) => await management.inRegion(region).ssoAdmin(),
      identityCenterCandidateRegions(hub.region, accounts.hubCaller.partition),
    );
    if (found) return found.region;
  }
  return hub.region;
}
