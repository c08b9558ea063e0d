// The launch-role StackSet stack in the management account: one launch role in every target account.
import { findRoot } from '../../aws/organization.js';
import {
  deploy,
  describeDeploy,
  type InstallContext,
  type InstallDone,
  type InstallRun,
  managementIn,
  outcomeOf,
  renderContext,
  rendered,
} from './context.js';

export async function launchRoles(
  ctx: Pick<
    InstallContext,
    | 'options'
    | 'management'
    | 'hub'
    | 'hubCaller'
    | 'organization'
    | 'managementCaller'
    | 'idcHomeRegion'
    | 'dryRun'
    | 'pollIntervalMs'
    | 'view'
  >,
  run: Pick<InstallRun, 'io' | 'signal'>,
  region: string,
): Promise<InstallDone<'launch-roles'>> {
  const mgmt = managementIn(ctx, 'launch-roles', region);
  const rootId = ctx.options.stacksetTargets.includes('root')
    ? await findRoot(await mgmt.organizations())
    : undefined;
  const stack = rendered(ctx.options, 'launch-role-stackset', renderContext(ctx, { rootId }));
  const { result, report } = await deploy(ctx, run, await mgmt.cloudformation(), stack, 'management');
  return { outcome: outcomeOf(result), detail: describeDeploy(result), output: { stacks: [report] } };
}
