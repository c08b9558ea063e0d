// The plan phase of install: before the one "Apply this plan?", every planned step works out what it would
// change, without changing anything. Stacks get their change set created and held (prepared-stack.ts); the
// organization setup reads the three settings it would change; the portfolio names the product version
// change; the shares compare the wanted targets with the shares that exist. A step whose input comes from an
// earlier step that has not run yet (the template URL, the product ID) says what it will do instead.
import { productTemplateKey, s3ObjectUrl } from '../../aws/artifacts.js';
import { listPortfolioShares, listProvisioningArtifacts, type PortfolioShare } from '../../aws/catalog.js';
import { roleLookup } from '../../aws/iam-roles.js';
import { findIdentityCenterInstance } from '../../aws/identity-center.js';
import {
  findRoot,
  isDelegatedAdmin,
  SERVICE_CATALOG_PRINCIPAL,
  serviceCatalogOrgAccessStatus,
  stackSetsTrustedAccess,
} from '../../aws/organization.js';
import { deployedProductVersions } from '../../aws/product-versions.js';
import { stackOutputs } from '../../aws/stacks.js';
import type { IoHost } from '../../core/io.js';
import { type ResolvedShareTarget, shareTargetText } from '../../core/options.js';
import type { PlannedStep, StepId } from '../../core/plan.js';
import { planProductVersions } from '../../core/product-versions.js';
import { LAUNCH_ROLE_NAME } from '../../core/render/infrastructure.js';
import { renderProductTemplate } from '../../core/render/product.js';
import { stepIo } from '../engine.js';
import { type InstallContext, managementIn, renderContext, rendered } from './context.js';
import { deployedPortfolioIds } from './portfolio.js';
import { type PreparedStack, prepareStack, type StackPlan, settingsText } from './prepared-stack.js';
import { deployedBucketName } from './templates.js';

export interface StepChange {
  id: StepId;
  changes: boolean;
  lines: string[];
  stacks: StackPlan[];
}

export interface PreparedInstall {
  steps: StepChange[];
  hasChanges: boolean;
  /** Held change sets by stack name; the steps take them when they deploy (context.ts `deploy`). */
  stacks: Map<string, PreparedStack>;
  /** Shares that exist but are no longer wanted: removed by the share step after the confirmation. */
  sharesToRemove: PortfolioShare[];
  /** Discards every held change set not executed (No, Ctrl-C, a failure, a dry run). */
  discardRemaining(): Promise<void>;
}

type Run = { io: IoHost; signal: AbortSignal };
type Planned = { changes: boolean; lines: string[]; stacks?: PreparedStack[]; remove?: PortfolioShare[] };

export function stackLine(p: StackPlan): string {
  const where = `${p.stackName} (${p.account}, ${p.region})`;
  if (p.kind === 'none')
    return p.settings.length
      ? `${where}: no changes (stored settings ${settingsText(p.settings)} wait for a resource change: CloudFormation does not update template Metadata alone)`
      : `${where}: no changes`;
  if (p.kind === 'settings')
    return `${where}: stored settings only${p.settings.length ? `: ${settingsText(p.settings)}` : ' (no resource changes)'}`;
  const verb = p.exists ? 'changes' : 'creates';
  return `${where}: ${verb} ${p.changes.length} resource(s)${p.settings.length ? `; settings ${settingsText(p.settings)}` : ''}`;
}

async function held(
  ctx: InstallContext,
  run: Run,
  id: StepId,
  account: 'hub' | 'management',
  cfn: Parameters<typeof prepareStack>[2],
  stack: Parameters<typeof prepareStack>[3],
): Promise<Planned & { stacks: PreparedStack[] }> {
  const prepared = await prepareStack(ctx, { ...run, io: stepIo(run.io, id), step: id }, cfn, stack, account);
  return { changes: prepared.plan.kind !== 'none', lines: [stackLine(prepared.plan)], stacks: [prepared] };
}

/** The product template's URL if the bucket stack is deployed (the key is the content hash). */
async function productTemplate(ctx: InstallContext) {
  const sha256 = renderProductTemplate(ctx.options, { partition: ctx.hubCaller.partition }).sha256;
  const bucket = await deployedBucketName(await ctx.hub.cloudformation(), ctx.options);
  const key = productTemplateKey(sha256);
  const url = bucket ? s3ObjectUrl(bucket, key, ctx.hub.region, ctx.hubCaller.partition) : undefined;
  return { key, url };
}

