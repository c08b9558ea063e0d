// The portfolio template with kept product versions (literal entries before the current one) passes
// cfn-lint and checkov like the first-install render the variant matrix checks.
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/core/options.js';
import { ARTIFACT_DESCRIPTION } from '../../src/core/product-versions.js';
import { renderInfrastructure } from '../../src/core/render/infrastructure.js';
import { checkTemplates } from './harness.js';

describe('portfolio with earlier product versions', () => {
  it('has no cfn-lint or checkov finding', async () => {
    const url = (h: string) =>
      `https://b.s3.eu-west-1.amazonaws.com/products/security-notifications-${h}.yaml`;
    const portfolio = renderInfrastructure(resolveOptions({ values: {}, sources: {} }), {
      hubRegion: 'eu-west-1',
      productTemplateUrl: url('3333333333333333'),
      productVersion: 'v3',
      earlierProductVersions: [
        { name: 'v1', templateUrl: url('1111111111111111'), description: ARTIFACT_DESCRIPTION },
        { name: 'v2', templateUrl: url('2222222222222222'), description: ARTIFACT_DESCRIPTION },
      ],
    }).find((s) => s.id === 'portfolio')!;
    const result = await checkTemplates([{ name: 'portfolio-versions', body: portfolio.body }]);
    expect(result.findings).toEqual([]);
    expect(result.checkedFiles).toBe(1);
    // cfn-lint and checkov start slowly on a loaded machine; the check itself takes about 10 s.
  }, 180_000);
});
