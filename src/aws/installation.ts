// Looks at an installation, in the hub and (with its credentials) the management account: the one gatherer
// behind `status` and `uninstall`, and the lookups `doctor` shares with them (src/aws/diagnose.ts). Each
// lookup is its own fact (src/core/facts.ts): one refused call becomes "could not look" for that part
// instead of ending the run. Never prints.
import { SecnotifyError } from '../core/errors.js';
import {
  type BucketFact,
  type Fact,
  type FactError,
  fact,
  type InstallationFacts,
  isPresent,
  type ManagementFacts,
  type OrgSetupFact,
  type PortfolioFact,
  type StackFact,
  valueIfKnown,
} from '../core/facts.js';
import type { StackNames } from '../core/options.js';
import { LAUNCH_ROLE_STACKSET_NAME, PORTFOLIO_DISPLAY_NAME } from '../core/render/infrastructure.js';
import { awsErrorName, errorMessage } from './aws-errors.js';
import { bucketExists, countObjectVersions } from './buckets.js';
import {
  findPortfolioByName,
  listPortfolioShares,
  listProvisionedProductsForProduct,
  listProvisioningArtifacts,
} from './catalog.js';
import type { AwsContext, CallerIdentity } from './clients.js';
import { findIdentityCenterHomeRegion, identityCenterCandidateRegions } from './identity-center.js';
import {
  isDelegatedAdmin,
  SERVICE_CATALOG_PRINCIPAL,
  serviceCatalogOrgAccessStatus,
  stackSetsTrustedAccess,
} from './organization.js';
import { describeStack, stackOutputs } from './stacks.js';
import { listStackInstances, listUnsuccessfulStackInstances } from './stacksets.js';

export function factError(error: unknown): FactError {
  // A translated AWS error keeps the service's error name on its cause (AccessDeniedException, …).
  const causeName = awsErrorName(error instanceof Error ? error.cause : undefined);
  const serviceName = causeName && !/^(Error|SyntaxError|TypeError)$/.test(causeName) ? causeName : undefined;
  const name = serviceName ?? awsErrorName(error) ?? 'Error';
  return {
    name,
    message: errorMessage(error),
    ...(error instanceof SecnotifyError && error.hint ? { hint: error.hint } : {}),
  };
}

/** Runs one lookup: its answer (undefined or null: absent), or why it could not be made. */
export async function lookUp<T>(lookup: () => Promise<T | undefined | null>): Promise<Fact<T>> {
  try {
    return fact.of(await lookup());
  } catch (error) {
    return fact.unknown(factError(error));
  }
}

/** A stack by name in the context's region; absent when it does not exist (or holds nothing yet). */
export function lookUpStack(ctx: AwsContext, stackName: string): Promise<Fact<StackFact>> {
  return lookUp(async () => {
    const info = await describeStack(await ctx.cloudformation(), stackName);
    if (!info) return undefined;
    return {
      stackName: info.stackName,
      region: ctx.region,
      status: info.status,
      ...(info.statusReason ? { statusReason: info.statusReason } : {}),
      ...(info.lastUpdated ? { lastUpdated: info.lastUpdated.toISOString() } : {}),
      parameters: info.parameters,
    };
  });
}

/** The organization setup as the management account sees it. */
function lookUpOrgSetup(mgmt: AwsContext, hubAccountId: string): Promise<Fact<OrgSetupFact>> {
  return lookUp(async () => {
    const [serviceCatalogAccess, hubIsDelegatedAdmin, trusted] = await Promise.all([
      serviceCatalogOrgAccessStatus(await mgmt.serviceCatalog()),
      isDelegatedAdmin(await mgmt.organizations(), hubAccountId, SERVICE_CATALOG_PRINCIPAL),
      // Only informative here (uninstall never turns it off): an unanswered look must not hide the rest.
      stackSetsTrustedAccess(await mgmt.cloudformation(), 'SELF').catch(() => 'UNKNOWN'),
    ]);
    return { serviceCatalogAccess, hubIsDelegatedAdmin, stackSetsTrustedAccess: trusted };
  });
}

