// What the install steps share: read-only facts gathered before the run (options, accounts, callers,
// organization), the presentation the command supplies (change tables, stack progress), and the stack
// deploy with its change-set confirmation. Steps take the slice of this they use and return their outputs.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { PortfolioShare, ShareResult } from '../../aws/catalog.js';
import type { AwsContext, CallerIdentity } from '../../aws/clients.js';
import type { OrganizationInfo } from '../../aws/organization.js';
import { type DeployResult, deployStack, type ResourceChange } from '../../aws/stacks.js';
import type { RecipientInstructions } from '../../core/account-shares.js';
import { OperationError } from '../../core/errors.js';
import type { AccountWithoutLaunchRole } from '../../core/launch-coverage.js';
import { MSG, REQ } from '../../core/messages.js';
import type { ResolvedShareTarget, SecnotifyOptions } from '../../core/options.js';
import type { StepId } from '../../core/plan.js';
import {
  type RenderContext,
  type RenderedStack,
  renderInfrastructure,
} from '../../core/render/infrastructure.js';
import { withSettings } from '../../core/render/settings.js';
import type { RolloutSummary } from '../../core/stack-instances.js';
import type { AccountRole, StepDone, StepRun } from '../engine.js';
import type { PreparedStack } from './prepared-stack.js';

export { PORTFOLIO_DISPLAY_NAME } from '../../core/render/infrastructure.js';

/** Options after the OU names were looked up: every share target is an ID, by type. */
export interface ResolvedOptions extends Omit<SecnotifyOptions, 'share'> {
  share: ResolvedShareTarget[];
}

/** How the command shows a change set (the host prints stack activity itself); the steps never print. */
export interface InstallView {
  changeTable(changes: ResourceChange[]): string;
}

export interface InstallContext {
  options: ResolvedOptions;
  hub: AwsContext;
  hubCaller: CallerIdentity;
  management?: AwsContext;
  managementCaller?: CallerIdentity;
  organization?: OrganizationInfo;
  idcHomeRegion?: string;
  dryRun: boolean;
  pollIntervalMs?: number;
  view: InstallView;
  /** Change sets created for the plan and held until it was confirmed, by stack name (taken once). */
  prepared?: Map<string, PreparedStack>;
  /** Shares that exist but are no longer wanted (worked out in the plan), removed by the share step. */
  sharesToRemove?: PortfolioShare[];
  /** The plan was confirmed: change sets created now (steps that needed an earlier step) run unasked. */
  approved?: boolean;
}

export interface StackReport {
  stackName: string;
  account: AccountRole;
  region: string;
  outcome: DeployResult['outcome'];
  status?: string;
  outputs: Record<string, string>;
}

export type InstallOutcome = 'done' | 'no-changes' | 'dry-run';

/** Every step reports the stacks it deployed. */
export interface StacksOutput {
  stacks: StackReport[];
}

export interface TemplatesOutput extends StacksOutput {
  bucketName?: string;
  productTemplateUrl?: string;
  productSha256: string;
}

export interface PortfolioOutput extends StacksOutput {
  portfolioId?: string;
  productId?: string;
  productVersion?: string;
}

export interface ShareOutput extends StacksOutput {
  shares: ShareResult[];
  /** What each account-share recipient must run (account shares carry no principals). */
  recipients: RecipientInstructions[];
  /** Accounts the shares reach that have no launch role. */
  withoutLaunchRole: AccountWithoutLaunchRole[];
}

export interface LaunchRolesOutput extends StacksOutput {
  /** The StackSet's stack instances that did not get the role (absent when the StackSet is not found). */
  rollout?: RolloutSummary;
}

export interface InstallOutputs extends Record<StepId, StacksOutput> {
  'org-setup': StacksOutput;
  'launch-roles': LaunchRolesOutput;
  templates: TemplatesOutput;
  portfolio: PortfolioOutput;
  share: ShareOutput;
  'permission-set': StacksOutput;
}

export type InstallRun = StepRun<StepId, InstallOutputs>;
export type InstallDone<K extends StepId> = StepDone<InstallOutcome, InstallOutputs[K]>;

export function renderContext(
  ctx: Pick<InstallContext, 'hub' | 'hubCaller' | 'organization' | 'managementCaller' | 'idcHomeRegion'>,
  extra: Partial<RenderContext> = {},
): RenderContext {
  return {
    hubRegion: ctx.hub.region,
    hubAccountId: ctx.hubCaller.accountId,
    organizationId: ctx.organization?.id,
    isManagementAccount: ctx.managementCaller
      ? ctx.managementCaller.accountId === ctx.organization?.managementAccountId
      : undefined,
    idcHomeRegion: ctx.idcHomeRegion,
    ...extra,
  };
}

