// The product template at launch for every combination of destination (email, Slack, Microsoft Teams) and
// delivery (each finding, digests), in both formatter modes: the template's rule asks for one destination at
// least, each choice creates exactly its resources, and every reference of a created resource resolves.
// (cfn-lint and checkov check every branch of the rendered templates statically: test/lint/templates.test.ts.)
import { describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../src/core/cfn-yaml.js';
import { resolveOptions } from '../../src/core/options.js';
import { renderProductTemplate } from '../../src/core/render/product.js';
import { condition, evaluate } from '../support/cfn-eval.js';

const options = (formatter: 'lambda' | 'eventbridge') =>
  resolveOptions({ values: { formatter }, sources: {} });
const rendered = {
  lambda: renderProductTemplate(options('lambda'), { lambdaCode: 'exports.handler = async () => {};' })
    .template,
  eventbridge: renderProductTemplate(options('eventbridge'), {}).template,
};

const PSEUDO = {
  'AWS::AccountId': '111122223333',
  'AWS::Region': 'eu-west-1',
  'AWS::Partition': 'aws',
  'AWS::StackName': 'SC-111122223333-pp-abcdefghijklm',
};
const EMAIL = { EmailAddresses: 'team@example.com' };
const SLACK = { SlackWorkspaceId: 'T0123ABCD', SlackChannelId: 'C0123ABCDEF' };
const TEAMS = {
  TeamsTenantId: '12345678-90ab-cdef-1234-567890abcdef',
  TeamsTeamId: 'abcdef12-3456-7890-abcd-ef1234567890',
  TeamsChannelId: '19%3ab6ef35dc342d4a3bba4f3d6a1d2f8d2e%40thread.tacv2',
};
const DESTINATIONS: Record<string, Record<string, string>> = {
  none: {},
  email: EMAIL,
  slack: SLACK,
  teams: TEAMS,
  'email+slack': { ...EMAIL, ...SLACK },
  'email+teams': { ...EMAIL, ...TEAMS },
  'slack+teams': { ...SLACK, ...TEAMS },
  'email+slack+teams': { ...EMAIL, ...SLACK, ...TEAMS },
};
const DELIVERIES = ['EachFinding', 'Digest5Minutes', 'DigestHourly', 'DigestDaily'];

function launchParameters(t: CfnTemplate, given: Record<string, string>): Record<string, unknown> {
  const params: Record<string, unknown> = { ...PSEUDO };
  for (const [name, p] of Object.entries(t.Parameters ?? {})) params[name] = p.Default ?? '';
  for (const [name, value] of Object.entries(given)) {
    const p = t.Parameters?.[name];
    if (!p) throw new Error(`no parameter ${name}`);
    // The launch form accepts the value (the parameter's own pattern).
    if (p.AllowedPattern)
      expect(new RegExp(p.AllowedPattern as string).test(value), `${name}=${value}`).toBe(true);
    if (p.AllowedValues) expect(p.AllowedValues as string[]).toContain(value);
    params[name] = value;
  }
  return params;
}

/** Every logical ID a resolved node refers to (Ref, Fn::GetAtt, Fn::Sub ${X} / ${X.Attr}, DependsOn). */
function references(node: unknown, t: CfnTemplate, params: Record<string, unknown>, out = new Set<string>()) {
  if (Array.isArray(node)) {
    for (const n of node) references(n, t, params, out);
    return out;
  }
  if (node === null || typeof node !== 'object') return out;
  const entries = Object.entries(node);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    if (key === 'Fn::If') {
      const [name, a, b] = arg as [string, unknown, unknown];
      return references(condition(name, t, params) ? a : b, t, params, out);
    }
    if (key === 'Ref') {
      if (!(String(arg) in params) && arg !== 'AWS::NoValue') out.add(String(arg));
      return out;
    }
    if (key === 'Fn::GetAtt') {
      out.add(Array.isArray(arg) ? String(arg[0]) : String(arg).split('.')[0]!);
      return out;
    }
    if (key === 'Fn::Sub') {
      const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
      for (const m of text.matchAll(/\$\{([^}!.]+)(\.[^}]+)?\}/g)) {
        if (!(m[1]! in params) && !(m[1]! in vars)) out.add(m[1]!);
      }
      references(Object.values(vars), t, params, out);
      return out;
    }
  }
  for (const [, v] of entries) references(v, t, params, out);
  return out;
}

function launch(formatter: 'lambda' | 'eventbridge', given: Record<string, string>, t = rendered[formatter]) {
  const params = launchParameters(t, given);
  const rules = Object.fromEntries(
    Object.entries(
      (t.Rules ?? {}) as Record<string, { RuleCondition?: unknown; Assertions: { Assert: unknown }[] }>,
    ).map(([name, rule]) => [
      name,
      (rule.RuleCondition === undefined || evaluate(rule.RuleCondition, t, params) === true) &&
        rule.Assertions.some((a) => evaluate(a.Assert, t, params) !== true),
    ]),
  );
  const created = Object.entries(t.Resources)
    .filter(([, r]) => !r.Condition || condition(r.Condition as string, t, params))
    .map(([id]) => id);
  const dangling: string[] = [];
  for (const id of created) {
    const r = t.Resources[id]!;
    const refs = references([r.Properties ?? {}, r.DependsOn ?? []], t, params);
    for (const ref of refs) if (!created.includes(ref)) dangling.push(`${id} -> ${ref}`);
  }
  const failedRules = Object.entries(rules)
    .filter(([, failed]) => failed)
    .map(([name]) => name);
  return { t, params, created, dangling, failedRules };
}

