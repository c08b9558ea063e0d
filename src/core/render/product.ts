// Renders the product template (templates/product.yaml) for one installation: keeps the formatter mode's
// resources, writes the installer's choices into the parsed template (never by text substitution), inlines
// the bundled Lambda formatter, and hashes the result so that a changed template gets a new version.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnTemplate, dumpCfnYaml, parseCfnYaml } from '../cfn-yaml.js';
import { identityCenterLinks, type SecnotifyOptions } from '../options.js';
import { emailListPattern } from '../patterns.js';
import { packageRoot, readTemplate } from './templates-dir.js';

/** Conditional SNS subscriptions in the template: the most addresses one launch can name. */
export const MAX_EMAIL_ADDRESSES = 10;

/** CloudFormation's limit for a template body read from S3 (TemplateURL). */
export const MAX_TEMPLATE_BYTES = 1_000_000;

/** CloudFormation zips Code.ZipFile itself; the zipped file may not exceed 4 MB. Plain text bounds it safely. */
export const MAX_INLINE_CODE_BYTES = 4_000_000;

const LAMBDA_ONLY = [
  'FormatterLogGroup',
  'FormatterRole',
  'FormatterFunction',
  'AsffFormatterPermission',
  'OcsfFormatterPermission',
  'DeadLetterQueue',
  'DeadLetterAlarm',
  'DeadLetterAlarmPermission',
];
const LAMBDA_ONLY_OUTPUTS = ['DeadLetterQueueUrl'];
const EVENTBRIDGE_ONLY_OUTPUTS = ['TargetDeadLetterQueueUrl'];
const EVENTBRIDGE_ONLY = [
  'NotificationTopicPolicy',
  'ChatTopicPolicy',
  'TargetDeadLetterQueue',
  'TargetDeadLetterQueuePolicy',
  'TargetDeadLetterAlarm',
];
const RULES = ['AsffFindingRule', 'OcsfFindingRule'];
// Digests drain a queue with the Lambda formatter: eventbridge mode has no compute to do it, so its template
// has no Delivery choice (each finding, as before).
const DIGEST_RESOURCES = [
  'DigestQueue',
  'DigestEventSourceMapping',
  'DigestScheduleRule',
  'DigestSchedulePermission',
];
const DIGEST_CONDITIONS = ['Digest', 'Digest5Minutes', 'DigestScheduled'];
// Amazon Q Developer in chat applications is offered in the aws partition only; CloudFormation refuses a
// template naming a resource type its Region does not know, even behind a false condition, so hubs in
// aws-cn and aws-us-gov get the product without the chat parameters and resources.
const CHAT_RESOURCES = ['ChatTopic', 'ChatTopicPolicy', 'ChatChannelRole', 'SlackChannel', 'TeamsChannel'];
const CHAT_PARAMETERS = [
  'SlackWorkspaceId',
  'SlackChannelId',
  'TeamsTenantId',
  'TeamsTeamId',
  'TeamsChannelId',
];
/** The chat topic's target in eventbridge mode (an Fn::If on HasChat around it in the template). */
const CHAT_TARGET_ID = 'chat-topic';
const TARGET_ID = { lambda: 'formatter-lambda', eventbridge: 'email-topic' } as const;

export interface RenderedProduct {
  body: string;
  template: CfnTemplate;
  sha256: string;
}

/**
 * The email-list expression of the CLI, for CloudFormation: at most MAX_EMAIL_ADDRESSES addresses, and only
 * spaces around the commas (the template strips spaces before splitting; a tab would reach SNS).
 */
export function productEmailPattern(): string {
  const tail = ')*$';
  if (!emailListPattern.endsWith(tail)) {
    throw new Error('emailListPattern changed shape: update productEmailPattern to cap the address count.');
  }
  return `${emailListPattern.slice(0, -tail.length)}){0,${MAX_EMAIL_ADDRESSES - 1}}$`.replaceAll(
    String.raw`\s*`,
    ' *',
  );
}

