// What install prints around the steps: the plan before, the result after (text, or the --json document).
import type { ResourceChange } from '../../aws/stacks.js';
import { shareTargetText } from '../../core/options.js';
import { MANAGEMENT_HINT, type PlannedStep } from '../../core/plan.js';
import type { InstallRunResult } from '../../ops/install/index.js';
import type { PreparedInstall } from '../../ops/install/prepare.js';
import { hintCommand } from '../io/command-name.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Every step's change (the per-stack change-set tables as detail), above the one question. */
export function planChangesText(
  prepared: PreparedInstall,
  view: { changeTable(changes: ResourceChange[]): string },
): string {
  const lines = ['What the plan changes:'];
  for (const step of prepared.steps) {
    lines.push(`  ${step.id.padEnd(15)} ${step.changes ? 'changes' : 'no changes'}`);
    for (const l of step.lines) lines.push(`      ${l}`);
    for (const stack of step.stacks) {
      if (stack.changes.length === 0) continue;
      lines.push(
        ...view
          .changeTable(stack.changes)
          .split('\n')
          .map((l) => `      ${l}`),
      );
    }
  }
  const changed = prepared.steps.filter((s) => s.changes).length;
  lines.push(changed ? `${changed} step(s) with changes.` : 'Nothing to change.');
  return lines.join('\n');
}

/** Steps left out because no management credentials were given. */
function needingManagement(steps: { id: string; outcome?: string; detail?: string }[]): string[] {
  return steps.filter((s) => s.outcome === 'skipped' && s.detail === MANAGEMENT_HINT).map((s) => s.id);
}

export function dryRunResult(
  prepared: PreparedInstall,
  plan: PlannedStep[],
  elapsedMs: number,
): { data: unknown; text: string } {
  const missing = plan.filter((p) => !p.run && p.skipReason === MANAGEMENT_HINT).map((p) => p.id);
  const text = [
    `Dry run: nothing was changed. ${prepared.hasChanges ? `The plan has changes in ${prepared.steps.filter((s) => s.changes).length} step(s).` : 'The plan has no changes.'}`,
    ...(missing.length
      ? [
          `${missing.length} step(s) need management credentials (${missing.join(', ')}) and were not planned.`,
        ]
      : []),
    `Took ${seconds(elapsedMs)}.`,
  ].join('\n');
  const data = {
    dryRun: true,
    changes: prepared.hasChanges,
    steps: prepared.steps.map((s) => ({ id: s.id, changes: s.changes, lines: s.lines, stacks: s.stacks })),
    skipped: plan.filter((p) => !p.run).map((p) => ({ id: p.id, reason: p.skipReason })),
    elapsedMs,
  };
  return { data, text };
}

export function planText(steps: PlannedStep[], hubAccount: string, managementAccount?: string): string {
  const who = (s: PlannedStep) =>
    s.account === 'hub' ? `hub ${hubAccount}` : `management ${managementAccount ?? '(no credentials)'}`;
  return [
    'Plan:',
    ...steps.map((s, i) =>
      s.run
        ? `  ${i + 1}. ${s.id.padEnd(15)} ${who(s)}, ${s.region}: ${s.title}`
        : `  -  ${s.id.padEnd(15)} skipped: ${s.skipReason}`,
    ),
  ].join('\n');
}

export function installResult(
  run: InstallRunResult,
  where: {
    hubAccountId: string;
    managementAccountId?: string;
    region: string;
    dryRun: boolean;
    /** The permission set to assign next (identity-center principals). */
    permissionSetName?: string | undefined;
    elapsedMs?: number;
  },
): { data: unknown; text: string } {
  const { reports, outputs } = run;
  const portfolio = outputs.portfolio;
  const shares = outputs.share?.shares ?? [];
  const rollout = outputs['launch-roles']?.rollout;
  const ran = reports.filter((o) => o.outcome !== 'skipped');
  const missing = needingManagement(reports);
  const headline = where.dryRun
    ? 'Dry run: nothing was changed.'
    : missing.length > 0
      ? `Partly installed: ${missing.length} step(s) need management credentials (${missing.join(', ')}). Run again with --management-profile NAME or --management-role-arn ARN.`
      : ran.every((o) => o.outcome === 'no-changes')
        ? 'Install complete: no changes.'
        : 'Install complete.';
  const next = where.dryRun
    ? []
    : [
        'Next:',
        ...(where.permissionSetName
          ? [
              `  - assign the permission set ${where.permissionSetName} to users or groups in IAM Identity Center (AWS accounts → the account → Assign users or groups)`,
            ]
          : []),
        `  - send a test finding and check the email arrives: ${hintCommand('send-test-finding')}`,
      ];
  const text = [
    headline,
    ...reports.map((o) => `  ${o.id.padEnd(15)} ${o.outcome.padEnd(10)} ${o.detail}`),
    ...(portfolio?.productId
      ? [`Product ${portfolio.productId}, version ${portfolio.productVersion ?? '?'}`]
      : []),
    ...(portfolio?.portfolioId ? [`Portfolio ${portfolio.portfolioId}`] : []),
    ...(rollout && rollout.lines.length > 0
      ? [
          'Launch-role StackSet instances that did not succeed (launching the product fails there):',
          ...rollout.lines.map((l) => `  ${l}`),
        ]
      : []),
    ...next,
    ...(where.elapsedMs !== undefined ? [`Took ${seconds(where.elapsedMs)}.`] : []),
  ].join('\n');
  const { permissionSetName: _p, elapsedMs: _e, ...place } = where;
  const data = {
    ...place,
    partly: missing.length > 0,
    needManagementCredentials: missing,
    ...(where.elapsedMs !== undefined ? { elapsedMs: where.elapsedMs } : {}),
    steps: reports.map(({ ms: _ms, ...r }) => r),
    stacks: run.stacks,
    portfolioId: portfolio?.portfolioId,
    productId: portfolio?.productId,
    productVersion: portfolio?.productVersion,
    productTemplateUrl: outputs.templates?.productTemplateUrl,
    ...(rollout ? { stackInstances: { failed: rollout.failed, skipped: rollout.skipped } } : {}),
    ...(outputs.share
      ? {
          accountShareRecipients: outputs.share.recipients,
          accountsWithoutLaunchRole: outputs.share.withoutLaunchRole,
        }
      : {}),
    shares: shares.map((s) => ({ target: shareTargetText(s.target), outcome: s.outcome, errors: s.errors })),
    timing: {
      wallMs: run.wallMs,
      stepMs: run.stepMs,
      steps: Object.fromEntries(reports.flatMap((r) => (r.ms === undefined ? [] : [[r.id, r.ms]]))),
    },
  };
  return { data, text };
}
