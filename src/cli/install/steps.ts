// Carries out the install plan, one idempotent step at a time, in the account and region each step needs.
// Every step reads what earlier runs left (stack outputs, shares, artifacts) so that a re-run after any
// interruption resumes where the last one stopped.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { templateSha256, uploadProductTemplate } from '../../aws/artifacts.js';
import {
  findPortfolioByName,
  listProvisioningArtifacts,
  nextProductVersion,
  type ShareResult,
  sharePortfolio,
} from '../../aws/catalog.js';
import type { AwsContext, CallerIdentity } from '../../aws/clients.js';
import { findIdentityCenterInstance } from '../../aws/identity-center.js';
import {
  activateStackSetsTrustedAccess,
  enableServiceCatalogOrgAccess,
  findRoot,
  type OrganizationInfo,
  registerDelegatedAdmin,
  SERVICE_CATALOG_PRINCIPAL,
} from '../../aws/organization.js';
import {
  type DeployResult,
  deployStack,
  describeStack,
  type ResourceChange,
  stackOutputs,
} from '../../aws/stacks.js';
import { OperationError } from '../../core/errors.js';
import type { IoHost } from '../../core/io.js';
import { MSG, REQ } from '../../core/messages.js';
import { type SecnotifyOptions, shareTargetText } from '../../core/options.js';
import type { PlannedStep, StepId } from '../../core/plan.js';
import { partitionOfRegion } from '../../core/principals.js';
import {
  PORTFOLIO_DISPLAY_NAME,
  type RenderContext,
  type RenderedStack,
  renderInfrastructure,
} from '../../core/render/infrastructure.js';
import { renderProductTemplate } from '../../core/render/product.js';
import { withSettings } from '../../core/render/settings.js';
import { formatChangeTable } from '../io/stack-progress.js';
import { waitProgressTo } from '../io/wait-progress.js';

export interface StepOutcome {
  id: StepId;
  account: 'hub' | 'management';
  region: string;
  outcome: 'done' | 'no-changes' | 'skipped' | 'dry-run' | 'declined';
  detail: string;
}

export interface StackReport {
  stackName: string;
  account: 'hub' | 'management';
  region: string;
  outcome: DeployResult['outcome'];
  status?: string;
  outputs: Record<string, string>;
}

export interface InstallState {
  options: SecnotifyOptions;
  hub: AwsContext;
  hubCaller: CallerIdentity;
  management?: AwsContext;
  managementCaller?: CallerIdentity;
  organization?: OrganizationInfo;
  idcHomeRegion?: string;
  io: IoHost;
  signal: AbortSignal;
  dryRun: boolean;
  color: boolean;
  pollIntervalMs?: number;
  // Filled in as steps run (or looked up from what earlier runs deployed).
  bucketName?: string;
  productTemplateUrl?: string;
  productSha256?: string;
  productVersion?: string;
  portfolioId?: string;
  productId?: string;
  shares: ShareResult[];
  stacks: StackReport[];
}

function renderContext(s: InstallState, extra: Partial<RenderContext> = {}): RenderContext {
  return {
    hubRegion: s.hub.region,
    hubAccountId: s.hubCaller.accountId,
    organizationId: s.organization?.id,
    isManagementAccount: s.managementCaller
      ? s.managementCaller.accountId === s.organization?.managementAccountId
      : undefined,
    idcHomeRegion: s.idcHomeRegion,
    productId: s.productId,
    productTemplateUrl: s.productTemplateUrl,
    productVersion: s.productVersion,
    ...extra,
  };
}

function rendered(s: InstallState, id: RenderedStack['id'], ctx: RenderContext): RenderedStack {
  const stack = renderInfrastructure(s.options, ctx).find((r) => r.id === id);
  if (!stack) throw new Error(`the options render no ${id} stack`);
  if (stack.placeholders.length > 0) {
    throw new OperationError(
      `Cannot deploy ${stack.stackName}: ${stack.placeholders.join(', ')} could not be looked up.`,
    );
  }
  return withSettings(stack, s.options);
}

