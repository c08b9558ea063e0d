// Renders the infrastructure stacks (everything but the product template) from the shipped YAML sources:
// parsed into objects, edited according to the options, dumped back to YAML. No text substitution, so a
// value can never break the YAML or leak into the wrong place.
import { type CfnTemplate, dumpCfnYaml, parseCfnYaml } from '../cfn-yaml.js';
import type { SecnotifyOptions } from '../options.js';
import { patterns } from '../patterns.js';
import { principalArnPattern } from '../principals.js';
import type { ArtifactEntry } from '../product-versions.js';
import { findPlaceholders, lookupPlaceholder } from './placeholders.js';
import { readTemplate } from './templates-dir.js';

export type StackId = 'bucket' | 'launch-role' | 'launch-role-stackset' | 'portfolio' | 'permission-set';

export interface RenderedStack {
  id: StackId;
  /** File name for `render --out DIR`, e.g. `portfolio.yaml`. */
  fileName: string;
  stackName: string;
  /** Whose credentials deploy it: the hub account, or the management account (or its delegated admin). */
  account: 'hub' | 'management';
  region: string;
  /** The template as YAML (long-form intrinsics), ready for TemplateBody. */
  body: string;
  template: CfnTemplate;
  /** Stack parameter values; unknown look-ups are `<lookup:…>` placeholders (see `placeholders`). */
  parameters: Record<string, string>;
  /** The placeholders left in `parameters`; deploy only when empty. */
  placeholders: string[];
  capabilities: string[];
}

export interface RenderContext {
  hubRegion: string;
  hubAccountId?: string;
  organizationId?: string;
  rootId?: string;
  /** Whether the StackSet stack's account is the management account (else a CloudFormation delegated admin). */
  isManagementAccount?: boolean;
  idcInstanceArn?: string;
  /** Identity Center home Region; falls back to options.idcRegion, then to the hub Region. */
  idcHomeRegion?: string;
  productId?: string;
  productTemplateUrl?: string;
  /** The version to publish when options.productVersion is automatic (decided from the deployed artifacts). */
  productVersion?: string;
  /**
   * The product's earlier versions (planProductVersions().earlier): rendered unchanged before the current
   * one, so that CloudFormation keeps them. Leaving one out would make CloudFormation delete it. When given,
   * productVersion is the plan's current name and takes precedence over options.productVersion.
   */
  earlierProductVersions?: ArtifactEntry[];
}

export const LAUNCH_ROLE_NAME = 'SecurityHubNotificationsServiceCatalogLaunchRole';
export const PERMISSIONS_BOUNDARY_NAME = 'SecurityHubNotificationsServiceCatalogPermissionBoundary';
export const LAUNCH_ROLE_STACKSET_NAME = 'Security-Hub-Notifications-Product-IAM-Roles';
/** The portfolio's DisplayName in templates/portfolio.yaml: how it is found when the stack output is missing. */
export const PORTFOLIO_DISPLAY_NAME = 'Subscribe to AWS Security Hub notifications';

/** Where the StackSet source expects the rendered launch-role template. */
const TEMPLATE_BODY_MARKER = 'secnotify:render:launch-role';
/** CloudFormation's limit for an inline StackSet TemplateBody. */
const MAX_TEMPLATE_BODY_BYTES = 51_200;

const SOURCES: Record<StackId, string> = {
  bucket: 'bucket.yaml',
  'launch-role': 'launch-role.yaml',
  'launch-role-stackset': 'launch-role-stackset.yaml',
  portfolio: 'portfolio.yaml',
  'permission-set': 'permission-set.yaml',
};

/**
 * Name of the stack that deploys the launch-role template alone, in one account (a trial without the
 * StackSet): the StackSet stack's name without its `-StackSet` suffix, by default
 * `SecurityNotifications-IAM-roles`.
 */
export function singleAccountLaunchRoleStackName(options: Pick<SecnotifyOptions, 'stackNames'>): string {
  const name = options.stackNames.launchRoleStackSet;
  return /-StackSet$/i.test(name) ? name.replace(/-StackSet$/i, '') : `${name}-SingleAccount`;
}

/** The Identity Center home Region the principal patterns and the permission-set stack use. */
export function identityCenterHomeRegion(
  options: Pick<SecnotifyOptions, 'idcRegion'>,
  ctx: RenderContext,
): string {
  return ctx.idcHomeRegion ?? options.idcRegion ?? ctx.hubRegion;
}

function header(id: StackId): string {
  return `# Rendered by secnotify from templates/${SOURCES[id]}; change the source or the options, not this file.\n`;
}

function load(id: StackId): CfnTemplate {
  return parseCfnYaml(readTemplate(SOURCES[id]));
}

function resource(id: StackId, template: CfnTemplate, logicalId: string) {
  const r = template.Resources[logicalId];
  if (!r) throw new Error(`templates/${SOURCES[id]}: resource ${logicalId} is missing`);
  return r;
}

