// The portfolio's launch constraint names the launch role by LocalRoleName, and "the given role name must
// exist in the account used to create the launch constraint" (CloudFormation reference,
// AWS::ServiceCatalog::LaunchRoleConstraint, LocalRoleName). So before the portfolio stack, the role must
// be in the hub account: already there; coming from the launch-role StackSet that runs in this invocation
// (wait for the role itself, not for the whole StackSet operation); or deployed here as the single-account
// launch-role stack when the StackSet will not bring it (no management credentials, or the hub outside
// --stackset-targets). When the StackSet covers the hub but does not run now, install stops and says so:
// a second copy of the role would make the StackSet's instance in the hub fail.

import { accountAncestors, type RoleLookup } from '../../aws/iam-roles.js';
import { formatElapsed, poll } from '../../aws/poll.js';
import { hintCommand } from '../../cli/io/command-name.js';
import { waitProgressTo } from '../../cli/io/wait-progress.js';
import { OperationError } from '../../core/errors.js';
import { MSG } from '../../core/messages.js';
import { LAUNCH_ROLE_NAME } from '../../core/render/infrastructure.js';
import {
  deploy,
  describeDeploy,
  type InstallContext,
  type InstallRun,
  renderContext,
  rendered,
  type StackReport,
} from './context.js';

export { LAUNCH_ROLE_NAME };

/** The launch-role StackSet when it runs in this invocation: settles true when its stack deployed. */
export interface StackSetInFlight {
  settled: Promise<boolean>;
}

export interface HubLaunchRoleDeps {
  roleExists: RoleLookup;
  stackSet?: StackSetInFlight;
  /** Longest wait for the role to appear while the StackSet runs; default 15 minutes. */
  waitTimeoutMs?: number;
}

export interface HubLaunchRoleResult {
  source: 'present' | 'stackset' | 'hub-stack' | 'dry-run' | 'declined';
  detail: string;
  stacks: StackReport[];
}

async function hubCoveredByStackSet(
  ctx: Pick<InstallContext, 'options' | 'management' | 'hubCaller'>,
): Promise<boolean> {
  // Without management credentials no StackSet runs from here: whatever its targets, it brings nothing.
  if (!ctx.management) return false;
  const targets = ctx.options.stacksetTargets;
  if (targets.some((t) => t === 'root' || t.startsWith('r-'))) return true;
  const above = await accountAncestors(await ctx.management.organizations(), ctx.hubCaller.accountId);
  return targets.some((t) => above.includes(t));
}

/** Polls GetRole until the role appears, the StackSet step settles without it, or the time runs out. */
async function waitForRole(
  ctx: Pick<InstallContext, 'hubCaller' | 'pollIntervalMs'>,
  run: Pick<InstallRun, 'io' | 'signal'> & { step?: string },
  deps: HubLaunchRoleDeps & { stackSet: StackSetInFlight },
): Promise<void> {
  let settled: boolean | undefined;
  void deps.stackSet.settled.then((ok) => {
    settled = ok;
  });
  const where = `hub account ${ctx.hubCaller.accountId}`;
  const missing = (why: string) =>
    new OperationError(
      `${LAUNCH_ROLE_NAME} is not in ${where}${why}; the portfolio's launch constraint needs it there.`,
      {
        hint: 'Check the StackSet instance for the hub account (install lists failed instances), fix it and run the same command again; or run install with --no-launch-role.',
      },
    );
  await poll(
    async () => {
      if (await deps.roleExists(LAUNCH_ROLE_NAME)) return { done: true, value: undefined };
      if (settled === false) throw missing(': the launch-roles step failed');
      if (settled === true) throw missing(' although the launch-role StackSet finished');
      return { done: false, state: 'launch-role StackSet running' };
    },
    {
      description: `${LAUNCH_ROLE_NAME} in ${where} (from the launch-role StackSet)`,
      intervalMs: ctx.pollIntervalMs ?? 5_000,
      timeoutMs: deps.waitTimeoutMs ?? 15 * 60_000,
      signal: run.signal,
      onProgress: waitProgressTo(run.io, MSG.LAUNCH_ROLE_WAIT, run.step),
      timeoutError: (last) => missing(` after ${formatElapsed(last.elapsedMs)}`),
    },
  );
}

export async function ensureHubLaunchRole(
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
  deps: HubLaunchRoleDeps,
): Promise<HubLaunchRoleResult> {
  const hubId = ctx.hubCaller.accountId;
  if (await deps.roleExists(LAUNCH_ROLE_NAME)) {
    return { source: 'present', detail: `${LAUNCH_ROLE_NAME} present in hub ${hubId}`, stacks: [] };
  }
  const covered = await hubCoveredByStackSet(ctx);
  if (deps.stackSet && covered) {
    if (ctx.dryRun) {
      return {
        source: 'dry-run',
        detail: `would wait for ${LAUNCH_ROLE_NAME} from the launch-role StackSet`,
        stacks: [],
      };
    }
    await waitForRole(ctx, run, { ...deps, stackSet: deps.stackSet });
    return {
      source: 'stackset',
      detail: `${LAUNCH_ROLE_NAME} arrived in hub ${hubId} from the StackSet`,
      stacks: [],
    };
  }
  if (covered) {
    throw new OperationError(
      `${LAUNCH_ROLE_NAME} is not in hub account ${hubId}, and the launch-role StackSet (--stackset-targets ${ctx.options.stacksetTargets.join(',')}) covers the hub but does not run in this invocation; the portfolio's launch constraint needs the role.`,
      {
        hint: `Run the launch-roles step first: ${hintCommand('install --steps launch-roles')} (with management credentials), then the portfolio step again.`,
      },
    );
  }
  // The StackSet will not bring the role: deploy the single-account launch-role stack in the hub.
  const stack = rendered(ctx.options, 'launch-role', renderContext(ctx));
  const { result, report } = await deploy(ctx, run, await ctx.hub.cloudformation(), stack, 'hub');
  if (result.outcome === 'declined' || result.outcome === 'dry-run') {
    return { source: result.outcome, detail: describeDeploy(result), stacks: [report] };
  }
  if (!ctx.management && result.outcome !== 'no-changes') {
    run.io.notify({
      level: 'warn',
      code: MSG.HUB_LAUNCH_ROLE_STACK.code,
      text: `Deployed ${LAUNCH_ROLE_NAME} in the hub with stack ${stack.stackName}. If a launch-role StackSet later targets this account, its instance here fails while this stack holds the role: delete ${stack.stackName} before that.`,
    });
  }
  return {
    source: 'hub-stack',
    detail: `${describeDeploy(result)} (${ctx.management ? 'the hub is outside --stackset-targets' : 'no management credentials for the StackSet'})`,
    stacks: [report],
  };
}
