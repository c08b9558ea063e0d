// The launch-role StackSet stack in the management account: one launch role in every target account.
import { findRoot } from '../../aws/organization.js';
import { listUnsuccessfulStackInstances } from '../../aws/stacksets.js';
import { summarizeStackInstances } from '../../core/stack-instances.js';
import {
  deploy,
  describeDeploy,
  type InstallDone,
  type InstallRun,
  managementIn,
  outcomeOf,
  renderContext,
  rendered,
  type StackStepContext,
} from './context.js';

export async function launchRoles(
  ctx: StackStepContext,
  run: Pick<InstallRun, 'io' | 'signal'>,
  region: string,
): Promise<InstallDone<'launch-roles'>> {
  const mgmt = managementIn(ctx, 'launch-roles', region);
  const rootId = ctx.options.stacksetTargets.includes('root')
    ? await findRoot(await mgmt.organizations())
    : undefined;
  const stack = rendered(ctx.options, 'launch-role-stackset', renderContext(ctx, { rootId }));
  const cfn = await mgmt.cloudformation();
  const { result, report } = await deploy(ctx, run, cfn, stack, 'management');
  if (result.outcome === 'dry-run' || result.outcome === 'declined') {
    return { outcome: outcomeOf(result), detail: describeDeploy(result), output: { stacks: [report] } };
  }
  // One suspended or SCP-denied account fails only its own stack instance (soft failure tolerance): it is
  // listed by account, not turned into a failed install.
  const props = stack.template.Resources.LaunchRoleStackSet?.Properties ?? {};
  const stackSetName = typeof props.StackSetName === 'string' ? props.StackSetName : undefined;
  const callAs =
    ctx.managementCaller?.accountId === ctx.organization?.managementAccountId ? 'SELF' : 'DELEGATED_ADMIN';
  const instances = stackSetName
    ? await listUnsuccessfulStackInstances(cfn, stackSetName, callAs)
    : undefined;
  const rollout = instances ? summarizeStackInstances(instances) : undefined;
  for (const line of rollout?.lines ?? []) {
    run.io.notify({ level: 'warn', code: 'SN_STACK_INSTANCE_PROBLEM', text: `No launch role: ${line}` });
  }
  const problems = rollout?.accountsWithoutRole.length ?? 0;
  return {
    outcome: outcomeOf(result),
    detail: `${describeDeploy(result)}${problems ? `; ${problems} account(s) without the launch role` : ''}`,
    output: { stacks: [report], ...(rollout ? { rollout } : {}) },
  };
}