async function planOrgSetup(ctx: InstallContext, region: string): Promise<Planned> {
  const mgmt = managementIn(ctx, 'org-setup', region);
  const hubId = ctx.hubCaller.accountId;
  const unknown = () => undefined;
  const [access, admin, trusted] = await Promise.all([
    serviceCatalogOrgAccessStatus(await mgmt.serviceCatalog()).catch(unknown),
    isDelegatedAdmin(await mgmt.organizations(), hubId, SERVICE_CATALOG_PRINCIPAL).catch(unknown),
    ctx.options.launchRole ? stackSetsTrustedAccess(await mgmt.cloudformation()).catch(unknown) : 'n/a',
  ]);
  const lines = [
    access === 'ENABLED'
      ? 'Service Catalog organization access: already enabled'
      : `enables Service Catalog organization access (now ${access ?? 'unknown'})`,
    admin === true
      ? `hub ${hubId} already Service Catalog delegated administrator`
      : `registers hub ${hubId} as Service Catalog delegated administrator`,
    ...(trusted === 'n/a'
      ? []
      : [
          trusted === 'ENABLED'
            ? 'StackSets trusted access: already active'
            : `activates StackSets trusted access (now ${trusted ?? 'unknown'})`,
        ]),
  ];
  const changes = access !== 'ENABLED' || admin !== true || (trusted !== 'n/a' && trusted !== 'ENABLED');
  return { changes, lines: changes ? lines : ['nothing to do: ' + lines.join('; ')] };
}

async function planTemplates(ctx: InstallContext, run: Run): Promise<Planned> {
  const cfn = await ctx.hub.cloudformation();
  const stack = await held(
    ctx,
    run,
    'templates',
    'hub',
    cfn,
    rendered(ctx.options, 'bucket', renderContext(ctx)),
  );
  const { key, url } = await productTemplate(ctx);
  const deployed = (await deployedProductVersions(cfn, ctx.options.stackNames.portfolio)) ?? [];
  const uploaded = url !== undefined && deployed.some((v) => v.templateUrl === url);
  return {
    changes: stack.changes || !uploaded,
    lines: [
      ...stack.lines,
      uploaded ? `product template ${key}: already uploaded` : `uploads product template ${key}`,
    ],
    stacks: stack.stacks,
  };
}

async function planLaunchRoles(ctx: InstallContext, run: Run, region: string): Promise<Planned> {
  const mgmt = managementIn(ctx, 'launch-roles', region);
  const rootId = ctx.options.stacksetTargets.includes('root')
    ? await findRoot(await mgmt.organizations())
    : undefined;
  const stack = rendered(ctx.options, 'launch-role-stackset', renderContext(ctx, { rootId }));
  return held(ctx, run, 'launch-roles', 'management', await mgmt.cloudformation(), stack);
}

async function planPortfolio(ctx: InstallContext, run: Run, stackSetRuns: boolean): Promise<Planned> {
  const planned = await planPortfolioStack(ctx, run);
  if (!ctx.options.launchRole || stackSetRuns) return planned;
  // Without the StackSet in this run the launch role must already be in the hub, or come from the
  // single-account launch-role stack (hub-launch-role.ts), deployed before the portfolio stack.
  const present = await roleLookup(ctx.hub)(LAUNCH_ROLE_NAME).catch(() => undefined);
  if (present) return { ...planned, lines: [...planned.lines, `${LAUNCH_ROLE_NAME} present in the hub`] };
  return {
    ...planned,
    changes: true,
    lines: [
      ...planned.lines,
      `first deploys the hub launch-role stack (${LAUNCH_ROLE_NAME} ${present === false ? 'is not in the hub' : 'could not be looked up'})`,
    ],
  };
}

async function planPortfolioStack(ctx: InstallContext, run: Run): Promise<Planned> {
  const cfn = await ctx.hub.cloudformation();
  const name = ctx.options.stackNames.portfolio;
  const { url } = await productTemplate(ctx);
  const deployed = (await deployedProductVersions(cfn, name)) ?? [];
  if (!url || deployed.length === 0) {
    return {
      changes: true,
      lines: [
        `creates the portfolio stack ${name} with product version ${ctx.options.productVersion ?? 'v1'}`,
      ],
    };
  }
  const productId = (await stackOutputs(cfn, name)).ProductId;
  const otherNames = productId
    ? (await listProvisioningArtifacts(await ctx.hub.serviceCatalog(), productId)).map((a) => a.name)
    : [];
  const versions = planProductVersions({
    deployed,
    templateUrl: url,
    ...(ctx.options.productVersion ? { explicitVersion: ctx.options.productVersion } : {}),
    otherNames,
  });
  const before = deployed.at(-1)?.name ?? '?';
  if (versions.publishes) {
    // The new version's template is uploaded by the templates step after the confirmation; the portfolio's
    // change set is made then, against the uploaded template.
    return {
      changes: true,
      lines: [
        `updates the portfolio stack ${name}: product version ${before} → ${versions.current.name} (new template)`,
      ],
    };
  }
  const stack = rendered(
    ctx.options,
    'portfolio',
    renderContext(ctx, {
      productTemplateUrl: versions.current.templateUrl,
      productVersion: versions.current.name,
      earlierProductVersions: versions.earlier,
    }),
  );
  const planned = await held(ctx, run, 'portfolio', 'hub', cfn, stack);
  return { ...planned, lines: [...planned.lines, `product version ${before} (unchanged)`] };
}

