// The hub Region: whether CloudFormation there offers every resource type the hub's stacks and the product
// use, from data generated out of cfn-lint's per-Region resource schemas (region-facts.generated.ts).

import { check, type DoctorCheck, type DoctorScope } from './model.js';
import { REGION_FACTS } from './region-facts.generated.js';

export interface RegionFacts {
  /** `cfn-lint <version>`. */
  source: string;
  /** Regions with their own resource list, sorted. */
  regions: string[];
  /** Region → template file → the resource types it uses that the Region lacks (only Regions lacking some). */
  missing: Record<string, Record<string, string[]>>;
}

/**
 * The templates whose stacks live in the hub Region: the bucket and portfolio stacks, the product that
 * subscribers launch from the hub's portfolio, and the launch-role stacks (the StackSet's own stack sits in
 * the management account, same Region). The permission set goes to the Identity Center home Region.
 */
const HUB_REGION_TEMPLATES: Record<string, string> = {
  'bucket.yaml': 'the bucket stack',
  'portfolio.yaml': 'the portfolio stack',
  'product.yaml': 'the product subscribers launch',
  'launch-role-stackset.yaml': 'the launch-role StackSet stack',
  'launch-role.yaml': 'the single-account launch-role stack',
};

/** Resource types the hub Region lacks, per template; undefined when the data does not know the Region. */
export function missingInRegion(
  region: string,
  facts: RegionFacts = REGION_FACTS,
): { template: string; what: string; types: string[] }[] | undefined {
  if (!facts.regions.includes(region)) return undefined;
  const lacking = facts.missing[region] ?? {};
  return Object.entries(HUB_REGION_TEMPLATES).flatMap(([template, what]) => {
    const types = lacking[template];
    return types && types.length > 0 ? [{ template, what, types }] : [];
  });
}

export function hubRegionCheck({ hub }: DoctorScope, facts: RegionFacts = REGION_FACTS): DoctorCheck {
  const id = 'hub-region';
  const region = hub.region;
  const title = `Hub Region ${region} offers the resource types`;
  const missing = missingInRegion(region, facts);
  if (!missing) {
    return check({
      id,
      title,
      verdict: 'warn',
      reason: `${facts.source} has no resource list for ${region}, so whether CloudFormation offers the Service Catalog resource types there was not checked.`,
      remedy: `Look in the console: CloudFormation in ${region} > Registry > Public extensions > AWS::ServiceCatalog::Portfolio; or use a hub Region it lists.`,
    });
  }
  if (missing.length > 0) {
    const types = [...new Set(missing.flatMap((m) => m.types))];
    const fit = facts.regions.filter((r) => !facts.missing[r] && r.split('-')[0] === region.split('-')[0]);
    return check({
      id,
      title,
      verdict: 'fail',
      // E3006 in cfn-lint: the Region's CloudFormation does not offer the type, so the stack cannot be created.
      reason: `CloudFormation in ${region} does not offer ${types.join(', ')} (per ${facts.source}), which ${missing.map((m) => m.what).join(' and ')} need${missing.length === 1 ? 's' : ''}: install would stop half-way there.`,
      remedy: `Choose another hub Region: --region <region>${fit.length > 0 ? ` (for example ${fit.slice(0, 3).join(', ')})` : ''}.`,
      blocking: true,
    });
  }
  return check({
    id,
    title,
    verdict: 'pass',
    reason: `CloudFormation in ${region} offers every resource type of the hub's stacks and the product (per ${facts.source}).`,
  });
}
