// IAM Identity Center, for the permission-set principal type: an instance exists, and its home region.
import {
  check,
  couldNotCheck,
  type DoctorCheck,
  type DoctorScope,
  MANAGEMENT_HINT,
  skipped,
} from './model.js';

export function identityCenterCheck({
  facts,
  settings,
  management,
  hubIsManagement,
}: DoctorScope): DoctorCheck {
  const haveManagement = Boolean(management) || hubIsManagement;
  const id = 'identity-center';
  const title = 'IAM Identity Center instance and home region';
  if (settings.principalType !== 'identity-center') {
    return skipped(id, title, 'The principal type is IAM role names (--principal-type iam-role).');
  }
  const remedy = `Pass the Identity Center home region: --idc-region <region> (console: IAM Identity Center > Settings shows it), or use --principal-type iam-role.`;
  const idc = facts.identityCenter;
  if (!idc) return skipped(id, title, 'Not looked up.');
  if (idc.state === 'absent') return skipped(id, title, 'Not looked up.');
  if (idc.state === 'unknown')
    return couldNotCheck(id, title, idc.error, haveManagement ? remedy : MANAGEMENT_HINT);
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