const cases = (formatter: 'lambda' | 'eventbridge') =>
  Object.keys(DESTINATIONS).flatMap((destination) =>
    (formatter === 'lambda' ? DELIVERIES : ['EachFinding']).map(
      (delivery) => [destination, delivery] as const,
    ),
  );

describe.each(['lambda', 'eventbridge'] as const)('%s mode at launch', (formatter) => {
  it.each(cases(formatter))('%s, %s', (destination, delivery) => {
    const given = {
      ...DESTINATIONS[destination]!,
      ...(formatter === 'lambda' ? { Delivery: delivery } : {}),
    };
    const { t, params, created, dangling, failedRules } = launch(formatter, given);
    if (destination === 'none') {
      // The launch is refused before anything is created.
      expect(failedRules).toEqual(['AtLeastOneDestination']);
      return;
    }
    expect(failedRules).toEqual([]);
    expect(dangling).toEqual([]);
    const has = (id: string) => created.includes(id);
    const email = destination.includes('email');
    const slack = destination.includes('slack');
    const teams = destination.includes('teams');
    expect(has('Subscription1')).toBe(email);
    expect(has('ChatTopic')).toBe(slack || teams);
    expect(has('ChatChannelRole')).toBe(slack || teams);
    expect(has('SlackChannel')).toBe(slack);
    expect(has('TeamsChannel')).toBe(teams);
    expect(has('DigestQueue')).toBe(delivery !== 'EachFinding');
    expect(has('DigestEventSourceMapping')).toBe(delivery === 'Digest5Minutes');
    expect(has('DigestScheduleRule')).toBe(delivery === 'DigestHourly' || delivery === 'DigestDaily');

    if (slack) {
      const props = t.Resources.SlackChannel!.Properties!;
      const channel = {
        GuardrailPolicies: evaluate(props.GuardrailPolicies, t, params),
        ConfigurationName: evaluate(props.ConfigurationName, t, params),
      };
      // Nothing beyond reading notifications: the guardrail denies everything, the role holds no policy.
      expect(channel.GuardrailPolicies).toEqual(['arn:aws:iam::aws:policy/AWSDenyAll']);
      expect(t.Resources.ChatChannelRole!.Properties!.Policies).toBeUndefined();
      expect(channel.ConfigurationName).toBe('SC-111122223333-pp-abcdefghijklm-slack');
    }
    if (formatter === 'lambda') {
      const env = evaluate(
        (t.Resources.FormatterFunction!.Properties!.Environment as { Variables: unknown }).Variables,
        t,
        { ...params, ...Object.fromEntries(created.map((id) => [id, `<${id}>`])), 'AWS::NoValue': undefined },
      ) as Record<string, unknown>;
      expect(env.EMAIL_ENABLED).toBe(email ? 'true' : 'false');
      expect(env.DELIVERY).toBe(delivery === 'EachFinding' ? 'each' : 'digest');
    } else {
      const targets = references(t.Resources.AsffFindingRule!.Properties!.Targets, t, params);
      expect(targets.has('ChatTopic')).toBe(slack || teams);
    }
  });

  it('refuses a half-given channel', () => {
    expect(launch(formatter, { ...EMAIL, SlackWorkspaceId: 'T0123ABCD' }).failedRules).toEqual([
      'SlackChannelComplete',
    ]);
    expect(
      launch(formatter, { ...EMAIL, TeamsTenantId: TEAMS.TeamsTenantId, TeamsTeamId: TEAMS.TeamsTeamId })
        .failedRules,
    ).toEqual(['TeamsChannelComplete']);
  });
});

describe('hubs outside the aws partition', () => {
  it.each(['aws-cn', 'aws-us-gov'])('%s: no chat parameters or resources, email required', (partition) => {
    for (const formatter of ['lambda', 'eventbridge'] as const) {
      const t = renderProductTemplate(options(formatter), {
        lambdaCode: 'exports.handler = async () => {};',
        partition,
      }).template;
      // CloudFormation refuses a template naming a resource type its Region does not offer.
      expect(JSON.stringify(t)).not.toContain('AWS::Chatbot');
      expect(Object.keys(t.Parameters ?? {}).filter((p) => /Slack|Teams/.test(p))).toEqual([]);
      expect(new RegExp(t.Parameters!.EmailAddresses!.AllowedPattern as string).test('')).toBe(false);
      expect(t.Resources.Subscription1!.Condition).toBeUndefined();
      const { created, dangling, failedRules } = launch(formatter, EMAIL, t);
      expect(failedRules).toEqual([]);
      expect(dangling).toEqual([]);
      expect(created).not.toContain('ChatTopic');
    }
  });
});
