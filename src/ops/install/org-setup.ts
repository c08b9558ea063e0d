// Organization setup in the management account: Service Catalog's Organizations access, the hub as
// Service Catalog delegated administrator, and (with the launch role) StackSets trusted access.
import {
  activateStackSetsTrustedAccess,
  enableServiceCatalogOrgAccess,
  registerDelegatedAdmin,
  SERVICE_CATALOG_PRINCIPAL,
} from '../../aws/organization.js';
import { waitProgressTo } from '../../cli/io/wait-progress.js';
import { MSG } from '../../core/messages.js';
import { type InstallContext, type InstallDone, type InstallRun, managementIn } from './context.js';

export async function orgSetup(
  ctx: Pick<InstallContext, 'management' | 'hubCaller' | 'options' | 'dryRun' | 'pollIntervalMs'>,
  run: Pick<InstallRun, 'io' | 'signal'>,
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
  // Registering the delegated administrator or sharing with the organization waits until the access reads
  // ENABLED (GetAWSOrganizationsAccessStatus passes through UNDER_CHANGE).
  const access = await enableServiceCatalogOrgAccess(await mgmt.serviceCatalog(), {
    signal: run.signal,
    ...(ctx.pollIntervalMs ? { pollIntervalMs: ctx.pollIntervalMs } : {}),
    onProgress: waitProgressTo(run.io, MSG.ORG_ACCESS_STATUS, 'org-setup'),
  });
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
