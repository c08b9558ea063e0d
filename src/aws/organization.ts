// The organization the solution spans: who the management account is, where the root and OUs are, and the
// organization-wide switches (Service Catalog's Organizations access, delegated administrators, StackSets
// trusted access). Every ID the original walkthrough made the user copy is looked up here.
import {
  ActivateOrganizationsAccessCommand,
  type CallAs,
  type CloudFormationClient,
  DescribeOrganizationsAccessCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeOrganizationCommand,
  type OrganizationsClient,
  paginateListDelegatedAdministrators,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import {
  EnableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
  type ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { OperationError, UsageError } from '../core/errors.js';
import { patterns } from '../core/patterns.js';
import { awsFailure, errorMessage, isAwsErrorNamed } from './aws-errors.js';
import { formatElapsed, type PollProgress, poll } from './poll.js';

export const SERVICE_CATALOG_PRINCIPAL = 'servicecatalog.amazonaws.com';

export interface OrganizationInfo {
  id: string;
  arn: string;
  managementAccountId: string;
  featureSet: string;
}

/** The caller's organization, or undefined when the account is in none. */
export async function describeOrganization(org: OrganizationsClient): Promise<OrganizationInfo | undefined> {
  try {
    const out = await org.send(new DescribeOrganizationCommand({}));
    const o = out.Organization;
    if (!o?.Id) return undefined;
    return {
      id: o.Id,
      arn: o.Arn ?? '',
      managementAccountId: o.MasterAccountId ?? '',
      featureSet: o.FeatureSet ?? '',
    };
  } catch (error) {
    if (isAwsErrorNamed(error, 'AWSOrganizationsNotInUseException')) return undefined;
    throw awsFailure(error, 'organizations:DescribeOrganization');
  }
}

export function callerIsManagementAccount(orgInfo: OrganizationInfo | undefined, accountId: string): boolean {
  return orgInfo !== undefined && orgInfo.managementAccountId === accountId;
}

/** The organization's root ID (`r-…`). An organization has exactly one root. */
export async function findRoot(org: OrganizationsClient): Promise<string> {
  try {
    for await (const page of paginateListRoots({ client: org }, {})) {
      const id = page.Roots?.find((r) => r.Id)?.Id;
      if (id) return id;
    }
  } catch (error) {
    throw awsFailure(error, 'organizations:ListRoots');
  }
  throw new OperationError('The organization has no root (organizations:ListRoots returned none).');
}

interface OuNode {
  id: string;
  name: string;
  /** Names from the root down, joined with `/`. */
  path: string;
}

async function childOus(
  org: OrganizationsClient,
  parent: OuNode | { id: string; path: string },
): Promise<OuNode[]> {
  const children: OuNode[] = [];
  try {
    for await (const page of paginateListOrganizationalUnitsForParent(
      { client: org },
      { ParentId: parent.id },
    )) {
      for (const ou of page.OrganizationalUnits ?? []) {
        if (!ou.Id || ou.Name === undefined) continue;
        children.push({
          id: ou.Id,
          name: ou.Name,
          path: parent.path ? `${parent.path}/${ou.Name}` : ou.Name,
        });
      }
    }
  } catch (error) {
    throw awsFailure(error, 'organizations:ListOrganizationalUnitsForParent');
  }
  return children;
}

/** OU names are unique under one parent (case-sensitively); accept a different case when it is unambiguous. */
function pickChild(children: OuNode[], name: string): OuNode | undefined {
  const exact = children.find((c) => c.name === name);
  if (exact) return exact;
  const folded = children.filter((c) => c.name.toLowerCase() === name.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

function listNames(nodes: OuNode[]): string {
  if (nodes.length === 0) return 'it has no child OUs';
  const names = nodes.map((n) => n.name).sort();
  const shown = names.slice(0, 10).join(', ');
  return `its OUs are: ${shown}${names.length > 10 ? `, … (${names.length} in all)` : ''}`;
}

export interface ResolveOusOptions {
  /** The flag or config key the references came from, for error messages (default `--share`). */
  field?: string;
}

/**
 * Resolves OU references to IDs, in order. IDs (`ou-…`, `r-…`) pass through unchecked; `root` is the root;
 * `A/B/C` is a path from the root; a bare name is searched in the whole tree and must match exactly one OU.
 */
export async function resolveOus(
  org: OrganizationsClient,
  refs: string[],
  options: ResolveOusOptions = {},
): Promise<string[]> {
  const field = options.field ?? '--share';
  let rootId: string | undefined;
  const children = new Map<string, Promise<OuNode[]>>();
  const getRoot = async () => {
    rootId ??= await findRoot(org);
    return { id: rootId, path: '' };
  };
  const childrenOf = (parent: { id: string; path: string }) => {
    let list = children.get(parent.id);
    if (!list) {
      list = childOus(org, parent);
      children.set(parent.id, list);
    }
    return list;
  };
  let everyOu: OuNode[] | undefined;
  const allOus = async () => {
    if (everyOu) return everyOu;
    const found: OuNode[] = [];
    let level: { id: string; path: string }[] = [await getRoot()];
    while (level.length > 0) {
      const next = (await Promise.all(level.map(childrenOf))).flat();
      found.push(...next);
      level = next;
    }
    everyOu = found;
    return found;
  };

  const ids: string[] = [];
  for (const raw of refs) {
    const ref = raw.trim();
    if (patterns.ouId.regex.test(ref) || patterns.rootId.regex.test(ref)) {
      ids.push(ref);
      continue;
    }
    if (ref.toLowerCase() === 'root') {
      ids.push((await getRoot()).id);
      continue;
    }
    const segments = ref
      .replace(/^\/+|\/+$/g, '')
      .split('/')
      .map((s) => s.trim());
    if (segments.length === 0 || segments.some((s) => s === '')) {
      throw new UsageError(`${field}: "${raw}" is not an OU ID, name or path (e.g. Workloads/Prod).`, {
        field,
      });
    }
    if (segments.length === 1) {
      const name = segments[0]!;
      const all = await allOus();
      let matches = all.filter((ou) => ou.name === name);
      if (matches.length === 0) matches = all.filter((ou) => ou.name.toLowerCase() === name.toLowerCase());
      if (matches.length === 0) {
        throw new UsageError(`${field}: no OU named "${name}" in the organization.`, {
          field,
          hint:
            all.length > 0
              ? `Known OUs: ${all
                  .map((o) => o.path)
                  .sort()
                  .slice(0, 20)
                  .join(', ')}`
              : undefined,
        });
      }
      if (matches.length > 1) {
        throw new UsageError(
          `${field}: OU name "${name}" is ambiguous; it matches ${matches.map((m) => `${m.path} (${m.id})`).join(', ')}.`,
          { field, hint: 'Give the path from the root (e.g. Workloads/Prod) or the OU ID.' },
        );
      }
      ids.push(matches[0]!.id);
      continue;
    }
    let parent: { id: string; path: string } = await getRoot();
    for (const name of segments) {
      const kids = await childrenOf(parent);
      const child = pickChild(kids, name);
      if (!child) {
        const where = parent.path ? `"${parent.path}"` : 'the root';
        throw new UsageError(
          `${field}: OU path "${raw}" not found: ${where} has no OU named "${name}"; ${listNames(kids)}.`,
          {
            field,
          },
        );
      }
      parent = child;
    }
    ids.push(parent.id);
  }
  return ids;
}

export async function isDelegatedAdmin(
  org: OrganizationsClient,
  accountId: string,
  servicePrincipal: string,
): Promise<boolean> {
  try {
    const pages = paginateListDelegatedAdministrators(
      { client: org },
      { ServicePrincipal: servicePrincipal },
    );
    for await (const page of pages) {
      if (page.DelegatedAdministrators?.some((a) => a.Id === accountId)) return true;
    }
    return false;
  } catch (error) {
    throw awsFailure(error, 'organizations:ListDelegatedAdministrators');
  }
}

/** Registers `accountId` as delegated administrator for the service; a second run reports 'already'. */
export async function registerDelegatedAdmin(
  org: OrganizationsClient,
  accountId: string,
  servicePrincipal: string,
): Promise<'registered' | 'already'> {
  try {
    await org.send(
      new RegisterDelegatedAdministratorCommand({ AccountId: accountId, ServicePrincipal: servicePrincipal }),
    );
    return 'registered';
  } catch (error) {
    if (isAwsErrorNamed(error, 'AccountAlreadyRegisteredException')) return 'already';
    throw awsFailure(error, 'organizations:RegisterDelegatedAdministrator');
  }
}

export type ServiceCatalogOrgAccessStatus = 'ENABLED' | 'UNDER_CHANGE' | 'DISABLED';

/** Service Catalog's AWS Organizations access (management account or delegated admin only). */
export async function serviceCatalogOrgAccessStatus(
  sc: ServiceCatalogClient,
): Promise<ServiceCatalogOrgAccessStatus> {
  try {
    const out = await sc.send(new GetAWSOrganizationsAccessStatusCommand({}));
    return (out.AccessStatus ?? 'DISABLED') as ServiceCatalogOrgAccessStatus;
  } catch (error) {
    throw awsFailure(error, 'servicecatalog:GetAWSOrganizationsAccessStatus');
  }
}

export interface OrgAccessWaitOptions {
  /** Between GetAWSOrganizationsAccessStatus calls; default 3 s. */
  pollIntervalMs?: number;
  /** Give up after this long (the change goes on in AWS); default 5 min. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called while the access is not ENABLED yet, with the status seen and the elapsed time. */
  onProgress?: (progress: PollProgress) => void;
}

const ORG_ACCESS_POLL_MS = 3_000;
const ORG_ACCESS_TIMEOUT_MS = 5 * 60_000;

/**
 * Turns on Service Catalog's AWS Organizations access (management account only) and waits until
 * GetAWSOrganizationsAccessStatus reads ENABLED: the status is UNDER_CHANGE while the change propagates
 * (valid values ENABLED | UNDER_CHANGE | DISABLED, Service Catalog API reference), and registering the
 * delegated administrator or sharing with the organization before it is ENABLED can be refused.
 * 'already' when it was on; an access already UNDER_CHANGE is waited for without asking again.
 */
export async function enableServiceCatalogOrgAccess(
  sc: ServiceCatalogClient,
  options: OrgAccessWaitOptions = {},
): Promise<'enabled' | 'already'> {
  const before = await serviceCatalogOrgAccessStatus(sc);
  if (before === 'ENABLED') return 'already';
  if (before === 'DISABLED') {
    try {
      await sc.send(new EnableAWSOrganizationsAccessCommand({}));
    } catch (error) {
      throw awsFailure(error, 'servicecatalog:EnableAWSOrganizationsAccess');
    }
  }
  await poll<void>(
    async () => {
      const status = await serviceCatalogOrgAccessStatus(sc);
      return status === 'ENABLED' ? { done: true, value: undefined } : { done: false, state: status };
    },
    {
      description: 'Service Catalog organization access to be ENABLED',
      intervalMs: options.pollIntervalMs ?? ORG_ACCESS_POLL_MS,
      timeoutMs: options.timeoutMs ?? ORG_ACCESS_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      timeoutError: (last) =>
        new OperationError(
          `Service Catalog organization access is still ${last.state ?? 'not ENABLED'} after ${formatElapsed(last.elapsedMs)}; stopped waiting for it.`,
          {
            hint: 'Check it with `aws servicecatalog get-aws-organizations-access-status` in the management account, then re-run the same command.',
          },
        ),
    },
  );
  return 'enabled';
}

export type StackSetsAccessStatus = 'ENABLED' | 'DISABLED' | 'DISABLED_PERMANENTLY';

/**
 * CloudFormation StackSets trusted access with Organizations. A delegated administrator must ask with
 * CallAs DELEGATED_ADMIN; the management account asks as SELF.
 */
export async function stackSetsTrustedAccess(
  cfn: CloudFormationClient,
  callAs: CallAs = 'SELF',
): Promise<StackSetsAccessStatus> {
  try {
    const out = await cfn.send(new DescribeOrganizationsAccessCommand({ CallAs: callAs }));
    return (out.Status ?? 'DISABLED') as StackSetsAccessStatus;
  } catch (error) {
    throw awsFailure(error, 'cloudformation:DescribeOrganizationsAccess');
  }
}

/** Activates StackSets trusted access. Only the management account can; the call takes no CallAs. */
export async function activateStackSetsTrustedAccess(
  cfn: CloudFormationClient,
): Promise<'activated' | 'already'> {
  if ((await stackSetsTrustedAccess(cfn, 'SELF')) === 'ENABLED') return 'already';
  try {
    await cfn.send(new ActivateOrganizationsAccessCommand({}));
    return 'activated';
  } catch (error) {
    if (isAwsErrorNamed(error, 'InvalidOperationException')) {
      throw new OperationError(
        `CloudFormation refused to activate StackSets trusted access (${errorMessage(error)}); only the management account can.`,
        { cause: error },
      );
    }
    throw awsFailure(error, 'cloudformation:ActivateOrganizationsAccess');
  }
}
