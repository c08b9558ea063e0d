// Eventbridge mode: the product template's input transformers keep finding text apart from the e-mail's
// own lines as far as an input transformer can (it cannot fold, clean, prefix or check a value).
import { describe, expect, it } from 'vitest';
import { defaultOptions } from '../../src/core/options.js';
import { renderProductTemplate } from '../../src/core/render/product.js';
import { eventbridgeEmails, resolveInputPath, transformerRules } from '../../src/notify/transformer.js';
import { fixtureFiles, loadFixture } from '../support/fixtures.js';

const load = loadFixture;
const listJson = fixtureFiles;
const events = [...listJson('events/asff'), ...listJson('events/ocsf'), 'crafted/forged-layout.json'];

const rendered = renderProductTemplate({ ...defaultOptions, formatter: 'eventbridge' }, {}).template;
const rules = transformerRules(rendered);
const DIVIDER =
  '"Everything below is text from the finding as the product that reported it wrote it. It is not checked: links in it do not come from this notification."';
/** Template variables that come from the event envelope (set by EventBridge) or are enums Security Hub checks. */
const TRUSTED = new Set(['region', 'severity', 'status', 'state', 'account']);

describe('eventbridge-mode text', () => {
  it('has one transformer per finding format', () => {
    expect(rules.map((r) => r.detailType).sort()).toEqual([
      'Findings Imported V2',
      'Security Hub Findings - Imported',
    ]);
  });

  it.each(rules.map((r) => [r.detailType, r] as const))(
    '%s: every value from the finding comes after the console link and the divider, on a prefixed line',
    (_type, rule) => {
      const lines = rule.transformer.InputTemplate.split('\n');
      const divider = lines.indexOf(DIVIDER);
      expect(divider).toBeGreaterThan(0);
      const link = lines.findIndex((l) => l.includes('https://'));
      expect(link).toBeLessThan(divider);
      // The console link is built from the envelope's region alone.
      expect([...lines[link]!.matchAll(/<([\w.-]+)>/g)].map((m) => m[1])).toEqual(['region', 'region']);
      lines.forEach((line, i) => {
        const variables = [...line.matchAll(/<([\w.-]+)>/g)].map((m) => m[1]!);
        if (variables.every((v) => TRUSTED.has(v))) return;
        expect(i, line).toBeGreaterThan(divider);
        expect(line, line).toMatch(/^" {2}│ /);
      });
      // The description can span lines the transformer cannot prefix, so it comes last.
      expect(lines.at(-1)).toBe('"  │ Description: <description>"');
      expect(lines.filter((l) => l.includes('<recommendationurl>'))).toEqual([
        '"  │ Link supplied by <product>: <recommendationurl>"',
      ]);
    },
  );

  it('maps scalar paths only: no fixture puts an object or array into a string (aws-contract C8)', () => {
    for (const path of events) {
      const event = load(path);
      for (const rule of rules.filter((r) => r.detailType === event['detail-type'])) {
        for (const [name, p] of Object.entries(rule.transformer.InputPathsMap)) {
          const value = resolveInputPath(event, p);
          expect(typeof value === 'object' && value !== null, `${path} ${name} ${p}`).toBe(false);
        }
      }
    }
  });

  it('the crafted finding’s forged section and link land after the genuine link, under the divider', () => {
    const [email] = eventbridgeEmails(load('crafted/forged-layout.json'), rendered);
    const lines = email!.message.split('\n');
    const divider = lines.indexOf(DIVIDER);
    const genuine = lines.indexOf(
      '"https://eu-west-1.console.aws.amazon.com/securityhub/home?region=eu-west-1#/findings"',
    );
    expect(genuine).toBeGreaterThan(0);
    expect(genuine).toBeLessThan(divider);
    for (const forged of [
      'awsapps.com.evil.example',
      'ID:     forged',
      'Recommendation',
      'javascript:',
      'Account',
    ]) {
      const at = lines.findIndex((l) => l.includes(forged));
      expect(at, forged).toBeGreaterThan(divider);
    }
    expect(email!.message).toContain('"  │ Link supplied by Acme Scanner');
    // What a transformer cannot do, and the Lambda formatter does: the RTL override stays in the text.
    expect(email!.message).toContain('\u202e');
  });
});