const shareKey = (type: string, id: string) => `${type}:${id}`;

function wantedKey(t: ResolvedShareTarget, organizationId: string | undefined): string {
  if (t.kind === 'organization') return shareKey('ORGANIZATION', organizationId ?? '');
  return shareKey(t.kind === 'ou' ? 'ORGANIZATIONAL_UNIT' : 'ACCOUNT', t.id);
}

async function planShare(ctx: InstallContext): Promise<Planned> {
  const { portfolioId } = await deployedPortfolioIds(ctx);
  const name = (t: ResolvedShareTarget) =>
    t.kind === 'organization' ? `the organization ${ctx.organization?.id ?? ''}`.trim() : shareTargetText(t);
  if (!portfolioId) {
    return {
      changes: true,
      lines: [`shares the new portfolio with ${ctx.options.share.map(name).join(', ')}`],
    };
  }
  const existing = await listPortfolioShares(await ctx.hub.serviceCatalog(), portfolioId);
  const have = new Set(existing.map((s) => shareKey(s.type, s.principalId)));
  const wanted = new Set(ctx.options.share.map((t) => wantedKey(t, ctx.organization?.id)));
  const add = ctx.options.share.filter((t) => !have.has(wantedKey(t, ctx.organization?.id)));
  const kept = ctx.options.share.filter((t) => have.has(wantedKey(t, ctx.organization?.id)));
  // ORGANIZATION_MEMBER_ACCOUNT entries are the accounts an organization/OU share reaches, not shares of their own.
  const remove = existing.filter(
    (s) => s.type !== 'ORGANIZATION_MEMBER_ACCOUNT' && !wanted.has(shareKey(s.type, s.principalId)),
  );
  const lines = [
    ...add.map((t) => `adds share with ${name(t)}`),
    ...(kept.length ? [`already shared with ${kept.map(name).join(', ')}`] : []),
    ...remove.map(
      (s) =>
        `removes share with ${s.type.toLowerCase().replaceAll('_', ' ')} ${s.principalId} (no longer wanted)`,
    ),
  ];
  return { changes: add.length + remove.length > 0, lines, remove };
}

async function planPermissionSet(ctx: InstallContext, run: Run, region: string): Promise<Planned> {
  const { productId } = await deployedPortfolioIds(ctx);
  const mgmt = managementIn(ctx, 'permission-set', region);
  const instance = productId ? await findIdentityCenterInstance(await mgmt.ssoAdmin()) : undefined;
  if (!productId || !instance) {
    return {
      changes: true,
      lines: [
        `creates the permission set ${ctx.options.permissionSetName} for the product the portfolio step creates`,
      ],
    };
  }
  const stack = rendered(
    ctx.options,
    'permission-set',
    renderContext(ctx, { idcInstanceArn: instance.instanceArn, productId }),
  );
  return held(ctx, run, 'permission-set', 'management', await mgmt.cloudformation(), stack);
}

/** Works out every planned step's change; nothing changes. On a failure every held change set is discarded. */
export async function prepareInstall(
  plan: PlannedStep[],
  ctx: InstallContext,
  run: Run,
): Promise<PreparedInstall> {
  const planners: Record<StepId, (step: PlannedStep) => Promise<Planned>> = {
    'org-setup': (s) => planOrgSetup(ctx, s.region),
    'launch-roles': (s) => planLaunchRoles(ctx, run, s.region),
    templates: () => planTemplates(ctx, run),
    portfolio: () =>
      planPortfolio(
        ctx,
        run,
        plan.some((p) => p.id === 'launch-roles' && p.run),
      ),
    share: () => planShare(ctx),
    'permission-set': (s) => planPermissionSet(ctx, run, s.region),
  };
  const running = plan.filter((p) => p.run);
  const settled = await Promise.allSettled(running.map((p) => planners[p.id](p)));
  const stacks = new Map<string, PreparedStack>();
  for (const s of settled) {
    if (s.status === 'fulfilled') for (const st of s.value.stacks ?? []) stacks.set(st.plan.stackName, st);
  }
  const discardRemaining = async () => {
    const left = [...stacks.values()];
    stacks.clear();
    await Promise.all(left.map((st) => st.discard()));
  };
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    await discardRemaining();
    throw failed.reason;
  }
  const steps = running.map((p, i): StepChange => {
    const v = (settled[i] as PromiseFulfilledResult<Planned>).value;
    return { id: p.id, changes: v.changes, lines: v.lines, stacks: (v.stacks ?? []).map((st) => st.plan) };
  });
  const remove = settled.flatMap((s) => (s.status === 'fulfilled' ? (s.value.remove ?? []) : []));
  return {
    steps,
    hasChanges: steps.some((s) => s.changes),
    stacks,
    sharesToRemove: remove,
    discardRemaining,
  };
}
