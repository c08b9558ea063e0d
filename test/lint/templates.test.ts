// Every rendered variant of the infrastructure templates passes cfn-lint and checkov.
import { describe, expect, it } from 'vitest';
import { checkIamActions, checkTemplates, optionVariants, renderAllVariants } from './harness.js';

describe('rendered templates pass cfn-lint and checkov', () => {
  it('has no finding in any variant, and skips checkov checks only with a written reason', async () => {
    const variants = optionVariants();
    // 2 formatters × 2 principal types × launch role on/off, plus links on for lambda + Identity Center.
    expect(variants).toHaveLength(10);
    const templates = renderAllVariants();
    expect(templates.length).toBeGreaterThanOrEqual(variants.length * 2);

    const result = await checkTemplates(templates);

    expect(result.findings).toEqual([]);
    expect(result.checkovPassed).toBeGreaterThan(0);
    // The one deliberate exception: the access-log bucket does not log its own access.
    const infraSkips = result.suppressions.filter((s) => s.templates.some((t) => t.endsWith('.bucket')));
    expect(infraSkips.map((s) => `${s.rule} ${s.resource}`)).toEqual([
      'CKV_AWS_18 AWS::S3::Bucket.AccessLogBucket',
    ]);
    for (const s of result.suppressions) expect(s.comment.length).toBeGreaterThan(20);
  });

  it('names only real IAM actions, with "*" where an action takes no resource ARN', async () => {
    expect(await checkIamActions(renderAllVariants())).toEqual([]);
  });
});
