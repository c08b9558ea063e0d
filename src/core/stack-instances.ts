// What a launch-role StackSet roll-out left undone, as data for install's output, --json and status. One
// suspended or SCP-denied account fails its own stack instance (SOFT_FAILURE_TOLERANCE keeps the others
// going), so it is reported by account, not turned into a failed install.

/** A stack instance as the AWS layer lists it (src/aws/stacksets.ts StackInstance). */
export interface StackInstanceRow {
  account: string;
  region: string;
  status: string;
  detailedStatus?: string;
  statusReason?: string;
  organizationalUnitId?: string;
}

export interface InstanceProblem {
  account: string;
  region: string;
  /** FAILED, CANCELLED, INOPERABLE, FAILED_IMPORT or SKIPPED_SUSPENDED_ACCOUNT. */
  detailedStatus: string;
  reason: string;
  organizationalUnitId?: string;
}

export interface RolloutSummary {
  /** Instances whose operation failed or was cancelled: these accounts have no (current) launch role. */
  failed: InstanceProblem[];
  /** Suspended accounts StackSets skipped; they get the role when reactivated and deployed again. */
  skipped: InstanceProblem[];
  /** Every account in either list, sorted: the accounts where launching the product fails. */
  accountsWithoutRole: string[];
  /** One line per problem, failed first: `111122223333 eu-west-1 FAILED: <reason>`. */
  lines: string[];
}

const SKIPPED = new Set(['SKIPPED_SUSPENDED_ACCOUNT']);
const PROBLEM = new Set(['FAILED', 'CANCELLED', 'INOPERABLE', 'FAILED_IMPORT', 'SKIPPED_SUSPENDED_ACCOUNT']);

function problemOf(i: StackInstanceRow): InstanceProblem | undefined {
  // INOPERABLE also appears as the summary Status when the detailed status is missing.
  const detailed = i.detailedStatus ?? (i.status === 'INOPERABLE' ? 'INOPERABLE' : undefined);
  if (!detailed || !PROBLEM.has(detailed)) return undefined;
  return {
    account: i.account,
    region: i.region,
    detailedStatus: detailed,
    reason:
      i.statusReason?.trim() ||
      (detailed === 'SKIPPED_SUSPENDED_ACCOUNT' ? 'the account is suspended' : 'no reason given'),
    ...(i.organizationalUnitId ? { organizationalUnitId: i.organizationalUnitId } : {}),
  };
}

/**
 * Sorts stack instances into failed and skipped ones (instances that succeeded, or are still pending or
 * running, are left out); each account and Region appears once even if listed twice.
 */
export function summarizeStackInstances(instances: readonly StackInstanceRow[]): RolloutSummary {
  const byKey = new Map<string, InstanceProblem>();
  for (const i of instances) {
    const p = problemOf(i);
    if (p) byKey.set(`${p.account}/${p.region}`, p);
  }
  const order = (a: InstanceProblem, b: InstanceProblem) =>
    a.account.localeCompare(b.account) || a.region.localeCompare(b.region);
  const all = [...byKey.values()];
  const failed = all.filter((p) => !SKIPPED.has(p.detailedStatus)).sort(order);
  const skipped = all.filter((p) => SKIPPED.has(p.detailedStatus)).sort(order);
  return {
    failed,
    skipped,
    accountsWithoutRole: [...new Set(all.map((p) => p.account))].sort(),
    lines: [...failed, ...skipped].map((p) => `${p.account} ${p.region} ${p.detailedStatus}: ${p.reason}`),
  };
}