export function rendered(
  options: SecnotifyOptions,
  id: RenderedStack['id'],
  render: RenderContext,
): RenderedStack {
  const stack = renderInfrastructure(options, render).find((r) => r.id === id);
  if (!stack) throw new Error(`the options render no ${id} stack`);
  if (stack.placeholders.length > 0) {
    throw new OperationError(
      `Cannot deploy ${stack.stackName}: ${stack.placeholders.join(', ')} could not be looked up.`,
    );
  }
  return withSettings(stack, options);
}

/**
 * Deploys one rendered stack: the change set held since the plan, when there is one; else a new change set,
 * shown and run unasked once the plan was confirmed (or confirmed on its own when no plan was asked).
 */
export async function deploy(
  ctx: Pick<InstallContext, 'dryRun' | 'pollIntervalMs' | 'view' | 'prepared' | 'approved'>,
  run: Pick<InstallRun, 'io' | 'signal'> & Partial<Pick<InstallRun, 'exclusive' | 'step'>>,
  cfn: CloudFormationClient,
  stack: RenderedStack,
  account: AccountRole,
): Promise<{ result: DeployResult; report: StackReport }> {
  const held = ctx.prepared?.get(stack.stackName);
  if (held) ctx.prepared?.delete(stack.stackName);
  const result = held ? await held.execute() : await deployNew(ctx, run, cfn, stack, account);
  const report: StackReport = {
    stackName: stack.stackName,
    account,
    region: stack.region,
    outcome: result.outcome,
    status: result.status,
    outputs: result.outputs,
  };
  return { result, report };
}

async function deployNew(
  ctx: Pick<InstallContext, 'dryRun' | 'pollIntervalMs' | 'view' | 'approved'>,
  run: Pick<InstallRun, 'io' | 'signal'> & Partial<Pick<InstallRun, 'exclusive' | 'step'>>,
  cfn: CloudFormationClient,
  stack: RenderedStack,
  account: AccountRole,
): Promise<DeployResult> {
  const result = await deployStack(
    cfn,
    {
      stackName: stack.stackName,
      templateBody: stack.body,
      parameters: stack.parameters,
      capabilities: stack.capabilities,
      tags: { 'secnotify:stack': stack.id },
    },
    {
      io: run.io,
      ...(run.step ? { step: run.step } : {}),
      signal: run.signal,
      dryRun: ctx.dryRun,
      ...(ctx.pollIntervalMs ? { pollIntervalMs: ctx.pollIntervalMs } : {}),
      confirm: (changes: ResourceChange[]) =>
        (run.exclusive ?? ((fn) => fn()))(async () => {
          run.io.notify(
            MSG.CHANGE_SET.msg(
              `Changes to ${stack.stackName} (${account} account, ${stack.region}):\n${ctx.view.changeTable(changes)}`,
            ),
          );
          if (ctx.approved) return true;
          return run.io.requestResponse({
            kind: 'confirm',
            code: REQ.CONFIRM_CHANGE_SET.code,
            message: `Deploy these changes to ${stack.stackName}?`,
            defaultResponse: true,
            flag: '--yes',
          });
        }),
    },
  );
  if (result.outcome === 'dry-run') {
    run.io.notify(
      MSG.CHANGE_SET.msg(
        `Would change ${stack.stackName} (${account} account, ${stack.region}):\n${ctx.view.changeTable(result.changes)}`,
      ),
    );
  }
  return result;
}

export const outcomeOf = (r: DeployResult): InstallOutcome | 'declined' =>
  r.outcome === 'no-changes' || r.outcome === 'dry-run' || r.outcome === 'declined' ? r.outcome : 'done';

export const describeDeploy = (r: DeployResult) =>
  r.outcome === 'no-changes' ? `${r.stackName}: no changes` : `${r.stackName}: ${r.outcome}`;

/** The management account in the region a step runs in. */
export function managementIn(
  ctx: Pick<InstallContext, 'management'>,
  step: StepId,
  region: string,
): AwsContext {
  if (!ctx.management) throw new Error(`step ${step} needs management credentials`);
  return region === ctx.management.region ? ctx.management : ctx.management.inRegion(region);
}