/**
 * Every template parameter without a default gets a value, and no value names a parameter the template
 * lacks: catches a source edit that the renderer was not told about before AWS does.
 */
function checkParameters(id: StackId, template: CfnTemplate, parameters: Record<string, string>): void {
  const declared = template.Parameters ?? {};
  for (const key of Object.keys(parameters)) {
    if (!(key in declared)) throw new Error(`templates/${SOURCES[id]}: no parameter ${key}`);
  }
  for (const [key, spec] of Object.entries(declared)) {
    if (!('Default' in spec) && parameters[key] === undefined) {
      throw new Error(`templates/${SOURCES[id]}: parameter ${key} has no default and no value`);
    }
  }
}

function finish(
  id: StackId,
  template: CfnTemplate,
  fields: Pick<RenderedStack, 'stackName' | 'account' | 'region' | 'parameters' | 'capabilities'>,
): RenderedStack {
  checkParameters(id, template, fields.parameters);
  return {
    id,
    fileName: SOURCES[id],
    body: header(id) + dumpCfnYaml(template),
    template,
    placeholders: findPlaceholders(...Object.values(fields.parameters)),
    ...fields,
  };
}

function launchRoleParameters(options: SecnotifyOptions, ctx: RenderContext): Record<string, string> {
  return {
    OrganizationId: ctx.organizationId ?? lookupPlaceholder('organization-id'),
    Formatter: options.formatter,
  };
}

function renderBucket(options: SecnotifyOptions, ctx: RenderContext): RenderedStack {
  return finish('bucket', load('bucket'), {
    stackName: options.stackNames.bucket,
    account: 'hub',
    region: ctx.hubRegion,
    parameters: {},
    capabilities: [],
  });
}

function renderLaunchRole(options: SecnotifyOptions, ctx: RenderContext): RenderedStack {
  return finish('launch-role', load('launch-role'), {
    stackName: singleAccountLaunchRoleStackName(options),
    account: 'hub',
    region: ctx.hubRegion,
    parameters: launchRoleParameters(options, ctx),
    capabilities: ['CAPABILITY_NAMED_IAM'],
  });
}

function deploymentTargets(options: SecnotifyOptions, ctx: RenderContext): string {
  const targets = options.stacksetTargets.map((t) => {
    if (t === 'root') return ctx.rootId ?? lookupPlaceholder('root-id');
    return patterns.ouId.regex.test(t) || patterns.rootId.regex.test(t) ? t : lookupPlaceholder('ou-ids');
  });
  return [...new Set(targets)].join(',');
}

function renderLaunchRoleStackSet(
  options: SecnotifyOptions,
  ctx: RenderContext,
  launchRole: RenderedStack,
): RenderedStack {
  const template = load('launch-role-stackset');
  const props = resource('launch-role-stackset', template, 'LaunchRoleStackSet').Properties ?? {};
  if (props.TemplateBody !== TEMPLATE_BODY_MARKER) {
    throw new Error(
      `templates/${SOURCES['launch-role-stackset']}: TemplateBody must be "${TEMPLATE_BODY_MARKER}"`,
    );
  }
  // The StackSet deploys exactly the launch-role template rendered for the single-account stack.
  props.TemplateBody = launchRole.body;
  const bytes = Buffer.byteLength(launchRole.body, 'utf8');
  if (bytes > MAX_TEMPLATE_BODY_BYTES) {
    throw new Error(
      `launch-role template is ${bytes} bytes; a StackSet TemplateBody allows ${MAX_TEMPLATE_BODY_BYTES}`,
    );
  }
  const accountType =
    ctx.isManagementAccount === undefined
      ? lookupPlaceholder('current-account-type')
      : ctx.isManagementAccount
        ? 'management'
        : 'delegated-admin';
  return finish('launch-role-stackset', template, {
    stackName: options.stackNames.launchRoleStackSet,
    account: 'management',
    // The StackSet deploys its instances in the Region of this stack (AWS::Region): the hub Region.
    region: ctx.hubRegion,
    parameters: {
      ...launchRoleParameters(options, ctx),
      DeploymentTargets: deploymentTargets(options, ctx),
      CurrentAccountType: accountType,
    },
    capabilities: [],
  });
}

