// Organization setup in the management account: Service Catalog's Organizations access, the hub as
// Service Catalog delegated administrator, and (with the launch role) StackSets trusted access.
import {
  activateStackSetsTrustedAccess,
  enableServiceCatalogOrgAccess,
  registerDelegatedAdmin,
  SERVICE_CATALOG_PRINCIPAL,
} from '../../aws/organization.js';
import { type InstallContext, type InstallDone, managementIn } from './context.js';

export async function orgSetup(
  ctx: Pick<InstallContext, 'management' | 'hubCaller' | 'options' | 'dryRun'>,
  region: string,
): Promise<InstallDone<'org-setup'>> {
  if (ctx.dryRun) {
    return {
      outcome: 'dry-run',
      detail:
        'would enable Service Catalog organization access, register the hub as delegated administrator and (with the launch role) activate StackSets trusted access',
      output: { stacks: [] },
    };
  }
  const mgmt = managementIn(ctx, 'org-setup', region);
  const hubId = ctx.hubCaller.accountId;
  const access = await enableServiceCatalogOrgAccess(await mgmt.serviceCatalog());
  const admin = await registerDelegatedAdmin(await mgmt.organizations(), hubId, SERVICE_CATALOG_PRINCIPAL);
  const trusted = ctx.options.launchRole
    ? await activateStackSetsTrustedAccess(await mgmt.cloudformation())
    : undefined;
  const changed =
    access !== 'already' || admin !== 'already' || (trusted !== undefined && trusted !== 'already');
  const detail = [
    access === 'already'
      ? 'Service Catalog organization access already enabled'
      : 'enabled Service Catalog organization access',
    admin === 'already'
      ? `account ${hubId} already a Service Catalog delegated administrator`
      : `registered account ${hubId} as Service Catalog delegated administrator`,
    ...(trusted === undefined
      ? []
      : [
          trusted === 'already'
            ? 'StackSets trusted access already active'
            : 'activated StackSets trusted access',
        ]),
  ];
  return { outcome: changed ? 'done' : 'no-changes', detail: detail.join('; '), output: { stacks: [] } };
}
