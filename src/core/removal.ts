// What `uninstall` removes, in which order, with which parts kept, decided from the installation facts
// (src/core/facts.ts). Pure: the AWS layer gathers, this decides, the uninstall steps carry it out.
// The order is the reverse of the install: shares, portfolio stack, buckets emptied, bucket stack, then in
// the management account the permission-set stack, the StackSet stack, and (opt-in) the organization setup.
import {
  describeShare,
  type InstallationFacts,
  type StackFact,
  valueIfKnown,
  valueOrThrow,
} from './facts.js';

export interface RemovalChoices {
  keepShares?: boolean;
  keepPortfolio?: boolean;
  keepBuckets?: boolean;
  keepPermissionSet?: boolean;
  keepLaunchRoles?: boolean;
  includeOrgSetup?: boolean;
}

export const REMOVAL_STEP_IDS = [
  'shares',
  'portfolio',
  'empty-buckets',
  'bucket-stack',
  'permission-set',
  'launch-roles',
  'org-setup',
] as const;
export type RemovalStepId = (typeof REMOVAL_STEP_IDS)[number];

export interface RemovalStep {
  id: RemovalStepId;
  account: 'hub' | 'management';
  region: string;
  title: string;
  run: boolean;
  skipReason?: string;
  /** Exactly what the step deletes, one line each. */
  items: string[];
}

export interface RemovalPlan {
  steps: RemovalStep[];
  /** True when no step runs. */
  nothingToRemove: boolean;
  /** What the user must know: subscriptions left behind, parts not checked, consequences of kept parts. */
  notes: string[];
}

const TITLES: Record<RemovalStepId, string> = {
  shares: 'Remove the portfolio shares',
  portfolio: 'Delete the portfolio stack (portfolio, product and its versions)',
  'empty-buckets': 'Empty the template and access-log buckets (every version and delete marker)',
  'bucket-stack': 'Delete the bucket stack',
  'permission-set': 'Delete the permission-set stack',
  'launch-roles': 'Delete the launch-role StackSet stack (the StackSet and its stack instances)',
  'org-setup': 'Undo the organization setup',
};

const NO_MANAGEMENT =
  'not checked: needs management-account credentials (--management-profile NAME or --management-role-arn ARN)';

