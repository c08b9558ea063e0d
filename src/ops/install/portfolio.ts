// The portfolio stack in the hub: portfolio, product (one provisioning artifact per template version),
// principal associations and, with the launch role, the launch constraint (which needs the role first).

import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { findPortfolioByName, listProvisioningArtifacts } from '../../aws/catalog.js';
import { deployedProductVersions, deprecateEarlierVersions } from '../../aws/product-versions.js';
import { describeStack, stackOutputs } from '../../aws/stacks.js';
import { hintCommand } from '../../cli/io/command-name.js';
import { OperationError } from '../../core/errors.js';
import { type ProductVersionPlan, planProductVersions } from '../../core/product-versions.js';
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
      hint: `Run the templates step first: ${hintCommand('install --steps templates,portfolio')}`,
    });
  }
  return (await publishProductTemplate(ctx, bucket)).url;
}

/**
 * The product's versions for this run: the deployed ones are kept (a template change adds one, an unchanged
 * template keeps the current one); see core/product-versions.ts for why no earlier version is dropped.
 */
async function planVersions(
  ctx: Ctx,
  run: Pick<InstallRun, 'io'>,
  cfn: CloudFormationClient,
  templateUrl: string,
): Promise<ProductVersionPlan> {
  const stackName = ctx.options.stackNames.portfolio;
  const deployed = (await deployedProductVersions(cfn, stackName)) ?? [];
  const productId = deployed.length > 0 ? (await stackOutputs(cfn, stackName)).ProductId : undefined;
  const otherNames = productId
    ? (await listProvisioningArtifacts(await ctx.hub.serviceCatalog(), productId)).map((a) => a.name)
    : [];
  const plan = planProductVersions({
    deployed,
    templateUrl,
    ...(ctx.options.productVersion ? { explicitVersion: ctx.options.productVersion } : {}),
    otherNames,
  });
  if (plan.ignoredVersion) {
    run.io.notify({
      level: 'warn',
      code: 'SN_PRODUCT_VERSION_IGNORED',
      text: `--product-version ${plan.ignoredVersion} not used: the product template did not change, so version ${plan.current.name} stays current (renaming it would replace the artifact).`,
    });
  }
  return plan;
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
  const versions = await planVersions(ctx, run, cfn, templateUrl);
  const productVersion = versions.current.name;
  const stack = rendered(
    ctx.options,
    'portfolio',
    renderContext(ctx, {
      productTemplateUrl: versions.current.templateUrl,
      productVersion,
      earlierProductVersions: versions.earlier,
    }),
  );
  const { result, report } = await deploy(ctx, run, cfn, stack, 'hub');
  const applied = result.outcome !== 'dry-run' && result.outcome !== 'declined';
  const ids = applied ? await portfolioIds(ctx, result.outputs) : {};
  if (applied && ids.productId && versions.earlier.length > 0) {
    // Earlier versions stay (subscribers on them keep working) but are no longer offered for new launches.
    const marked = await deprecateEarlierVersions(
      await ctx.hub.serviceCatalog(),
      ids.productId,
      productVersion,
    );
    if (marked.deprecated.length > 0 || marked.restored) {
      run.io.notify({
        level: 'info',
        code: 'SN_PRODUCT_VERSIONS_DEPRECATED',
        text: `Product ${ids.productId}: ${productVersion} is current${marked.deprecated.length ? `; marked deprecated: ${marked.deprecated.map((a) => a.name).join(', ')}` : ''}.`,
      });
    }
  }
  return {
    outcome: outcomeOf(result),
    detail: `${role ? `${role.detail}; ` : ''}${describeDeploy(result)}; product version ${productVersion}`,
    output: { stacks: [...(role?.stacks ?? []), report], productVersion, ...ids },
  };
}