/** The address pattern with only the installer's domains after the `@` (exact, lowercase). */
export function productEmailPatternForDomains(domains: string[]): string {
  const base = productEmailPattern();
  if (domains.length === 0) return base;
  const anyDomain = String.raw`@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`;
  if (!base.includes(anyDomain)) {
    throw new Error('emailListPattern changed shape: update productEmailPatternForDomains.');
  }
  const escaped = domains.map((d) => d.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return base.replaceAll(anyDomain, `@(${escaped.join('|')})`);
}

/**
 * An address pattern that also accepts an empty value: email is optional when a chat channel is given (the
 * template's AtLeastOneDestination rule asks for one destination at least).
 */
export function optionalPattern(pattern: string): string {
  if (!pattern.startsWith('^') || !pattern.endsWith('$'))
    throw new Error('the email pattern must be anchored');
  return `^(${pattern.slice(1, -1)})?$`;
}

/** The bundled formatter (dist/lambda/index.js) as text. */
export function loadLambdaBundle(): string {
  const file = join(packageRoot(), 'dist', 'lambda', 'index.js');
  if (!existsSync(file)) {
    throw new Error(`the Lambda formatter bundle ${file} is missing: run \`npm run build\` first.`);
  }
  return readFileSync(file, 'utf8');
}

function resource(template: CfnTemplate, id: string) {
  const r = template.Resources[id];
  if (!r) throw new Error(`templates/product.yaml has no resource ${id}`);
  return r;
}

function props(template: CfnTemplate, id: string): Record<string, unknown> {
  const r = resource(template, id);
  r.Properties ??= {};
  return r.Properties;
}

function removeParameter(template: CfnTemplate, name: string): void {
  delete template.Parameters?.[name];
  const iface = template.Metadata?.['AWS::CloudFormation::Interface'] as
    | { ParameterGroups?: { Parameters: string[] }[]; ParameterLabels?: Record<string, unknown> }
    | undefined;
  for (const group of iface?.ParameterGroups ?? [])
    group.Parameters = group.Parameters.filter((p) => p !== name);
  delete iface?.ParameterLabels?.[name];
}

/**
 * Settles an installer-level condition: every `Fn::If` on it takes the given branch, and the condition (and
 * the parameter only it used) disappears, so the launch form shows no choice that cannot be made.
 */
function settleCondition(template: CfnTemplate, name: string, value: boolean): void {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    if (entries.length === 1 && entries[0]![0] === 'Fn::If') {
      const [cond, a, b] = entries[0]![1] as [string, unknown, unknown];
      if (cond === name) return walk(value ? a : b);
    }
    if (entries.length === 1 && entries[0]![0] === 'Condition' && entries[0]![1] === name) {
      throw new Error(`product.yaml uses condition ${name} where it cannot be settled`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, walk(v)]));
  };
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Condition === name) throw new Error(`resource ${id} has condition ${name}`);
    template.Resources[id] = walk(r) as typeof r;
  }
  if (template.Outputs) template.Outputs = walk(template.Outputs) as typeof template.Outputs;
  delete template.Conditions?.[name];
}