// ---------------------------------------------------------------------------------------------------------
// The installation: status and uninstall.

export interface InstallationInput {
  hub: AwsContext;
  hubAccountId: string;
  organizationId?: string;
  /** Management-account credentials (in the hub region); undefined when none were given. */
  management?: AwsContext;
  managementAccountId?: string;
  stackNames: StackNames;
  /** Where the permission-set stack lives: the Identity Center home region. */
  permissionSetRegion: string;
}

/** The accounts a command opened: the hub, and the management account when its credentials were given. */
export interface OpenedAccounts {
  hub: AwsContext;
  hubCaller: CallerIdentity;
  management?: AwsContext;
  managementCaller?: CallerIdentity;
  organization?: { id: string };
}

/** The permission-set stack's region: the Identity Center home region (configured, looked up, or the hub's). */
export async function permissionSetRegion(
  accounts: OpenedAccounts,
  options: { idcRegion?: string },
): Promise<string> {
  if (options.idcRegion) return options.idcRegion;
  const mgmt = accounts.management;
  if (!mgmt) return accounts.hub.region;
  try {
    const found = await findIdentityCenterHomeRegion(
      async (region) => await mgmt.inRegion(region).ssoAdmin(),
      identityCenterCandidateRegions(accounts.hub.region, accounts.hubCaller.partition),
    );
    return found?.region ?? accounts.hub.region;
  } catch {
    return accounts.hub.region;
  }
}

/** What is installed where, as status and uninstall both look at it. */
export async function gatherInstallationFactsOf(
  accounts: OpenedAccounts,
  options: { stackNames: StackNames; idcRegion?: string },
): Promise<InstallationFacts> {
  return gatherInstallationFacts({
    hub: accounts.hub,
    hubAccountId: accounts.hubCaller.accountId,
    ...(accounts.organization ? { organizationId: accounts.organization.id } : {}),
    ...(accounts.management ? { management: accounts.management } : {}),
    ...(accounts.managementCaller ? { managementAccountId: accounts.managementCaller.accountId } : {}),
    stackNames: options.stackNames,
    permissionSetRegion: await permissionSetRegion(accounts, options),
  });
}

