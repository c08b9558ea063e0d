// The install as a graph of steps. Dependencies (each checked against what the later step needs):
// - launch-roles after org-setup: a service-managed StackSet needs StackSets trusted access.
// - portfolio after templates: the product's artifact is the uploaded template.
// - share after portfolio and org-setup: organization and OU shares need Service Catalog's Organizations
//   access and the hub as delegated administrator (CreatePortfolioShare, "OrganizationNode").
// - permission-set after portfolio: its policy names the product ID.
// The launch-role StackSet and the hub's work run at the same time; the portfolio waits only for the
// launch role to be in the hub (see hub-launch-role.ts), not for the whole StackSet operation.

import type { RoleLookup } from '../../aws/iam-roles.js';
import { roleLookup } from '../../aws/iam-roles.js';
import { DeclinedError } from '../../core/errors.js';
import type { IoHost } from '../../core/io.js';
import type { PlannedStep, StepId } from '../../core/plan.js';
import { type EngineResult, runStepGraph, type StepDefinition } from '../engine.js';
import type { InstallContext, InstallOutcome, InstallOutputs, StackReport } from './context.js';
import { launchRoles } from './launch-roles.js';
import { orgSetup } from './org-setup.js';
import { permissionSet } from './permission-set.js';
import { portfolio } from './portfolio.js';
import { share } from './share.js';
import { templates } from './templates.js';

export const INSTALL_DEPENDENCIES: Record<StepId, readonly StepId[]> = {
  'org-setup': [],
  'launch-roles': ['org-setup'],
  templates: [],
  portfolio: ['templates'],
  share: ['portfolio', 'org-setup'],
  'permission-set': ['portfolio'],
};

export type InstallStep = StepDefinition<StepId, InstallOutcome, InstallOutputs>;

export interface InstallStepOptions {
  /** iam:GetRole in the hub; default: the signed IAM call with the hub's credentials. */
  roleExists?: RoleLookup;
  launchRoleWaitMs?: number;
}

export function installSteps(
  plan: PlannedStep[],
  ctx: InstallContext,
  extra: InstallStepOptions = {},
): InstallStep[] {
  const planned = (id: StepId) => plan.find((p) => p.id === id)?.run === true;
  const roleExists = extra.roleExists ?? roleLookup(ctx.hub);
  const runners: Record<StepId, InstallStep['run']> = {
    'org-setup': (run) => orgSetup(ctx, run, regionOf('org-setup')),
    'launch-roles': (run) => launchRoles(ctx, run, regionOf('launch-roles')),
    templates: (run) => templates(ctx, run),
    portfolio: (run) =>
      portfolio(
        ctx,
        { ...run, templates: run.output('templates') },
        {
          roleExists,
          ...(planned('launch-roles') ? { stackSet: { settled: run.whenSettled('launch-roles') } } : {}),
          ...(extra.launchRoleWaitMs ? { waitTimeoutMs: extra.launchRoleWaitMs } : {}),
        },
      ),
    share: (run) => share(ctx, { ...run, portfolio: run.output('portfolio') }),
    'permission-set': (run) =>
      permissionSet(ctx, { ...run, portfolio: run.output('portfolio') }, regionOf('permission-set')),
  };
  function regionOf(id: StepId): string {
    return plan.find((p) => p.id === id)?.region ?? ctx.hub.region;
  }
  return plan.map((step) => ({
    plan: step,
    dependsOn: INSTALL_DEPENDENCIES[step.id],
    run: runners[step.id],
  }));
}

export interface InstallRunResult extends EngineResult<StepId, InstallOutcome, InstallOutputs> {
  stacks: StackReport[];
}

/** Runs the planned steps; a declined change set ends the run with DeclinedError after running steps finish. */
export async function runInstall(
  plan: PlannedStep[],
  ctx: InstallContext,
  run: {
    io: IoHost;
    signal: AbortSignal /** Appended to the resume message (e.g. where the answers are). */;
    resumeHint?: string;
  },
  extra: InstallStepOptions = {},
): Promise<InstallRunResult> {
  const result = await runStepGraph(installSteps(plan, ctx, extra), {
    io: run.io,
    signal: run.signal,
    resumeText: (done, notStarted) =>
      `Completed before the failure: ${done.length ? done.join(', ') : 'nothing'}${notStarted.length ? `; not started: ${notStarted.join(', ')}` : ''}. Fix the cause and run the same command again: finished steps report no changes.${run.resumeHint ?? ''}`,
  });
  if (result.declined) {
    const later = result.reports.filter((r) => r.outcome === 'not-started').map((r) => r.id);
    throw new DeclinedError(
      `Cancelled, nothing changed in step ${result.declined}${later.length ? `; not started: ${later.join(', ')}` : ''}.`,
    );
  }
  const stacks = plan.flatMap((p) => result.outputs[p.id]?.stacks ?? []);
  return { ...result, stacks };
}
