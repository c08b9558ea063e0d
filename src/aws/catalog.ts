// Service Catalog calls the tool makes itself (the portfolio and product are CloudFormation resources):
// sharing the portfolio across the organization, reading versions and subscribers, finding a portfolio.
import {
  CreatePortfolioShareCommand,
  DeletePortfolioShareCommand,
  type DescribePortfolioShareType,
  ListProvisioningArtifactsCommand,
  type OrganizationNode,
  paginateDescribePortfolioShares,
  paginateListPortfolios,
  paginateSearchProvisionedProducts,
  type ServiceCatalogClient,
  UpdatePortfolioShareCommand,
} from '@aws-sdk/client-service-catalog';
import { type AccountShareAcceptance, accountShareAcceptance } from '../core/account-shares.js';
import { OperationError } from '../core/errors.js';
import type { ResolvedShareTarget as ShareTarget } from '../core/options.js';
import { awsFailure, isAwsErrorNamed } from './aws-errors.js';
import {
  type ShareFailure,
  type ShareOperationStatus,
  type ShareWaitOptions,
  waitForPortfolioShare,
} from './share-wait.js';

export { type ShareFailure, type ShareOperationStatus, type ShareWaitOptions, waitForPortfolioShare };
export type PortfolioShareType = DescribePortfolioShareType;

export const PORTFOLIO_SHARE_TYPES: readonly PortfolioShareType[] = [
  'ACCOUNT',
  'ORGANIZATION',
  'ORGANIZATIONAL_UNIT',
  'ORGANIZATION_MEMBER_ACCOUNT',
];

export interface PortfolioShare {
  type: PortfolioShareType;
  /** Account ID, `o-…` or `ou-…`. */
  principalId: string;
  accepted: boolean;
  sharePrincipals: boolean;
}

export interface ShareResult {
  target: ShareTarget;
  /**
   * created: a new share; updated: an existing organization/OU share now shares principals;
   * already: the share existed as wanted; completed-with-errors / failed: see `errors`.
   */
  outcome: 'created' | 'updated' | 'already' | 'completed-with-errors' | 'failed';
  token?: string;
  successfulShares: string[];
  errors: ShareFailure[];
}

export interface SharePortfolioOptions extends ShareWaitOptions {
  /** The organization ID (`o-…`): the value of an organization share. Required for that target. */
  organizationId?: string;
}

function describeTarget(target: ShareTarget, organizationId?: string): string {
  if (target.kind === 'organization') return `the organization ${organizationId ?? ''}`.trim();
  if (target.kind === 'ou') return `OU ${target.id}`;
  return `account ${target.id}`;
}

function organizationNodeOf(target: ShareTarget, organizationId?: string): OrganizationNode | undefined {
  if (target.kind === 'organization') {
    if (!organizationId) throw new TypeError('sharing with the organization needs its ID (o-…)');
    return { Type: 'ORGANIZATION', Value: organizationId };
  }
  if (target.kind === 'ou') return { Type: 'ORGANIZATIONAL_UNIT', Value: target.id };
  return undefined;
}

function shareTypeOf(target: ShareTarget): PortfolioShareType {
  if (target.kind === 'organization') return 'ORGANIZATION';
  if (target.kind === 'ou') return 'ORGANIZATIONAL_UNIT';
  return 'ACCOUNT';
}

async function finishAsync(
  sc: ServiceCatalogClient,
  target: ShareTarget,
  token: string | undefined,
  success: 'created' | 'updated',
  options: ShareWaitOptions,
): Promise<ShareResult> {
  if (!token) return { target, outcome: success, successfulShares: [], errors: [] };
  const done = await waitForPortfolioShare(sc, token, options);
  const outcome =
    done.status === 'COMPLETED'
      ? success
      : done.status === 'COMPLETED_WITH_ERRORS'
        ? 'completed-with-errors'
        : 'failed';
  return { target, outcome, token, successfulShares: done.successfulShares, errors: done.errors };
}

/**
 * Shares the portfolio with the organization, an OU or an account. Organization and OU shares share
 * principals (so the portfolio's IAM_PATTERN associations apply in the recipient accounts) and are
 * asynchronous: this waits for them. An existing share is 'already'; an existing organization/OU share
 * without principal sharing is updated to share principals.
 */