async function deploy(
  s: InstallState,
  cfn: CloudFormationClient,
  stack: RenderedStack,
  account: 'hub' | 'management',
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
      signal: s.signal,
      dryRun: s.dryRun,
      pollIntervalMs: s.pollIntervalMs,
      io: s.io,
      confirm: async (changes: ResourceChange[]) => {
        s.io.notify({
          level: 'info',
          code: MSG.CHANGE_SET.code,
          text: `Changes to ${stack.stackName} (${account} account, ${stack.region}):\n${formatChangeTable(changes, { color: s.color })}`,
        });
        return s.io.requestResponse({
          kind: 'confirm',
          code: REQ.CONFIRM_CHANGE_SET.code,
          message: `Deploy these changes to ${stack.stackName}?`,
          defaultResponse: true,
          flag: '--yes',
        });
      },
    },
  );
  if (result.outcome === 'dry-run') {
    s.io.notify({
      level: 'info',
      code: MSG.CHANGE_SET.code,
      text: `Would change ${stack.stackName} (${account} account, ${stack.region}):\n${formatChangeTable(result.changes, { color: s.color })}`,
    });
  }
  s.stacks.push({
    stackName: stack.stackName,
    account,
    region: stack.region,
    outcome: result.outcome,
    status: result.status,
    outputs: result.outputs,
  });
  return result;
}

const outcomeOf = (r: DeployResult): StepOutcome['outcome'] =>
  r.outcome === 'no-changes'
    ? 'no-changes'
    : r.outcome === 'dry-run'
      ? 'dry-run'
      : r.outcome === 'declined'
        ? 'declined'
        : 'done';

const describeDeploy = (r: DeployResult) =>
  r.outcome === 'no-changes' ? `${r.stackName}: no changes` : `${r.stackName}: ${r.outcome}`;

function managementContext(s: InstallState, step: PlannedStep): AwsContext {
  if (!s.management) throw new Error(`step ${step.id} needs management credentials`);
  return step.region === s.management.region ? s.management : s.management.inRegion(step.region);
}

async function orgSetup(s: InstallState, step: PlannedStep): Promise<StepOutcome> {
  const mgmt = managementContext(s, step);
  const done: string[] = [];
  if (s.dryRun) {
    return {
      ...base(step),
      outcome: 'dry-run',
      detail:
        'would enable Service Catalog organization access, register the hub as delegated administrator and (with the launch role) activate StackSets trusted access',
    };
  }
  const access = await enableServiceCatalogOrgAccess(await mgmt.serviceCatalog(), {
    signal: s.signal,
    ...(s.pollIntervalMs ? { pollIntervalMs: s.pollIntervalMs } : {}),
    onProgress: waitProgressTo(s.io, MSG.ORG_ACCESS_STATUS, step.id),
  });
  done.push(
    access === 'already'
      ? 'Service Catalog organization access already enabled'
      : 'enabled Service Catalog organization access',
  );
  const admin = await registerDelegatedAdmin(
    await mgmt.organizations(),
    s.hubCaller.accountId,
    SERVICE_CATALOG_PRINCIPAL,
  );
  done.push(
    admin === 'already'
      ? `account ${s.hubCaller.accountId} already a Service Catalog delegated administrator`
      : `registered account ${s.hubCaller.accountId} as Service Catalog delegated administrator`,
  );
  if (s.options.launchRole) {
    const trusted = await activateStackSetsTrustedAccess(await mgmt.cloudformation());
    done.push(
      trusted === 'already'
        ? 'StackSets trusted access already active'
        : 'activated StackSets trusted access',
    );
  }
  const changed = access !== 'already' || admin !== 'already' || done.some((d) => d.startsWith('activated'));
  return { ...base(step), outcome: changed ? 'done' : 'no-changes', detail: done.join('; ') };
}

async function launchRoles(s: InstallState, step: PlannedStep): Promise<StepOutcome> {
  const mgmt = managementContext(s, step);
  const rootId = s.options.stacksetTargets.includes('root')
    ? await findRoot(await mgmt.organizations())
    : undefined;
  const stack = rendered(s, 'launch-role-stackset', renderContext(s, { rootId }));
  const result = await deploy(s, await mgmt.cloudformation(), stack, 'management');
  return { ...base(step), outcome: outcomeOf(result), detail: describeDeploy(result) };
}

async function bucketName(s: InstallState, cfn: CloudFormationClient): Promise<string | undefined> {
  const info = await describeStack(cfn, s.options.stackNames.bucket);
  if (!info) return undefined;
  const outputs = await stackOutputs(cfn, s.options.stackNames.bucket);
  return outputs.BucketName;
}

