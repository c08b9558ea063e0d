// The status report as a table, and under it what looks wrong and what could not be checked. The verdicts
// come from src/core/status.ts.
import type { StatusReport } from '../../core/status.js';

function cell(value: string | undefined): string {
  return value && value.length > 0 ? value : '-';
}

function shortTime(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
}

/**
 * What is installed, as far as the lookups tell: "not installed" only when every part was looked at and
 * none is there; when a lookup failed, nothing found is "unknown", and what was found is "partly installed
 * or more". (A failed lookup is not an absent part.)
 */
export type InstalledVerdict = 'installed' | 'partly installed' | 'not installed' | 'unknown';

export function installedVerdict(report: StatusReport): InstalledVerdict {
  if (report.couldNotCheck.length > 0 && report.installed !== 'complete')
    return report.installed === 'none' ? 'unknown' : 'partly installed';
  return report.installed === 'none'
    ? 'not installed'
    : report.installed === 'complete'
      ? 'installed'
      : 'partly installed';
}

function headline(report: StatusReport): string {
  const verdict = installedVerdict(report);
  if (report.couldNotCheck.length === 0) return verdict;
  const what = `could not check ${report.couldNotCheck.join(', ')}`;
  return verdict === 'unknown' ? `unknown (${what})` : `${verdict} (${what})`;
}

/** The human table and, under it, what looks wrong and what could not be checked. */
export function formatStatus(
  report: StatusReport,
  table: (header: string[], rows: string[][]) => string,
): string {
  const rows = report.parts.map((p) => [
    p.title,
    p.state,
    p.account === 'hub' ? `hub ${p.accountId ?? ''}`.trim() : `management ${p.accountId ?? ''}`.trim(),
    cell(
      p.stackStatus ??
        (p.id === 'shares' && p.state === 'present'
          ? `${(p.details.shares as unknown[]).length} share(s)`
          : undefined),
    ),
    cell(p.version),
    shortTime(p.lastUpdated),
    p.problems.length > 0 ? `${p.problems.length} problem(s)` : p.reason ? 'see below' : 'ok',
  ]);
  const lines = [
    `secnotify in hub account ${report.hubAccountId}, ${report.region}: ${headline(report)}`,
    '',
    table(['Part', 'State', 'Account', 'Status', 'Version', 'Last update', 'Check'], rows),
  ];
  for (const list of report.lists ?? []) {
    lines.push('', list.title);
    for (const row of list.rows) lines.push(`  ${row}`);
  }
  if (report.problems.length > 0) {
    lines.push('', 'What looks wrong:');
    for (const p of report.problems) lines.push(`  - ${p}`);
  }
  const unchecked = report.parts.filter((p) => p.reason);
  if (unchecked.length > 0) {
    lines.push('', 'Not checked:');
    for (const p of unchecked) lines.push(`  - ${p.title}: ${p.reason}`);
  }
  return lines.join('\n');
}