export async function sharePortfolio(
  sc: ServiceCatalogClient,
  portfolioId: string,
  target: ShareTarget,
  options: SharePortfolioOptions = {},
): Promise<ShareResult> {
  const node = organizationNodeOf(target, options.organizationId);
  const principalId = node?.Value ?? (target.kind === 'account' ? target.id : '');
  const existing = (await listPortfolioSharesOfType(sc, portfolioId, shareTypeOf(target))).find(
    (s) => s.principalId === principalId,
  );
  if (existing && (!node || existing.sharePrincipals)) {
    return { target, outcome: 'already', successfulShares: [], errors: [] };
  }
  if (existing && node) {
    let token: string | undefined;
    try {
      const out = await sc.send(
        new UpdatePortfolioShareCommand({
          PortfolioId: portfolioId,
          OrganizationNode: node,
          SharePrincipals: true,
        }),
      );
      token = out.PortfolioShareToken;
    } catch (error) {
      throw awsFailure(error, 'servicecatalog:UpdatePortfolioShare');
    }
    return finishAsync(sc, target, token, 'updated', options);
  }
  let token: string | undefined;
  try {
    const out = await sc.send(
      new CreatePortfolioShareCommand(
        node
          ? { PortfolioId: portfolioId, OrganizationNode: node, SharePrincipals: true }
          : { PortfolioId: portfolioId, AccountId: principalId },
      ),
    );
    token = out.PortfolioShareToken;
  } catch (error) {
    // AWS documents a repeated share as a no-op; older behaviour (and some emulators) raise instead.
    if (isAwsErrorNamed(error, 'DuplicateResourceException')) {
      return { target, outcome: 'already', successfulShares: [], errors: [] };
    }
    if (isAwsErrorNamed(error, 'InvalidStateException') && node) {
      throw new OperationError(
        `Service Catalog cannot share with ${describeTarget(target, options.organizationId)}: ${String((error as Error).message)}`,
        {
          hint: 'Organization and OU shares need Service Catalog AWS Organizations access (enabled from the management account) and a caller that is the management account or a Service Catalog delegated administrator.',
          cause: error,
        },
      );
    }
    throw awsFailure(error, 'servicecatalog:CreatePortfolioShare');
  }
  return finishAsync(sc, target, token, 'created', options);
}

function normalizePrincipalId(id: string): string {
  // Organization nodes may come back as ARNs (…:organization/o-x, …:ou/o-x/ou-y); the last segment is the ID.
  return id.startsWith('arn:') ? (id.split('/').pop() ?? id) : id;
}

async function listPortfolioSharesOfType(
  sc: ServiceCatalogClient,
  portfolioId: string,
  type: PortfolioShareType,
): Promise<PortfolioShare[]> {
  const shares: PortfolioShare[] = [];
  try {
    for await (const page of paginateDescribePortfolioShares(
      { client: sc },
      { PortfolioId: portfolioId, Type: type },
    )) {
      for (const d of page.PortfolioShareDetails ?? []) {
        if (!d.PrincipalId) continue;
        shares.push({
          type: d.Type ?? type,
          principalId: normalizePrincipalId(d.PrincipalId),
          accepted: d.Accepted ?? false,
          sharePrincipals: d.SharePrincipals ?? false,
        });
      }
    }
  } catch (error) {
    throw awsFailure(error, 'servicecatalog:DescribePortfolioShares');
  }
  return shares;
}

/** Every share of the portfolio, of all four types. */
export async function listPortfolioShares(
  sc: ServiceCatalogClient,
  portfolioId: string,
): Promise<PortfolioShare[]> {
  const perType = await Promise.all(
    PORTFOLIO_SHARE_TYPES.map((t) => listPortfolioSharesOfType(sc, portfolioId, t)),
  );
  return perType.flat();
}

/**
 * Whether each account share has been accepted (imported) by its recipient: DescribePortfolioShares with
 * Type ACCOUNT reports `Accepted` per account; organization-node shares are imported automatically.
 */
export async function listAccountShareAcceptance(
  sc: ServiceCatalogClient,
  portfolioId: string,
): Promise<AccountShareAcceptance[]> {
  return accountShareAcceptance(await listPortfolioSharesOfType(sc, portfolioId, 'ACCOUNT'));
}

export interface UnshareResult {
  share: PortfolioShare;
  outcome: 'removed' | 'absent' | 'completed-with-errors' | 'failed';
  token?: string;
  errors: ShareFailure[];
}

function deleteInputOf(share: PortfolioShare): { AccountId?: string; OrganizationNode?: OrganizationNode } {
  switch (share.type) {
    case 'ACCOUNT':
      return { AccountId: share.principalId };
    case 'ORGANIZATION':
      return { OrganizationNode: { Type: 'ORGANIZATION', Value: share.principalId } };
    case 'ORGANIZATIONAL_UNIT':
      return { OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: share.principalId } };
    case 'ORGANIZATION_MEMBER_ACCOUNT':
      return { OrganizationNode: { Type: 'ACCOUNT', Value: share.principalId } };
    default:
      throw new TypeError(`unknown portfolio share type ${String(share.type)}`);
  }
}

