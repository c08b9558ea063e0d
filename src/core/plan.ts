// The install plan: which steps run, in which account and region, and which are left out and why.
// Pure: the CLI gathers who the caller is, this decides, the AWS layer carries it out.
import { UsageError } from './errors.js';
import type { SecnotifyOptions } from './options.js';

export const STEP_IDS = [
  'org-setup',
  'launch-roles',
  'templates',
  'portfolio',
  'share',
  'permission-set',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export type AccountRole = 'hub' | 'management';

export interface PlannedStep {
  id: StepId;
  account: AccountRole;
  region: string;
  title: string;
  run: boolean;
  /** Why a step does not run (absent credentials, an option that makes it unnecessary, not selected). */
  skipReason?: string;
}

export interface PlanInput {
  options: SecnotifyOptions;
  hubRegion: string;
  /** Identity Center home region (looked up), for the permission-set step. */
  idcHomeRegion?: string;
  /** Whether management-account credentials were given (or the caller is the management account). */
  haveManagementCredentials: boolean;
  /** --steps, when given. */
  selected?: StepId[];
}

const TITLES: Record<StepId, string> = {
  'org-setup':
    'Organization setup (Service Catalog access, delegated administrator, StackSets trusted access)',
  'launch-roles': 'Launch-role StackSet in every member account',
  templates: 'Template bucket and product template upload',
  portfolio: 'Service Catalog portfolio and product',
  share: 'Portfolio shares',
  'permission-set': 'IAM Identity Center permission set',
};

export const MANAGEMENT_HINT =
  'needs management-account credentials: pass --management-profile NAME or --management-role-arn ARN';

export function parseSteps(value: string): StepId[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) {
    throw new UsageError(`--steps: expected a comma list of ${STEP_IDS.join(', ')}.`, { field: '--steps' });
  }
  for (const item of items) {
    if (!(STEP_IDS as readonly string[]).includes(item)) {
      throw new UsageError(
        `--steps: "${item}" is not a step; expected a comma list of ${STEP_IDS.join(', ')}.`,
        {
          field: '--steps',
        },
      );
    }
  }
  return STEP_IDS.filter((id) => items.includes(id));
}

export function planInstall(input: PlanInput): PlannedStep[] {
  const { options } = input;
  return STEP_IDS.map((id): PlannedStep => {
    const account: AccountRole =
      id === 'org-setup' || id === 'launch-roles' || id === 'permission-set' ? 'management' : 'hub';
    const region =
      id === 'permission-set'
        ? (input.idcHomeRegion ?? options.idcRegion ?? input.hubRegion)
        : input.hubRegion;
    const step: PlannedStep = { id, account, region, title: TITLES[id], run: true };
    const skip = (reason: string): PlannedStep => ({ ...step, run: false, skipReason: reason });
    if (input.selected && !input.selected.includes(id)) return skip('not selected with --steps');
    if (id === 'launch-roles' && !options.launchRole) return skip('--no-launch-role');
    if (id === 'share' && options.share.length === 0) return skip('--share none');
    if (id === 'permission-set' && options.principalType !== 'identity-center')
      return skip('--principal-type iam-role');
    if (account === 'management' && !input.haveManagementCredentials) return skip(MANAGEMENT_HINT);
    return step;
  });
}
