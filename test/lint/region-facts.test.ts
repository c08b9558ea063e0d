// The Region data doctor judges the hub Region by is generated from cfn-lint's per-Region resource schemas
// (scripts/gen-region-facts.ts); this fails when the installed cfn-lint or the templates say otherwise.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveRegionFacts, templateResourceTypes } from '../../scripts/region-facts/derive.js';
import { REGION_FACTS } from '../../src/core/doctor/region-facts.generated.js';

const ROOT = join(import.meta.dirname, '../..');

describe('region facts', () => {
  it('match what the installed cfn-lint says about the templates (regenerate: node scripts/run-ts.mjs scripts/gen-region-facts.ts)', () => {
    expect(REGION_FACTS).toEqual(deriveRegionFacts(ROOT));
  });

  it('know the Regions without Service Catalog CloudFormation resources, and read every template', () => {
    expect(Object.keys(REGION_FACTS.missing)).toEqual(
      expect.arrayContaining(['ap-east-2', 'ap-southeast-5', 'ap-southeast-7', 'mx-central-1']),
    );
    expect(REGION_FACTS.regions).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'cn-north-1']));
    const types = templateResourceTypes(join(ROOT, 'templates'));
    expect(types['portfolio.yaml']).toContain('AWS::ServiceCatalog::Portfolio');
    expect(types['product.yaml']).toContain('AWS::Events::Rule');
  });
});