/** Logical IDs people can read in a change set (`PrincipalSubscribeToSecurityNotifications`), unique per name. */
function principalLogicalIds(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((name, index) => {
    const base = `Principal${name.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 200);
    let id = base;
    for (let n = index + 1; used.has(id); n++) id = `${base}${n}`;
    used.add(id);
    return id;
  });
}

/**
 * The product's ProvisioningArtifactParameters: every earlier version as a literal entry, exactly as it was
 * deployed (CloudFormation matches artifacts by template URL and name), then the current one from the
 * ProductVersion/ProductTemplateUrl parameters.
 */
function keepEarlierVersions(template: CfnTemplate, earlier: ArtifactEntry[]): void {
  const props = resource('portfolio', template, 'Product').Properties ?? {};
  const own = props.ProvisioningArtifactParameters as unknown[] | undefined;
  if (!Array.isArray(own) || own.length !== 1) {
    throw new Error(
      `templates/${SOURCES.portfolio}: Product needs exactly one ProvisioningArtifactParameters entry (the current version)`,
    );
  }
  const seen = new Set<string>();
  for (const e of earlier) {
    const key = `${e.name}\n${e.templateUrl}`;
    if (seen.has(key)) throw new Error(`product version ${e.name} (${e.templateUrl}) is listed twice`);
    seen.add(key);
  }
  props.ProvisioningArtifactParameters = [
    ...earlier.map((e) => ({
      Name: e.name,
      ...(e.description === undefined ? {} : { Description: e.description }),
      Info: { LoadTemplateFromURL: e.templateUrl },
    })),
    ...own,
  ];
}

function renderPortfolio(options: SecnotifyOptions, ctx: RenderContext): RenderedStack {
  const template = load('portfolio');
  resource('portfolio', template, 'ProductInPortfolio');
  resource('portfolio', template, 'LaunchRoleConstraint');
  if (options.principals.length === 0) throw new Error('the portfolio needs at least one principal');

  const idcRegion =
    options.principalType === 'identity-center' ? identityCenterHomeRegion(options, ctx) : undefined;
  const ids = principalLogicalIds(options.principals);
  const associations = Object.fromEntries(
    options.principals.map((name, i) => [
      ids[i]!,
      {
        Type: 'AWS::ServiceCatalog::PortfolioPrincipalAssociation',
        Properties: {
          PortfolioId: { Ref: 'Portfolio' },
          PrincipalARN: { 'Fn::Sub': principalArnPattern(options.principalType, name, idcRegion) },
          PrincipalType: 'IAM_PATTERN',
        },
      },
    ]),
  );

  // With the versions planned (planProductVersions, which weighs --product-version), the plan's name wins:
  // an explicit name for an unchanged template would rename the artifact, and CloudFormation would replace it.
  const planned = ctx.earlierProductVersions !== undefined ? ctx.productVersion : undefined;
  const version =
    planned ?? options.productVersion ?? ctx.productVersion ?? lookupPlaceholder('product-version');
  const templateUrl = ctx.productTemplateUrl ?? lookupPlaceholder('product-template-url');
  const earlier = ctx.earlierProductVersions ?? [];
  if (earlier.some((e) => e.name === version && e.templateUrl === templateUrl)) {
    throw new Error(`product version ${version} is both an earlier and the current version`);
  }
  keepEarlierVersions(template, earlier);

  // Keep the source order and put the associations right after the product–portfolio association.
  const resources: CfnTemplate['Resources'] = {};
  for (const [logicalId, r] of Object.entries(template.Resources)) {
    if (logicalId === 'LaunchRoleConstraint' && !options.launchRole) continue;
    resources[logicalId] = r;
    if (logicalId === 'ProductInPortfolio') Object.assign(resources, associations);
  }
  template.Resources = resources;

  return finish('portfolio', template, {
    stackName: options.stackNames.portfolio,
    account: 'hub',
    region: ctx.hubRegion,
    parameters: {
      ProviderName: options.providerName,
      ProductVersion: version,
      ProductTemplateUrl: templateUrl,
    },
    capabilities: [],
  });
}

function renderPermissionSet(options: SecnotifyOptions, ctx: RenderContext): RenderedStack {
  return finish('permission-set', load('permission-set'), {
    stackName: options.stackNames.permissionSet,
    account: 'management',
    // The permission set lives with the Identity Center instance; the product it points at stays in the
    // hub Region and account, passed as parameters (defect 7).
    region: identityCenterHomeRegion(options, ctx),
    parameters: {
      InstanceArn: ctx.idcInstanceArn ?? lookupPlaceholder('identity-center-instance-arn'),
      PermissionSetName: options.permissionSetName,
      ProductId: ctx.productId ?? lookupPlaceholder('product-id'),
      HubRegion: ctx.hubRegion,
    },
    capabilities: [],
  });
}

/**
 * The infrastructure stacks these options call for, in deployment order:
 * - bucket and portfolio always (hub account);
 * - with the launch role: the launch-role StackSet (management account) and, for a trial in one account
 *   instead of the StackSet, the launch-role stack alone (hub account);
 * - with Identity Center principals and the launch role: the permission set (management account, Identity
 *   Center home Region). Without the launch role, subscribers launch with their own permissions, which this
 *   least-privilege permission set does not give, so it is not rendered.
 */
export function renderInfrastructure(options: SecnotifyOptions, ctx: RenderContext): RenderedStack[] {
  const stacks: RenderedStack[] = [renderBucket(options, ctx)];
  if (options.launchRole) {
    const launchRole = renderLaunchRole(options, ctx);
    stacks.push(renderLaunchRoleStackSet(options, ctx, launchRole), launchRole);
  }
  stacks.push(renderPortfolio(options, ctx));
  if (options.launchRole && options.principalType === 'identity-center')
    stacks.push(renderPermissionSet(options, ctx));
  return stacks;
}
