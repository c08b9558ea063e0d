// Large events: one summary e-mail listing the findings instead of one e-mail each.
import type { Email, EmailPlan, EmailSettings } from './format.js';
import {
  accountLabel,
  cleanLine,
  displayFinding,
  findingLink,
  fitSubject,
  MESSAGE_MAX_BYTES,
  utf8Bytes,
} from './text.js';

// ---------------------------------------------------------------------------------------------------
// Large events: one summary e-mail instead of one e-mail per finding.

/** An event with more findings to send than this becomes one summary e-mail. */
export const SUMMARY_THRESHOLD = 20;

export const SEVERITY_RANK: Record<string, number> = {
  Fatal: 6,
  Critical: 5,
  High: 4,
  Medium: 3,
  Low: 2,
  Informational: 1,
};

/**
 * One e-mail listing many findings (severity, title, resource, console link each), most severe first, cut
 * to stay within the SNS limit with "and N more".
 */
export function summaryEmail(plans: EmailPlan[], settings: EmailSettings): Email {
  const items = plans
    .map((p, index) => ({ p, index, d: displayFinding(p.finding) }))
    .sort(
      (a, b) => (SEVERITY_RANK[b.d.severity] ?? 0) - (SEVERITY_RANK[a.d.severity] ?? 0) || a.index - b.index,
    );
  const accounts = [...new Set(items.map((i) => i.d.accountId))];
  const names = [...new Set(items.map((i) => accountLabel(i.d, settings)))];
  const counts = new Map<string, number>();
  for (const { d } of items) counts.set(d.severity, (counts.get(d.severity) ?? 0) + 1);
  const countText = [...counts].map(([severity, n]) => `${n} ${severity}`).join(', ');
  const on = accounts.length === 1 ? names[0]! : `${accounts.length} accounts`;
  const subject = fitSubject(`${items.length} Security Hub findings on ${on}: ${countText}`);

  const head = [
    `One event brought ${items.length} Security Hub findings for this subscription (${countText}).`,
    `They are listed in this one e-mail instead of ${items.length} e-mails, most severe first; open each in the console for its details.`,
    '',
  ];
  const budget = MESSAGE_MAX_BYTES - utf8Bytes(subject) - 1024;
  let used = utf8Bytes(head.join('\n'));
  const body: string[] = [];
  let listed = 0;
  for (const { p, d } of items) {
    const first = d.resources[0];
    const more = d.resources.length > 1 ? ` (and ${d.resources.length - 1} more)` : '';
    const entry = [
      `${listed + 1}. ${d.severity}: ${d.title}`,
      `   Account:  ${accountLabel(d, { accountScope: 'organization' })}, ${d.region}`,
      `   Resource: ${first ? `${first.type} ${first.id}${more}` : '-'}`,
      ...(p.error ? [`   Note:     could not be formatted (${cleanLine(p.error).slice(0, 200)})`] : []),
      `   ${findingLink(p.finding, settings)}`,
      '',
    ].join('\n');
    const size = utf8Bytes(entry) + 1;
    if (used + size > budget) break;
    body.push(entry);
    used += size;
    listed++;
  }
  const lines = [...head, ...body];
  if (listed < items.length) {
    lines.push(
      `... and ${items.length - listed} more (not listed, to stay within the SNS 256 KB limit). Security Hub shows them all.`,
    );
  }
  return { subject, message: lines.join('\n').trimEnd() };
}

/** What is published for an event: one e-mail per finding, or one summary above SUMMARY_THRESHOLD. */
export interface Delivery {
  email: Email;
  plans: EmailPlan[];
  summary: boolean;
}

export function deliveriesFor(
  plans: EmailPlan[],
  settings: EmailSettings,
  threshold = SUMMARY_THRESHOLD,
): Delivery[] {
  const toSend = plans.filter((p) => p.email);
  if (toSend.length > threshold) {
    return [{ email: summaryEmail(toSend, settings), plans: toSend, summary: true }];
  }
  return toSend.map((p) => ({ email: p.email!, plans: [p], summary: false }));
}
