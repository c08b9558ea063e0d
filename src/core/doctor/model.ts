// The doctor's vocabulary: the facts it judges, the settings it judges them against, the verdicts, and the
// small builders every area's checks share (src/core/doctor/*.ts).
import type { Fact, FactError, StackFact } from '../facts.js';
import { isDenied } from '../facts.js';
import type { OrganizationTree } from '../launch-coverage.js';
import type { PrincipalType, ShareTarget, StackNames } from '../options.js';

/**
 * pass: fine. todo: not done yet, and `install` does it itself (shown as "to do by install"; doctor does not
 * fail on it). warn: worth a look, or could not be checked. fail: must be fixed. skip: does not apply.
 */
export type Verdict = 'pass' | 'todo' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  /** Stable identifier, e.g. `organization-all-features` or `stack:portfolio`. */
  id: string;
  title: string;
  verdict: Verdict;
  reason: string;
  /** What to do: a command or a console path. Present on every todo, warn and fail. */
  remedy?: string;
  /** A failure `install` cannot get past (it fixes the organization setup itself, for instance). */
  blocking: boolean;
}

export interface DoctorReport {
  /** No check failed. */
  ok: boolean;
  /** No blocking check failed: what `install` needs. */
  installable: boolean;
  counts: Record<Verdict, number>;
  checks: DoctorCheck[];
}

export interface AccountFacts {
  accountId: string;
  arn: string;
  partition: string;
  region: string;
}

export interface OrganizationFacts {
  id: string;
  managementAccountId: string;
  /** `ALL` or `CONSOLIDATED_BILLING`. */
  featureSet: string;
}

/** One of the installation's stacks, where doctor looked for it. */
export interface DoctorStack {
  role: keyof StackNames;
  account: 'hub' | 'management';
  stackName: string;
  region: string;
  stack: Fact<StackFact>;
}

export interface DoctorFacts {
  hub: Fact<AccountFacts>;
  /** Left out when no management credentials were given (and the hub is not the management account). */
  management?: Fact<AccountFacts>;
  /** Absent: the account is not in an organization. */
  organization?: Fact<OrganizationFacts>;
  /** Service Catalog's AWS Organizations access status, and which credentials asked. */
  serviceCatalogAccess?: Fact<{ status: string; askedBy: 'hub' | 'management' }>;
  /** Whether the hub is delegated administrator for servicecatalog.amazonaws.com (asked by management only). */
  hubIsDelegatedAdmin?: Fact<boolean>;
  /** CloudFormation StackSets trusted access with Organizations (management only). */
  stackSetsAccess?: Fact<string>;
  /** Security Hub CSPM in the hub region; absent: not enabled. */
  securityHub?: Fact<{ hubArn: string; subscribedAt?: string }>;
  /** The OCSF-based Security Hub in the hub region; absent: not enabled. */
  securityHubV2?: Fact<{ hubArn: string }>;
  /** Cross-Region aggregation; absent: off. */
  aggregation?: Fact<{ region: string; linkingMode?: string; regions: string[] }>;
  /** The IAM Identity Center instance, the regions asked for it, and by which credentials. */
  identityCenter?: Fact<{
    askedBy: 'hub' | 'management';
    searched: string[];
    instance?: { instanceArn: string; identityStoreId?: string; homeRegion: string };
  }>;
  stacks?: DoctorStack[];
  /**
   * The organization tree, and the OUs the settings name by name or path resolved to IDs, read with
   * management credentials. Left out when there are none (or nothing to judge).
   */
  launchCoverage?: Fact<LaunchCoverageFacts>;
}

export interface LaunchCoverageFacts {
  tree: OrganizationTree;
  /** OU names and paths as the settings give them (`Workloads/Prod`), with their OU IDs. */
  ouIds: Record<string, string>;
}

export interface DoctorSettings {
  launchRole: boolean;
  principalType: PrincipalType;
  /** Identity Center home region given by the user; otherwise the hub region is tried. */
  idcRegion?: string;
  stackNames: StackNames;
  /** Who the portfolio is shared with; left out when not known (the launch-role reach is then not judged). */
  share?: ShareTarget[];
  /** Where the launch-role StackSet deploys: `root`, OU IDs or OU names. */
  stacksetTargets?: string[];
  /** Flags that name the credentials in remedies. */
  profileFlag?: string;
}

/** What every area's checks start from, once the hub credentials work. */
export interface DoctorScope {
  facts: DoctorFacts;
  settings: DoctorSettings;
  profileFlag: string;
  hub: AccountFacts;
  /** The management account's identity, when its credentials were given and work. */
  management?: AccountFacts;
  /** The hub's organization, when it is in one and the hub could ask. */
  org?: OrganizationFacts;
  hubIsManagement: boolean;
}

export const SC_PRINCIPAL = 'servicecatalog.amazonaws.com';

export const MANAGEMENT_HINT =
  'Run again with --management-profile <profile of the organization management account> so that this can be checked.';

type Draft = Omit<DoctorCheck, 'blocking'> & { blocking?: boolean };

export function check(draft: Draft): DoctorCheck {
  return { ...draft, blocking: draft.verdict === 'fail' && (draft.blocking ?? false) };
}

export function couldNotCheck(id: string, title: string, error: FactError, remedy: string): DoctorCheck {
  const denied = isDenied(error);
  return check({
    id,
    title,
    verdict: 'warn',
    reason: denied
      ? `Could not check: access denied (${error.message}).`
      : `Could not check: ${error.name}: ${error.message}`,
    remedy: error.hint && !denied ? error.hint : remedy,
  });
}

export function skipped(id: string, title: string, reason: string): DoctorCheck {
  return check({ id, title, verdict: 'skip', reason });
}
