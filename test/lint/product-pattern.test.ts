// EventBridge accepts an event pattern of at most 2,048 characters ("Event pattern size", Amazon EventBridge
// quotas, eb-quota.html; adjustable per account, so a subscriber's account cannot be assumed to have more).
// The product's pattern grows with the subscriber's tag key, tag values and product names, so their
// parameters cap item counts and lengths; here every one of them is at its allowed maximum.
import { describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../src/core/cfn-yaml.js';
import { defaultOptions } from '../../src/core/options.js';
import { renderProductTemplate } from '../../src/core/render/product.js';
import { evaluate } from '../support/cfn-eval.js';
import { eventRuler } from '../support/eventruler.js';

const MAX_PATTERN_CHARACTERS = 2048;

const templates: [string, CfnTemplate][] = [
  ['own account', renderProductTemplate({ ...defaultOptions, formatter: 'eventbridge' }, {}).template],
  [
    'organization-wide allowed',
    renderProductTemplate(
      { ...defaultOptions, formatter: 'eventbridge', allowOrgWideSubscriptions: true },
      {},
    ).template,
  ],
];

const allowed = (t: CfnTemplate, name: string) => new RegExp(t.Parameters![name]!.AllowedPattern as string);
const item = (ch: string, n: number, i: number) => `${String(i % 10)}${ch.repeat(n - 1)}`;
const items = (ch: string, count: number, length: number) =>
  Array.from({ length: count }, (_, i) => item(ch, length, i)).join(',');

/** Every filter on, every list at its longest: the longest pattern a launch can produce. */
function worstCase(ch: string) {
  return {
    EmailAddresses: 'team@example.com',
    MinimumSeverity: 'Low',
    NotifyWhenResolved: 'Yes',
    FindingSource: 'Both',
    AccountScope: 'This account',
    TagKey: ch.repeat(128),
    TagValues: items(ch, 5, 128),
    ProductFilter: 'Exclude listed products',
    ProductList: items(ch, 8, 64),
    'AWS::AccountId': '111122223333',
  };
}

function patterns(t: CfnTemplate, params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(t.Resources)
      .filter(([, r]) => r.Type === 'AWS::Events::Rule')
      .map(([id, r]) => [id, evaluate(r.Properties!.EventPattern, t, params) as string]),
  );
}

describe('the event pattern at its largest', () => {
  // 'x' is one character; 'ß' and '€' are one character each too (the quota counts characters).
  describe.each(templates)('%s', (_, t) => {
    it.each(['x', '€'])(
      'every parameter at its maximum (%s) is allowed and stays within 2,048 characters',
      (ch) => {
        const params = worstCase(ch);
        for (const name of ['TagKey', 'TagValues', 'ProductList'] as const) {
          expect(allowed(t, name).test(params[name]), name).toBe(true);
        }
        const rendered = patterns(t, params);
        expect(Object.keys(rendered)).toEqual(['AsffFindingRule', 'OcsfFindingRule']);
        for (const [id, p] of Object.entries(rendered)) {
          const length = [...p].length;
          expect(length, `${id}: ${length} characters`).toBeLessThanOrEqual(MAX_PATTERN_CHARACTERS);
          // Really the worst case: the lists take most of the pattern.
          expect(length, id).toBeGreaterThan(1500);
        }
      },
    );

    it('refuses one more item or one more character in each list', () => {
      const p = worstCase('x');
      expect(allowed(t, 'TagKey').test(`${p.TagKey}x`)).toBe(false);
      expect(allowed(t, 'TagValues').test(`${p.TagValues},y`)).toBe(false);
      expect(allowed(t, 'TagValues').test(`${p.TagValues.slice(0, 128)}x`)).toBe(false);
      expect(allowed(t, 'ProductList').test(`${p.ProductList},y`)).toBe(false);
      expect(allowed(t, 'ProductList').test(`${p.ProductList.slice(0, 64)}x`)).toBe(false);
    });
  });

  it('refuses what would break the pattern JSON or the list: quotes, backslashes, control characters, spaces around commas', () => {
    const t = templates[0]![1];
    for (const bad of ['a"b', 'a\\b', 'a\nb', 'a\tb']) {
      expect(allowed(t, 'TagKey').test(bad), JSON.stringify(bad)).toBe(false);
      expect(allowed(t, 'TagValues').test(bad), JSON.stringify(bad)).toBe(false);
      expect(allowed(t, 'ProductList').test(bad), JSON.stringify(bad)).toBe(false);
    }
    expect(allowed(t, 'ProductList').test('GuardDuty, Inspector')).toBe(false);
    expect(allowed(t, 'ProductList').test('Security Hub,GuardDuty,IAM Access Analyzer')).toBe(true);
    expect(allowed(t, 'TagValues').test('')).toBe(true);
  });

  it('Event Ruler accepts the largest patterns and they still match a finding they should', () => {
    const t = templates[0]![1];
    const params = worstCase('x');
    const finding = {
      AwsAccountId: '111122223333',
      ProductName: 'Some other product',
      Severity: { Label: 'LOW' },
      Workflow: { Status: 'NEW' },
      Resources: [{ Id: 'r', Tags: { [params.TagKey]: params.TagValues.split(',')[4] } }],
    };
    const excluded = { ...finding, ProductName: params.ProductList.split(',')[7] };
    const event = (f: object) => ({
      source: 'aws.securityhub',
      'detail-type': 'Security Hub Findings - Imported',
      detail: { findings: [f] },
    });
    const result = eventRuler(patterns(t, params), { kept: event(finding), excluded: event(excluded) });
    expect(result.errors).toEqual({});
    expect(result.matches).toEqual({ kept: ['AsffFindingRule'], excluded: [] });
  });
});
