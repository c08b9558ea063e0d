// The portfolio stack in the hub: portfolio, product (one provisioning artifact per template version),
// principal associations and, with the launch role, the launch constraint (which needs the role first).
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { findPortfolioByName, listProvisioningArtifacts, nextProductVersion } from '../../aws/catalog.js';
import { describeStack, stackOutputs } from '../../aws/stacks.js';
import { OperationError } from '../../core/errors.js';
import {
  deploy,
  describeDeploy,
  type InstallContext,
  type InstallDone,
  type InstallRun,
  outcomeOf,
  PORTFOLIO_DISPLAY_NAME,
  renderContext,
  rendered,
  type TemplatesOutput,
} from './context.js';
import { ensureHubLaunchRole, type HubLaunchRoleDeps } from './hub-launch-role.js';
import { deployedBucketName, publishProductTemplate } from './templates.js';

type Ctx = Pick<
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
>;

/** The product template URL: from the templates step, or published now when that step did not run. */
async function productTemplate(
  ctx: Ctx,
  templates: TemplatesOutput | undefined,
): Promise<string | undefined> {
  if (templates) return templates.productTemplateUrl;
  const bucket = await deployedBucketName(await ctx.hub.cloudformation(), ctx.options);
  if (!bucket) {
    throw new OperationError(`The bucket stack ${ctx.options.stackNames.bucket} is not deployed.`, {
      hint: 'Run the templates step first: secnotify install --steps templates,portfolio',
    });
  }
  return (await publishProductTemplate(ctx, bucket)).url;
}

/** The product version to publish: an unchanged template keeps its version, a changed one gets the next. */
async function decideVersion(ctx: Ctx, cfn: CloudFormationClient, templateUrl: string): Promise<string> {
  if (ctx.options.productVersion) return ctx.options.productVersion;
  const deployed = await describeStack(cfn, ctx.options.stackNames.portfolio);
  if (!deployed) return 'v1';
  if (deployed.parameters.ProductTemplateUrl === templateUrl && deployed.parameters.ProductVersion) {
    return deployed.parameters.ProductVersion;
  }
  const names = [deployed.parameters.ProductVersion].filter((n): n is string => Boolean(n));
  const outputs = await stackOutputs(cfn, ctx.options.stackNames.portfolio);
  if (outputs.ProductId) {
    const artifacts = await listProvisioningArtifacts(await ctx.hub.serviceCatalog(), outputs.ProductId);
    names.push(...artifacts.map((a) => a.name));
  }
  return nextProductVersion(names);
}

/** Portfolio and product IDs from stack outputs (emulators that omit outputs: the portfolio by name). */
export async function portfolioIds(
  ctx: Pick<InstallContext, 'hub'>,
  outputs: Record<string, string>,
): Promise<{ portfolioId?: string; productId?: string }> {
  const portfolioId =
    outputs.PortfolioId ??
    (await findPortfolioByName(await ctx.hub.serviceCatalog(), PORTFOLIO_DISPLAY_NAME))?.id;
  return {
    ...(portfolioId ? { portfolioId } : {}),
    ...(outputs.ProductId ? { productId: outputs.ProductId } : {}),
  };
}

/** Portfolio and product IDs of the deployed portfolio stack (when the portfolio step did not run). */
export async function deployedPortfolioIds(
  ctx: Pick<InstallContext, 'hub' | 'options'>,
): Promise<{ portfolioId?: string; productId?: string }> {
  const cfn = await ctx.hub.cloudformation();
  const info = await describeStack(cfn, ctx.options.stackNames.portfolio);
  return portfolioIds(ctx, info ? await stackOutputs(cfn, ctx.options.stackNames.portfolio) : {});
}

export async function portfolio(
  ctx: Ctx,
  run: Pick<InstallRun, 'io' | 'signal'> & { templates?: TemplatesOutput },
  launchRole: HubLaunchRoleDeps,
): Promise<InstallDone<'portfolio'>> {
  if (ctx.dryRun && !run.templates?.productTemplateUrl) {
    return {
      outcome: 'dry-run',
      detail: 'depends on the template upload, which a dry run does not make',
      output: { stacks: [] },
    };
  }
  const templateUrl = await productTemplate(ctx, run.templates);
  if (!templateUrl) throw new OperationError('The product template was not uploaded.');
  const role = ctx.options.launchRole ? await ensureHubLaunchRole(ctx, run, launchRole) : undefined;
  if (role?.source === 'declined') {
    return { outcome: 'declined', detail: role.detail, output: { stacks: role.stacks } };
  }
  const cfn = await ctx.hub.cloudformation();
  const productVersion = await decideVersion(ctx, cfn, templateUrl);
  const stack = rendered(
    ctx.options,
    'portfolio',
    renderContext(ctx, { productTemplateUrl: templateUrl, productVersion }),
  );
  const { result, report } = await deploy(ctx, run, cfn, stack, 'hub');
  const ids =
    result.outcome !== 'dry-run' && result.outcome !== 'declined'
      ? await portfolioIds(ctx, result.outputs)
      : {};
  return {
    outcome: outcomeOf(result),
    detail: `${role ? `${role.detail}; ` : ''}${describeDeploy(result)}; product version ${productVersion}`,
    output: { stacks: [...(role?.stacks ?? []), report], productVersion, ...ids },
  };
}
