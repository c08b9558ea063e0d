// What install prints around the steps: the plan before, the result after (text, or the --json document).
import { shareTargetText } from '../../core/options.js';
import type { PlannedStep } from '../../core/plan.js';
import type { InstallRunResult } from '../../ops/install/index.js';

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
  where: { hubAccountId: string; managementAccountId?: string; region: string; dryRun: boolean },
): { data: unknown; text: string } {
  const { reports, outputs } = run;
  const portfolio = outputs.portfolio;
  const shares = outputs.share?.shares ?? [];
  const rollout = outputs['launch-roles']?.rollout;
  const ran = reports.filter((o) => o.outcome !== 'skipped');
  const text = [
    where.dryRun
      ? 'Dry run: nothing was changed.'
      : ran.every((o) => o.outcome === 'no-changes')
        ? 'Install complete: no changes.'
        : 'Install complete.',
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
  ].join('\n');
  const data = {
    ...where,
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