export async function gatherInstallationFacts(input: InstallationInput): Promise<InstallationFacts> {
  const { hub, stackNames } = input;
  const cfn = await hub.cloudformation();

  const [bucketStack, portfolioStack] = await Promise.all([
    lookUpStack(hub, stackNames.bucket),
    lookUpStack(hub, stackNames.portfolio),
  ]);

  const buckets: Fact<BucketFact[]> = isPresent(bucketStack)
    ? await lookUp(async () => {
        const outputs = await stackOutputs(cfn, stackNames.bucket);
        const s3 = await hub.s3();
        const named: [BucketFact['role'], string | undefined][] = [
          ['product-templates', outputs.BucketName],
          ['access-logs', outputs.AccessLogBucketName],
        ];
        const found: BucketFact[] = [];
        for (const [role, name] of named) {
          if (!name) continue;
          const exists = await bucketExists(s3, name);
          const counts = exists ? await countObjectVersions(s3, name) : { versions: 0, deleteMarkers: 0 };
          found.push({ role, name, exists, ...counts });
        }
        return found;
      })
    : fact.dependent(bucketStack, fact.present([]));

  let productId: string | undefined;
  const portfolio: Fact<PortfolioFact> = isPresent(portfolioStack)
    ? await lookUp(async () => {
        const outputs = await stackOutputs(cfn, stackNames.portfolio);
        productId = outputs.ProductId;
        if (outputs.PortfolioId) return { id: outputs.PortfolioId, foundBy: 'stack-output' as const };
        // CloudFormation always reports the outputs; the fallback covers emulators that do not.
        const byName = await findPortfolioByName(await hub.serviceCatalog(), PORTFOLIO_DISPLAY_NAME);
        return byName ? { id: byName.id, foundBy: 'name' as const } : undefined;
      })
    : fact.dependent(portfolioStack, fact.absent());

  const portfolioId = valueIfKnown(portfolio)?.id;
  const pid = productId;
  const [shares, productVersions, subscribers] = await Promise.all([
    portfolioId
      ? lookUp(async () =>
          (await listPortfolioShares(await hub.serviceCatalog(), portfolioId)).map((s) => ({
            type: s.type,
            principalId: s.principalId,
            accepted: s.accepted,
            sharePrincipals: s.sharePrincipals,
          })),
        )
      : fact.dependent(portfolio, fact.present([])),
    pid
      ? lookUp(async () =>
          (await listProvisioningArtifacts(await hub.serviceCatalog(), pid)).map((a) => ({
            id: a.id,
            name: a.name,
            active: a.active,
            guidance: a.guidance,
            ...(a.createdTime ? { createdTime: a.createdTime.toISOString() } : {}),
          })),
        )
      : fact.present([]),
    pid
      ? lookUp(async () =>
          (await listProvisionedProductsForProduct(await hub.serviceCatalog(), pid)).map((p) => ({
            name: p.name,
            id: p.id,
            status: p.status,
            ...(p.accountId ? { accountId: p.accountId } : {}),
            ...(p.versionName ? { versionName: p.versionName } : {}),
          })),
        )
      : fact.present([]),
  ]);

  const facts: InstallationFacts = {
    hubAccountId: input.hubAccountId,
    hubRegion: hub.region,
    ...(input.organizationId ? { organizationId: input.organizationId } : {}),
    stackNames,
    bucketStack,
    buckets,
    portfolioStack,
    portfolio,
    ...(productId ? { productId } : {}),
    shares,
    productVersions,
    subscribers,
  };
  if (input.management && input.managementAccountId) {
    facts.management = await gatherManagementFacts(input, input.management, input.managementAccountId);
  }
  return facts;
}

async function gatherManagementFacts(
  input: InstallationInput,
  mgmt: AwsContext,
  accountId: string,
): Promise<ManagementFacts> {
  const { stackNames } = input;
  const [launchRoleStack, permissionSetStack, orgSetup] = await Promise.all([
    lookUpStack(mgmt, stackNames.launchRoleStackSet),
    lookUpStack(mgmt.inRegion(input.permissionSetRegion), stackNames.permissionSet),
    lookUpOrgSetup(mgmt, input.hubAccountId),
  ]);
  const callAs =
    valueIfKnown(launchRoleStack)?.parameters.CurrentAccountType === 'delegated-admin'
      ? ('DELEGATED_ADMIN' as const)
      : ('SELF' as const);
  const [stackSet, unsuccessfulInstances] = isPresent(launchRoleStack)
    ? await Promise.all([
        lookUp(async () => {
          const instances = await listStackInstances(
            await mgmt.cloudformation(),
            LAUNCH_ROLE_STACKSET_NAME,
            callAs,
          );
          return instances ? { name: LAUNCH_ROLE_STACKSET_NAME, callAs, instances } : undefined;
        }),
        // The accounts without the launch role, as install lists them after the roll-out: one filtered
        // ListStackInstances query per unsuccessful detailed status (src/aws/stacksets.ts).
        lookUp(async () => {
          const found = await listUnsuccessfulStackInstances(
            await mgmt.cloudformation(),
            LAUNCH_ROLE_STACKSET_NAME,
            callAs,
          );
          return found ? found.map(({ organizationalUnitId: _ou, ...i }) => i) : [];
        }),
      ])
    : [fact.dependent(launchRoleStack, fact.absent()), fact.dependent(launchRoleStack, fact.present([]))];
  return {
    accountId,
    region: mgmt.region,
    launchRoleStack,
    stackSet,
    unsuccessfulInstances,
    permissionSetStack,
    orgSetup,
  };
}