/** Removes one share; organization-node removals are asynchronous and waited for. A missing share is 'absent'. */
export async function unsharePortfolio(
  sc: ServiceCatalogClient,
  portfolioId: string,
  share: PortfolioShare,
  options: ShareWaitOptions = {},
): Promise<UnshareResult> {
  let token: string | undefined;
  try {
    const out = await sc.send(
      new DeletePortfolioShareCommand({ PortfolioId: portfolioId, ...deleteInputOf(share) }),
    );
    token = out.PortfolioShareToken;
  } catch (error) {
    if (isAwsErrorNamed(error, 'ResourceNotFoundException')) return { share, outcome: 'absent', errors: [] };
    throw awsFailure(error, 'servicecatalog:DeletePortfolioShare');
  }
  if (!token) return { share, outcome: 'removed', errors: [] };
  const done = await waitForPortfolioShare(sc, token, options);
  const outcome =
    done.status === 'COMPLETED'
      ? 'removed'
      : done.status === 'COMPLETED_WITH_ERRORS'
        ? 'completed-with-errors'
        : 'failed';
  return { share, outcome, token, errors: done.errors };
}

export interface ProvisioningArtifact {
  id: string;
  name: string;
  createdTime?: Date;
  active: boolean;
  guidance: 'DEFAULT' | 'DEPRECATED';
  description?: string;
}

/** The product's versions, oldest first. */
export async function listProvisioningArtifacts(
  sc: ServiceCatalogClient,
  productId: string,
): Promise<ProvisioningArtifact[]> {
  try {
    const out = await sc.send(new ListProvisioningArtifactsCommand({ ProductId: productId }));
    return (out.ProvisioningArtifactDetails ?? [])
      .filter((a) => a.Id)
      .map((a) => ({
        id: a.Id!,
        name: a.Name ?? '',
        ...(a.CreatedTime ? { createdTime: a.CreatedTime } : {}),
        active: a.Active ?? true,
        guidance: a.Guidance === 'DEPRECATED' ? ('DEPRECATED' as const) : ('DEFAULT' as const),
        ...(a.Description ? { description: a.Description } : {}),
      }))
      .sort((x, y) => (x.createdTime?.getTime() ?? 0) - (y.createdTime?.getTime() ?? 0));
  } catch (error) {
    throw awsFailure(error, 'servicecatalog:ListProvisioningArtifacts');
  }
}

// Pure; kept exported here for the callers that already import it from the catalog module.
export { nextProductVersion } from '../core/product-versions.js';

export interface ProvisionedProductSummary {
  name: string;
  id: string;
  status: string;
  statusMessage?: string;
  accountId?: string;
  createdTime?: Date;
  versionName?: string;
}

function accountOfArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * The provisioned products of one product that the caller's account can see (its own account: member
 * accounts' subscriptions are visible only from those accounts).
 */
export async function listProvisionedProductsForProduct(
  sc: ServiceCatalogClient,
  productId: string,
): Promise<ProvisionedProductSummary[]> {
  const found: ProvisionedProductSummary[] = [];
  try {
    const pages = paginateSearchProvisionedProducts(
      { client: sc },
      {
        AccessLevelFilter: { Key: 'Account', Value: 'self' },
        Filters: { SearchQuery: [`productId:${productId}`] },
      },
    );
    for await (const page of pages) {
      for (const p of page.ProvisionedProducts ?? []) {
        // The search query is a text match; keep exactly this product's.
        if (!p.Id || (p.ProductId && p.ProductId !== productId)) continue;
        const accountId = accountOfArn(p.Arn);
        found.push({
          name: p.Name ?? p.Id,
          id: p.Id,
          status: p.Status ?? 'UNKNOWN',
          ...(p.StatusMessage ? { statusMessage: p.StatusMessage } : {}),
          ...(accountId ? { accountId } : {}),
          ...(p.CreatedTime ? { createdTime: p.CreatedTime } : {}),
          ...(p.ProvisioningArtifactName ? { versionName: p.ProvisioningArtifactName } : {}),
        });
      }
    }
  } catch (error) {
    throw awsFailure(error, 'servicecatalog:SearchProvisionedProducts');
  }
  return found;
}

export interface PortfolioSummary {
  id: string;
  arn: string;
  displayName: string;
  providerName?: string;
}

/** The caller's portfolio with this display name; undefined when none; an error when several share it. */
export async function findPortfolioByName(
  sc: ServiceCatalogClient,
  displayName: string,
): Promise<PortfolioSummary | undefined> {
  const matches: PortfolioSummary[] = [];
  try {
    for await (const page of paginateListPortfolios({ client: sc }, {})) {
      for (const p of page.PortfolioDetails ?? []) {
        if (p.Id && p.DisplayName === displayName) {
          matches.push({
            id: p.Id,
            arn: p.ARN ?? '',
            displayName: p.DisplayName,
            ...(p.ProviderName ? { providerName: p.ProviderName } : {}),
          });
        }
      }
    }
  } catch (error) {
    throw awsFailure(error, 'servicecatalog:ListPortfolios');
  }
  if (matches.length > 1) {
    throw new OperationError(
      `${matches.length} portfolios are named "${displayName}" (${matches.map((m) => m.id).join(', ')}); cannot tell which is this installation's.`,
      { hint: 'Remove the stray portfolio in the Service Catalog console, or restore the portfolio stack.' },
    );
  }
  return matches[0];
}