async function templates(s: InstallState, step: PlannedStep): Promise<StepOutcome> {
  const cfn = await s.hub.cloudformation();
  const stack = rendered(s, 'bucket', renderContext(s));
  const result = await deploy(s, cfn, stack, 'hub');
  const product = renderProductTemplate(s.options, { partition: partitionOfRegion(s.hub.region) });
  s.productSha256 = product.sha256;
  if (result.outcome === 'dry-run' || result.outcome === 'declined') {
    return {
      ...base(step),
      outcome: outcomeOf(result),
      detail: `${describeDeploy(result)}; product template sha256 ${product.sha256.slice(0, 16)} not uploaded`,
    };
  }
  s.bucketName = result.outputs.BucketName ?? (await bucketName(s, cfn));
  if (!s.bucketName) throw new OperationError(`Stack ${stack.stackName} has no BucketName output.`);
  const upload = await uploadProductTemplate(
    await s.hub.s3(),
    s.bucketName,
    product.body,
    templateSha256(product.body),
    {
      region: s.hub.region,
      partition: s.hubCaller.partition,
    },
  );
  s.productTemplateUrl = upload.url;
  const uploaded = upload.uploaded ? `uploaded ${upload.key}` : `${upload.key} already uploaded`;
  const outcome = result.outcome === 'no-changes' && !upload.uploaded ? 'no-changes' : 'done';
  return { ...base(step), outcome, detail: `${describeDeploy(result)}; ${uploaded}` };
}

/** Product template URL and version when the templates step did not run in this invocation. */
async function productTemplateFromDeployment(s: InstallState): Promise<void> {
  if (s.productTemplateUrl) return;
  const cfn = await s.hub.cloudformation();
  s.bucketName ??= await bucketName(s, cfn);
  if (!s.bucketName) {
    throw new OperationError(`The bucket stack ${s.options.stackNames.bucket} is not deployed.`, {
      hint: 'Run the templates step first: secnotify install --steps templates,portfolio',
    });
  }
  const product = renderProductTemplate(s.options, { partition: partitionOfRegion(s.hub.region) });
  s.productSha256 = product.sha256;
  const upload = await uploadProductTemplate(await s.hub.s3(), s.bucketName, product.body, product.sha256, {
    region: s.hub.region,
    partition: s.hubCaller.partition,
  });
  s.productTemplateUrl = upload.url;
}

/** The product version to publish: unchanged template keeps its version, a changed one gets the next. */
async function decideVersion(s: InstallState): Promise<string> {
  const cfn = await s.hub.cloudformation();
  const deployed = await describeStack(cfn, s.options.stackNames.portfolio);
  if (s.options.productVersion) return s.options.productVersion;
  if (!deployed) return 'v1';
  if (deployed.parameters.ProductTemplateUrl === s.productTemplateUrl && deployed.parameters.ProductVersion) {
    return deployed.parameters.ProductVersion;
  }
  const names = [deployed.parameters.ProductVersion].filter((n): n is string => Boolean(n));
  const outputs = await stackOutputs(cfn, s.options.stackNames.portfolio);
  if (outputs.ProductId) {
    const artifacts = await listProvisioningArtifacts(await s.hub.serviceCatalog(), outputs.ProductId);
    names.push(...artifacts.map((a) => a.name));
  }
  return nextProductVersion(names);
}

async function portfolioIds(s: InstallState, outputs: Record<string, string>): Promise<void> {
  s.portfolioId = outputs.PortfolioId ?? s.portfolioId;
  s.productId = outputs.ProductId ?? s.productId;
  if (!s.portfolioId) {
    // CloudFormation always reports the outputs; the fallback covers emulators that do not.
    const found = await findPortfolioByName(await s.hub.serviceCatalog(), PORTFOLIO_DISPLAY_NAME);
    s.portfolioId = found?.id;
  }
}

async function portfolio(s: InstallState, step: PlannedStep): Promise<StepOutcome> {
  if (s.dryRun && !s.productTemplateUrl) {
    return {
      ...base(step),
      outcome: 'dry-run',
      detail: 'depends on the template upload, which a dry run does not make',
    };
  }
  await productTemplateFromDeployment(s);
  s.productVersion = await decideVersion(s);
  const stack = rendered(s, 'portfolio', renderContext(s));
  const result = await deploy(s, await s.hub.cloudformation(), stack, 'hub');
  if (result.outcome !== 'dry-run' && result.outcome !== 'declined') await portfolioIds(s, result.outputs);
  return {
    ...base(step),
    outcome: outcomeOf(result),
    detail: `${describeDeploy(result)}; product version ${s.productVersion}`,
  };
}