export function renderProductTemplate(
  options: SecnotifyOptions,
  input: { lambdaCode?: string /** The hub region's partition (default aws). */; partition?: string },
): RenderedProduct {
  const template = parseCfnYaml(readTemplate('product.yaml'));
  const lambda = options.formatter === 'lambda';
  const links = identityCenterLinks(options);
  const chat = (input.partition ?? 'aws') === 'aws';

  const emails = template.Parameters?.EmailAddresses;
  if (!emails) throw new Error('templates/product.yaml has no EmailAddresses parameter');
  const emailPattern = productEmailPatternForDomains(options.allowedEmailDomains);
  emails.AllowedPattern = chat ? optionalPattern(emailPattern) : emailPattern;
  if (!chat) {
    for (const id of CHAT_RESOURCES) delete template.Resources[id];
    delete template.Outputs?.ChatTopicArn;
    for (const name of CHAT_PARAMETERS) removeParameter(template, name);
    const rules = template.Rules as Record<string, unknown> | undefined;
    for (const name of ['AtLeastOneDestination', 'SlackChannelComplete', 'TeamsChannelComplete'])
      delete rules?.[name];
    settleCondition(template, 'HasChat', false);
    for (const name of ['HasSlack', 'HasTeams']) delete template.Conditions?.[name];
    // Email is the only destination: it is required, and the first address always subscribes.
    delete resource(template, 'Subscription1').Condition;
    settleCondition(template, 'HasEmail1', true);
    emails.Description = String(emails.Description).replace(/ May be left empty when .*$/, '');
    emails.ConstraintDescription = `must be 1 to ${MAX_EMAIL_ADDRESSES} email addresses separated by commas.`;
  }
  if (options.allowedEmailDomains.length > 0) {
    const list = options.allowedEmailDomains.map((d) => d.toLowerCase()).join(', ');
    emails.ConstraintDescription = `must be 1 to ${MAX_EMAIL_ADDRESSES} email addresses at ${list} (lowercase domain), separated by commas.`;
    emails.Description = `${String(emails.Description)} Only addresses at ${list} are accepted.`;
  }
  if (!options.allowOrgWideSubscriptions) {
    settleCondition(template, 'AllAccounts', false);
    removeParameter(template, 'AccountScope');
  }

  for (const id of lambda ? EVENTBRIDGE_ONLY : LAMBDA_ONLY) {
    if (!chat && CHAT_RESOURCES.includes(id)) continue;
    resource(template, id);
    delete template.Resources[id];
  }
  for (const id of lambda ? EVENTBRIDGE_ONLY_OUTPUTS : LAMBDA_ONLY_OUTPUTS) delete template.Outputs?.[id];
  for (const id of chat ? ['NotificationTopic', 'ChatTopic'] : ['NotificationTopic']) {
    const topic = resource(template, id);
    if (lambda) delete topic.Metadata;
    else delete props(template, id).KmsMasterKeyId;
  }
  const isChatTarget = (t: Record<string, unknown>) => {
    const branch = (t['Fn::If'] as [string, { Id?: string }, unknown] | undefined)?.[1];
    return branch?.Id === CHAT_TARGET_ID;
  };
  for (const id of RULES) {
    const p = props(template, id);
    const keep = TARGET_ID[options.formatter];
    const targets = p.Targets as Record<string, unknown>[];
    // lambda mode: the formatter publishes the chat message itself; eventbridge mode: a chat target of its own.
    p.Targets = targets.filter((t) => t.Id === keep || (!lambda && isChatTarget(t)));
    if (!targets.some((t) => t.Id === keep)) throw new Error(`${id} has no target ${keep}`);
  }
  if (!lambda) {
    for (const id of DIGEST_RESOURCES) {
      resource(template, id);
      delete template.Resources[id];
    }
    delete template.Outputs?.DigestQueueUrl;
    removeParameter(template, 'Delivery');
    delete (template.Mappings as Record<string, unknown> | undefined)?.Delivery;
    for (const c of DIGEST_CONDITIONS) delete template.Conditions?.[c];
  }

  if (lambda) {
    const code = input.lambdaCode ?? loadLambdaBundle();
    if (Buffer.byteLength(code) > MAX_INLINE_CODE_BYTES) {
      throw new Error(
        `the Lambda bundle is ${Buffer.byteLength(code)} bytes; inline code must stay under 4 MB.`,
      );
    }
    const fn = props(template, 'FormatterFunction');
    fn.Code = { ZipFile: code };
    const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    env.TIME_ZONE = options.timezone;
    env.SKIP_REPEATED_FINDINGS = options.skipRepeatedFindings ? 'true' : 'false';
    if (links) {
      env.IDC_SUBDOMAIN = options.idcSubdomain;
    } else {
      delete env.IDC_SUBDOMAIN;
      delete env.IDC_PERMISSION_SET;
    }
    if (!options.launchRole) delete props(template, 'FormatterRole').PermissionsBoundary;
  }
  if (!options.launchRole && chat) {
    delete props(template, 'ChatChannelRole').PermissionsBoundary;
  }
  if (!links) removeParameter(template, 'PermissionSet');

  const body = dumpCfnYaml(template);
  const bytes = Buffer.byteLength(body);
  if (bytes > MAX_TEMPLATE_BYTES) {
    throw new Error(`the rendered product template is ${bytes} bytes; CloudFormation accepts at most 1 MB.`);
  }
  return { body, template, sha256: createHash('sha256').update(body).digest('hex') };
}
