// Looks at every part of an installation, in the hub and (with its credentials) the management account.
// Each lookup is its own fact: one refused call becomes "could not check" for that part instead of ending
// the run. `status` reports the facts; `uninstall` plans its deletions from them (src/core/removal.ts).
import { bucketExists, countObjectVersions } from '../../aws/buckets.js';
import {
  findPortfolioByName,
  listPortfolioShares,
  listProvisionedProductsForProduct,
  listProvisioningArtifacts,
} from '../../aws/catalog.js';
import type { AwsContext } from '../../aws/clients.js';
import { factError } from '../../aws/doctor-facts.js';
import {
  isDelegatedAdmin,
  SERVICE_CATALOG_PRINCIPAL,
  serviceCatalogOrgAccessStatus,
  stackSetsTrustedAccess,
} from '../../aws/organization.js';
import { describeStack, type StackInfo, stackOutputs } from '../../aws/stacks.js';
import { listStackInstances } from '../../aws/stacksets.js';
import type { StackNames } from '../../core/options.js';
import { PORTFOLIO_DISPLAY_NAME } from '../../core/plan.js';
import type {
  BucketFact,
  InstallationFacts,
  Looked,
  ManagementFacts,
  StackFact,
  StackSetFact,
} from '../../core/removal.js';
import { isLooked } from '../../core/removal.js';
import { LAUNCH_ROLE_STACKSET_NAME } from '../../core/render/infrastructure.js';

export interface GatherInput {
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

async function look<T>(lookup: () => Promise<T>): Promise<Looked<T>> {
  try {
    return { value: await lookup() };
  } catch (error) {
    return { error: factError(error) };
  }
}

export function stackFact(info: StackInfo, region: string): StackFact {
  return {
    stackName: info.stackName,
    region,
    status: info.status,
    ...(info.statusReason ? { statusReason: info.statusReason } : {}),
    ...(info.lastUpdated ? { lastUpdated: info.lastUpdated.toISOString() } : {}),
    parameters: info.parameters,
  };
}

async function stack(ctx: AwsContext, name: string): Promise<StackFact | undefined> {
  const info = await describeStack(await ctx.cloudformation(), name);
  return info ? stackFact(info, ctx.region) : undefined;
}

/** What a dependent lookup is when the part it depends on is absent (`empty`) or could not be looked up. */
const dependent = <T>(source: Looked<unknown>, empty: T): Looked<T> =>
  isLooked(source) ? { value: empty } : { error: source.error };

export async function gatherInstallationFacts(input: GatherInput): Promise<InstallationFacts> {
  const { hub, stackNames } = input;
  const cfn = await hub.cloudformation();

  const [bucketStack, portfolioStack] = await Promise.all([
    look(() => stack(hub, stackNames.bucket)),
    look(() => stack(hub, stackNames.portfolio)),
  ]);

  const buckets: Looked<BucketFact[]> =
    isLooked(bucketStack) && bucketStack.value
      ? await look(async () => {
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
      : dependent<BucketFact[]>(bucketStack, []);

  let productId: string | undefined;
  const portfolio: InstallationFacts['portfolio'] =
    isLooked(portfolioStack) && portfolioStack.value
      ? await look(async () => {
          const outputs = await stackOutputs(cfn, stackNames.portfolio);
          productId = outputs.ProductId;
          if (outputs.PortfolioId) return { id: outputs.PortfolioId, foundBy: 'stack-output' as const };
          // CloudFormation always reports the outputs; the fallback covers emulators that do not.
          const byName = await findPortfolioByName(await hub.serviceCatalog(), PORTFOLIO_DISPLAY_NAME);
          return byName ? { id: byName.id, foundBy: 'name' as const } : undefined;
        })
      : dependent(portfolioStack, undefined);

  const portfolioId = isLooked(portfolio) ? portfolio.value?.id : undefined;
  const pid = productId;
  const [shares, productVersions, subscribers] = await Promise.all([
    portfolioId
      ? look(async () =>
          (await listPortfolioShares(await hub.serviceCatalog(), portfolioId)).map((s) => ({
            type: s.type,
            principalId: s.principalId,
            accepted: s.accepted,
            sharePrincipals: s.sharePrincipals,
          })),
        )
      : Promise.resolve(dependent(portfolio, [])),
    pid
      ? look(async () =>
          (await listProvisioningArtifacts(await hub.serviceCatalog(), pid)).map((a) => ({
            id: a.id,
            name: a.name,
            active: a.active,
            guidance: a.guidance,
            ...(a.createdTime ? { createdTime: a.createdTime.toISOString() } : {}),
          })),
        )
      : Promise.resolve({ value: [] }),
    pid
      ? look(async () =>
          (await listProvisionedProductsForProduct(await hub.serviceCatalog(), pid)).map((p) => ({
            name: p.name,
            id: p.id,
            status: p.status,
            ...(p.accountId ? { accountId: p.accountId } : {}),
            ...(p.versionName ? { versionName: p.versionName } : {}),
          })),
        )
      : Promise.resolve({ value: [] }),
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
    shares: shares as InstallationFacts['shares'],
    productVersions: productVersions as InstallationFacts['productVersions'],
    subscribers: subscribers as InstallationFacts['subscribers'],
  };
  if (input.management && input.managementAccountId) {
    facts.management = await gatherManagementFacts(input, input.management, input.managementAccountId);
  }
  return facts;
}

async function gatherManagementFacts(
  input: GatherInput,
  mgmt: AwsContext,
  accountId: string,
): Promise<ManagementFacts> {
  const { stackNames } = input;
  const idc = mgmt.inRegion(input.permissionSetRegion);
  const [launchRoleStack, permissionSetStack, orgSetup] = await Promise.all([
    look(() => stack(mgmt, stackNames.launchRoleStackSet)),
    look(() => stack(idc, stackNames.permissionSet)),
    look(async () => {
      const [serviceCatalogAccess, hubIsDelegatedAdmin, trusted] = await Promise.all([
        serviceCatalogOrgAccessStatus(await mgmt.serviceCatalog()),
        isDelegatedAdmin(await mgmt.organizations(), input.hubAccountId, SERVICE_CATALOG_PRINCIPAL),
        // Only informative here (uninstall never turns it off): an unanswered look must not hide the rest.
        stackSetsTrustedAccess(await mgmt.cloudformation(), 'SELF').catch(() => 'UNKNOWN'),
      ]);
      return { serviceCatalogAccess, hubIsDelegatedAdmin, stackSetsTrustedAccess: trusted };
    }),
  ]);
  const stackSet: Looked<StackSetFact | undefined> =
    isLooked(launchRoleStack) && launchRoleStack.value
      ? await look(async () => {
          const callAs =
            launchRoleStack.value?.parameters.CurrentAccountType === 'delegated-admin'
              ? ('DELEGATED_ADMIN' as const)
              : ('SELF' as const);
          const instances = await listStackInstances(
            await mgmt.cloudformation(),
            LAUNCH_ROLE_STACKSET_NAME,
            callAs,
          );
          return instances ? { name: LAUNCH_ROLE_STACKSET_NAME, callAs, instances } : undefined;
        })
      : dependent(launchRoleStack, undefined);
  return { accountId, region: mgmt.region, launchRoleStack, stackSet, permissionSetStack, orgSetup };
}