async function portfolioFromDeployment(s: InstallState): Promise<void> {
  if (s.portfolioId && s.productId) return;
  const cfn = await s.hub.cloudformation();
  const info = await describeStack(cfn, s.options.stackNames.portfolio);
  const outputs = info ? await stackOutputs(cfn, s.options.stackNames.portfolio) : {};
  await portfolioIds(s, outputs);
}

async function share(s: InstallState, step: PlannedStep): Promise<StepOutcome> {
  await portfolioFromDeployment(s);
  if (!s.portfolioId) {
    throw new OperationError('No portfolio to share: the portfolio stack is not deployed.', {
      hint: 'Run the portfolio step first: secnotify install --steps portfolio,share',
    });
  }
  if (s.dryRun) {
    return {
      ...base(step),
      outcome: 'dry-run',
      detail: `would share portfolio ${s.portfolioId} with ${s.options.share.map((t) => (t.kind === 'organization' ? 'the organization' : shareTargetText(t))).join(', ')}`,
    };
  }
  const sc = await s.hub.serviceCatalog();
  const lines: string[] = [];
  let failed = 0;
  for (const target of s.options.share) {
    if (target.kind === 'ou-path') throw new Error(`OU ${target.path} was not looked up before sharing`);
    const result = await sharePortfolio(sc, s.portfolioId, target, {
      organizationId: s.organization?.id,
      signal: s.signal,
      ...(s.pollIntervalMs ? { pollIntervalMs: s.pollIntervalMs } : {}),
      onStatus: (status) =>
        s.io.notify({
          level: 'debug',
          code: MSG.SHARE_STATUS.code,
          text: `share ${shareTargetText(target)}: ${status}`,
        }),
    });
    s.shares.push(result);
    const name =
      target.kind === 'organization'
        ? `organization ${s.organization?.id ?? ''}`.trim()
        : `${target.kind === 'ou' ? 'OU' : 'account'} ${target.id}`;
    lines.push(`${name}: ${result.outcome}`);
    for (const e of result.errors) {
      failed += 1;
      s.io.notify({
        level: 'error',
        code: MSG.SHARE_ERROR.code,
        text: `Share with ${name}: ${e.message}${e.accounts.length ? ` (accounts ${e.accounts.join(', ')})` : ''}`,
      });
    }
  }
  if (failed > 0) {
    throw new OperationError(`Sharing the portfolio reported ${failed} error(s): ${lines.join('; ')}.`, {
      hint: 'Fix the cause named above, then run the same command again; shares that succeeded are kept.',
    });
  }
  const changed = s.shares.some((r) => r.outcome === 'created' || r.outcome === 'updated');
  return { ...base(step), outcome: changed ? 'done' : 'no-changes', detail: lines.join('; ') };
}

async function permissionSet(s: InstallState, step: PlannedStep): Promise<StepOutcome> {
  const mgmt = managementContext(s, step);
  await portfolioFromDeployment(s);
  if (!s.productId) {
    if (s.dryRun)
      return {
        ...base(step),
        outcome: 'dry-run',
        detail: 'depends on the product ID, which the portfolio stack creates',
      };
    throw new OperationError('The product ID is unknown: the portfolio stack is not deployed.', {
      hint: 'Run the portfolio step first: secnotify install --steps portfolio,permission-set',
    });
  }
  const instance = await findIdentityCenterInstance(await mgmt.ssoAdmin());
  if (!instance) {
    throw new OperationError(
      `No IAM Identity Center instance found in ${step.region} with the management credentials.`,
      {
        hint: 'Pass --idc-region with the Identity Center home region, or use --principal-type iam-role.',
      },
    );
  }
  const stack = rendered(s, 'permission-set', renderContext(s, { idcInstanceArn: instance.instanceArn }));
  const result = await deploy(s, await mgmt.cloudformation(), stack, 'management');
  return { ...base(step), outcome: outcomeOf(result), detail: describeDeploy(result) };
}

const base = (step: PlannedStep) => ({ id: step.id, account: step.account, region: step.region });

export const STEP_RUNNERS: Record<StepId, (s: InstallState, step: PlannedStep) => Promise<StepOutcome>> = {
  'org-setup': orgSetup,
  'launch-roles': launchRoles,
  templates,
  portfolio,
  share,
  'permission-set': permissionSet,
};
