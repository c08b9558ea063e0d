// Tables fit the terminal: no line wider than the width, no word split by the terminal's wrap.
import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/cli/io/table.js';
import { formatStatus } from '../../src/cli/status/report.js';
import type { StatusReport } from '../../src/core/status.js';

const HEADER = ['Part', 'State', 'Account', 'Status', 'Version', 'Last update', 'Check'];
const ROWS = [
  ['Template bucket', 'present', 'hub 619046062056', 'CREATE_COMPLETE', '-', '2026-12-02 07:45:54Z', 'ok'],
  ['Launch-role StackSet', 'not-checked', 'management', '-', '-', '-', 'see below'],
];

const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('formatTable fits the width', () => {
  it('without a width: every cell whole, columns aligned', () => {
    const text = formatTable(HEADER, ROWS);
    expect(text.split('\n')[1]).toBe(
      'Template bucket       present      hub 619046062056  CREATE_COMPLETE  -        2026-12-02 07:45:54Z  ok',
    );
  });

  it('at 100 columns the widest columns give up width, cut with "…"', () => {
    const text = formatTable(HEADER, ROWS, { maxWidth: 100 });
    expect(widest(text)).toBeLessThanOrEqual(100);
    expect(text).toContain('…');
    expect(text.split('\n')[0]).toMatch(/^Part\s+State\s+Account\s+Status\s+Version\s+Last update\s+Check$/);
  });

  it('at 60 columns, where columns would be unreadable, each row becomes "Header: value" lines', () => {
    const text = formatTable(HEADER, ROWS, { maxWidth: 60 });
    expect(widest(text)).toBeLessThanOrEqual(60);
    // Whole words and values: nothing like "Stat/us" or "CREA/TE_COMPLETE".
    expect(text).toContain('Status:      CREATE_COMPLETE');
    expect(text).toContain('Last update: 2026-12-02 07:45:54Z');
    expect(text).toContain('Part:        Launch-role StackSet');
  });
});

describe('status headline', () => {
  const report = (installed: StatusReport['installed'], couldNotCheck: string[]): StatusReport =>
    ({
      hubAccountId: '619046062056',
      region: 'eu-west-1',
      installed,
      parts: [],
      problems: [],
      couldNotCheck,
    }) as unknown as StatusReport;
  const headline = (r: StatusReport) => formatStatus(r, () => '').split('\n')[0];

  it('says "unknown", not "not installed", when the lookups failed', () => {
    expect(headline(report('none', ['bucket', 'portfolio']))).toBe(
      'secnotify in hub account 619046062056, eu-west-1: unknown (could not check bucket, portfolio)',
    );
    expect(headline(report('partial', ['portfolio']))).toBe(
      'secnotify in hub account 619046062056, eu-west-1: partly installed (could not check portfolio)',
    );
  });

  it('says "not installed" only when every part was looked at', () => {
    expect(headline(report('none', []))).toBe(
      'secnotify in hub account 619046062056, eu-west-1: not installed',
    );
  });
});