function stackLine(stack: StackFact, where: string): string {
  return `stack ${stack.stackName} (${where}, ${stack.region}, ${stack.status})`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Decides the removal steps. Parts that are absent are skipped with a reason, so the same plan on a
 * second run is "nothing to remove". Throws an OperationError when a part that would be removed could
 * not be looked up: guessing would either leave it behind silently or fail half-way.
 */
export function planRemoval(facts: InstallationFacts, choices: RemovalChoices = {}): RemovalPlan {
  const hubWhere = `hub ${facts.hubAccountId}`;
  const hub = (id: RemovalStepId, fields: Omit<RemovalStep, 'id' | 'account' | 'region' | 'title'>) => ({
    id,
    account: 'hub' as const,
    region: facts.hubRegion,
    title: TITLES[id],
    ...fields,
  });
  const steps: RemovalStep[] = [];
  const notes: string[] = [];

  // Shares.
  const portfolioStack = valueOrThrow(
    facts.portfolioStack,
    `the portfolio stack ${facts.stackNames.portfolio}`,
  );
  const portfolio =
    portfolioStack && !(choices.keepShares && choices.keepPortfolio)
      ? valueOrThrow(facts.portfolio, 'the portfolio')
      : undefined;
  const shares =
    portfolio && !choices.keepShares ? (valueOrThrow(facts.shares, 'the portfolio shares') ?? []) : [];
  const sharesKept = Boolean(choices.keepShares && portfolioStack !== undefined);
  if (choices.keepShares) {
    steps.push(hub('shares', { run: false, skipReason: 'kept (--keep-shares)', items: [] }));
  } else if (!portfolio) {
    steps.push(
      hub('shares', {
        run: false,
        skipReason: portfolioStack ? 'the portfolio stack has no portfolio' : 'no portfolio is deployed',
        items: [],
      }),
    );
  } else if (shares.length === 0) {
    steps.push(
      hub('shares', { run: false, skipReason: `portfolio ${portfolio.id} has no shares`, items: [] }),
    );
  } else {
    steps.push(
      hub('shares', {
        run: true,
        items: shares.map((s) => `share of portfolio ${portfolio.id} with ${describeShare(s)}`),
      }),
    );
  }

  // Portfolio stack.
  let portfolioRemoved = false;
  if (choices.keepPortfolio) {
    steps.push(hub('portfolio', { run: false, skipReason: 'kept (--keep-portfolio)', items: [] }));
  } else if (!portfolioStack) {
    steps.push(hub('portfolio', { run: false, skipReason: 'not deployed', items: [] }));
  } else if (sharesKept) {
    steps.push(
      hub('portfolio', {
        run: false,
        skipReason:
          'kept: its shares are kept (--keep-shares), and Service Catalog cannot delete a shared portfolio',
        items: [],
      }),
    );
  } else {
    portfolioRemoved = true;
    const versions = (valueIfKnown(facts.productVersions) ?? []).map((v) => v.name);
    const what = [
      portfolio ? `portfolio ${portfolio.id}` : undefined,
      facts.productId ? `product ${facts.productId}` : undefined,
      versions.length ? `versions ${versions.join(', ')}` : undefined,
    ].filter(Boolean);
    steps.push(
      hub('portfolio', {
        run: true,
        items: [`${stackLine(portfolioStack, hubWhere)}${what.length ? `: ${what.join(', ')}` : ''}`],
      }),
    );
    const subscribers = valueIfKnown(facts.subscribers) ?? [];
    if (subscribers.length > 0) {
      notes.push(
        `${plural(subscribers.length, 'subscription')} (provisioned product${subscribers.length === 1 ? '' : 's'}) of this product in the hub account will be left without their product and are NOT deleted: ${subscribers
          .map((p) => `${p.name} (${p.id}, ${p.status}${p.versionName ? `, ${p.versionName}` : ''})`)
          .join('; ')}. Terminate them in Service Catalog > Provisioned products first if they should go.`,
      );
    } else if (facts.subscribers.state === 'unknown') {
      notes.push(
        `Could not list the subscriptions visible in the hub account: ${facts.subscribers.error.message}`,
      );
    }
    notes.push(
      'Subscriptions in member accounts are not visible from the hub and are not deleted: their stacks (named SC-<account>-pp-…) keep sending emails until each owner terminates the provisioned product (possible while the launch roles exist) or deletes that stack in CloudFormation.',
    );
  }
  const portfolioStays = portfolioStack !== undefined && !portfolioRemoved;

  // Buckets.
  const bucketStack =
    choices.keepBuckets || portfolioStays
      ? undefined
      : valueOrThrow(facts.bucketStack, `the bucket stack ${facts.stackNames.bucket}`);
  if (choices.keepBuckets) {
    for (const id of ['empty-buckets', 'bucket-stack'] as const) {
      steps.push(hub(id, { run: false, skipReason: 'kept (--keep-buckets)', items: [] }));
    }
  } else if (portfolioStays) {
    for (const id of ['empty-buckets', 'bucket-stack'] as const) {
      steps.push(
        hub(id, {
          run: false,
          skipReason: 'kept: the portfolio stack that stays loads the product template from this bucket',
          items: [],
        }),
      );
    }
  } else if (!bucketStack) {
    for (const id of ['empty-buckets', 'bucket-stack'] as const) {
      steps.push(hub(id, { run: false, skipReason: 'not deployed', items: [] }));
    }
  } else {
    const buckets = valueOrThrow(facts.buckets, 'the buckets of the bucket stack') ?? [];
    const full = buckets.filter((b) => b.exists && b.versions + b.deleteMarkers > 0);
    steps.push(
      full.length === 0
        ? hub('empty-buckets', { run: false, skipReason: 'the buckets are already empty', items: [] })
        : hub('empty-buckets', {
            run: true,
            items: full.map(
              (b) =>
                `bucket ${b.name} (${b.role}): ${plural(b.versions, 'object version')}, ${plural(b.deleteMarkers, 'delete marker')}`,
            ),
          }),
    );
    steps.push(
      hub('bucket-stack', {
        run: true,
        items: [
          `${stackLine(bucketStack, hubWhere)}${buckets.length ? `: buckets ${buckets.map((b) => b.name).join(', ')}` : ''}`,
        ],
      }),
    );
  }

  // Management account.
  const mgmt = facts.management;
  const mgmtStep = (
    id: RemovalStepId,
    region: string,
    fields: Omit<RemovalStep, 'id' | 'account' | 'region' | 'title'>,
  ): RemovalStep => ({ id, account: 'management', region, title: TITLES[id], ...fields });
  const mgmtWhere = mgmt ? `management ${mgmt.accountId}` : 'management';

  if (!mgmt) {
    steps.push(
      mgmtStep('permission-set', facts.hubRegion, { run: false, skipReason: NO_MANAGEMENT, items: [] }),
    );
    steps.push(
      mgmtStep('launch-roles', facts.hubRegion, { run: false, skipReason: NO_MANAGEMENT, items: [] }),
    );
    steps.push(
      mgmtStep('org-setup', facts.hubRegion, {
        run: false,
        skipReason: choices.includeOrgSetup ? NO_MANAGEMENT : 'kept (pass --include-org-setup to undo it)',
        items: [],
      }),
    );
    notes.push(
      `The permission-set stack (${facts.stackNames.permissionSet}) and the launch-role StackSet stack (${facts.stackNames.launchRoleStackSet}) live in the management account and were not checked: run again with --management-profile or --management-role-arn to remove them.`,
    );
    return finish(steps, notes);
  }

  if (choices.keepPermissionSet) {
    steps.push(
      mgmtStep('permission-set', mgmt.region, {
        run: false,
        skipReason: 'kept (--keep-permission-set)',
        items: [],
      }),
    );
  } else {
    const stack = valueOrThrow(
      mgmt.permissionSetStack,
      `the permission-set stack ${facts.stackNames.permissionSet}`,
    );
    steps.push(
      stack
        ? mgmtStep('permission-set', stack.region, {
            run: true,
            items: [
              `${stackLine(stack, mgmtWhere)}${stack.parameters.PermissionSetName ? `: permission set ${stack.parameters.PermissionSetName}` : ''}`,
            ],
          })
        : mgmtStep('permission-set', mgmt.region, { run: false, skipReason: 'not deployed', items: [] }),
    );
  }

  if (choices.keepLaunchRoles) {
    steps.push(
      mgmtStep('launch-roles', mgmt.region, {
        run: false,
        skipReason: 'kept (--keep-launch-roles)',
        items: [],
      }),
    );
  } else {
    const stack = valueOrThrow(
      mgmt.launchRoleStack,
      `the launch-role StackSet stack ${facts.stackNames.launchRoleStackSet}`,
    );
    if (!stack) {
      steps.push(
        mgmtStep('launch-roles', mgmt.region, { run: false, skipReason: 'not deployed', items: [] }),
      );
    } else {
      const stackSet = valueOrThrow(mgmt.stackSet, 'the launch-role StackSet');
      const instances = stackSet?.instances ?? [];
      const accounts = [...new Set(instances.map((i) => i.account))];
      steps.push(
        mgmtStep('launch-roles', stack.region, {
          run: true,
          items: [
            `${stackLine(stack, mgmtWhere)}${
              stackSet
                ? `: StackSet ${stackSet.name} with ${plural(instances.length, 'stack instance')}${accounts.length ? ` (accounts ${accounts.slice(0, 20).join(', ')}${accounts.length > 20 ? ', …' : ''})` : ''}, each holding the launch role of its account`
                : ''
            }`,
          ],
        }),
      );
      if (portfolioStays) {
        notes.push(
          'The portfolio is kept but the launch roles are removed: its launch-role constraint then names a role that no longer exists, so launches and updates of the product fail.',
        );
      }
    }
  }

  if (!choices.includeOrgSetup) {
    steps.push(
      mgmtStep('org-setup', mgmt.region, {
        run: false,
        skipReason: 'kept (pass --include-org-setup to undo it)',
        items: [],
      }),
    );
  } else if (portfolioStays) {
    steps.push(
      mgmtStep('org-setup', mgmt.region, {
        run: false,
        skipReason: 'kept: the portfolio stays, and its organization shares need it',
        items: [],
      }),
    );
  } else {
    const org = valueOrThrow(mgmt.orgSetup, 'the organization setup');
    const items: string[] = [];
    if (org?.hubIsDelegatedAdmin) {
      items.push(
        `delegated administration of account ${facts.hubAccountId} for servicecatalog.amazonaws.com`,
      );
    }
    if (org && org.serviceCatalogAccess !== 'DISABLED')
      items.push("Service Catalog's AWS Organizations access");
    steps.push(
      items.length === 0
        ? mgmtStep('org-setup', mgmt.region, { run: false, skipReason: 'nothing to undo', items: [] })
        : mgmtStep('org-setup', mgmt.region, { run: true, items }),
    );
    if (org?.stackSetsTrustedAccess === 'ENABLED') {
      notes.push(
        'CloudFormation StackSets trusted access stays active: every service-managed StackSet of the organization relies on it. Turn it off yourself (aws cloudformation deactivate-organizations-access) if nothing else uses it.',
      );
    }
  }
  return finish(steps, notes);
}

function finish(steps: RemovalStep[], notes: string[]): RemovalPlan {
  return { steps, nothingToRemove: steps.every((s) => !s.run), notes };
}

/** The plan as the list shown before the confirmation. */
export function formatRemovalPlan(plan: RemovalPlan): string {
  const lines: string[] = ['Will remove, in this order:'];
  let n = 0;
  for (const step of plan.steps) {
    if (!step.run) continue;
    n += 1;
    lines.push(`  ${n}. ${step.title} (${step.account} account, ${step.region}):`);
    for (const item of step.items) lines.push(`       - ${item}`);
  }
  const skipped = plan.steps.filter((s) => !s.run);
  if (skipped.length > 0) {
    lines.push('Not removed:');
    for (const s of skipped) lines.push(`  -  ${s.id.padEnd(14)} ${s.skipReason ?? ''}`);
  }
  for (const note of plan.notes) lines.push(`Note: ${note}`);
  return lines.join('\n');
}
