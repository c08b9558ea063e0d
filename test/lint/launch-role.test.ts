// The launch role and its permissions boundary against what a launch really needs, and nothing more:
// - every permission the CloudFormation resource handlers of the product's resource types publish
//   (handlers.create/update/delete/read.permissions in the resource schemas cfn-lint ships), on the names the
//   product creates, unless listed below as not needed with the reason;
// - what Service Catalog itself does with the role (AWS Service Catalog Administrator Guide, "Launch
//   constraints" and "Step 6: Add a launch constraint"; the original solution also granted ListStackResources);
// - mutating rights only on the product's names, and a boundary that covers exactly the formatter's role.
// A new resource type in the product fails here until its permissions are granted or explained.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../src/core/cfn-yaml.js';
import { renderInfrastructure } from '../../src/core/render/infrastructure.js';
import { renderProductTemplate } from '../../src/core/render/product.js';
import { packageRoot } from '../../src/core/render/templates-dir.js';
import { condition, evaluate } from '../support/cfn-eval.js';
import { optionVariants } from './harness.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
/** Service Catalog names a provisioned product's stack SC-<account>-pp-<id>. */
const STACK = `SC-${ACCOUNT}-pp-abcdefghijklm`;
const arn = (service: string, resource: string, region = REGION) =>
  `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;

/** The ARNs a launch creates, as CloudFormation names them (generated names are <stack>-<logical ID>-<suffix>). */
const PRODUCT_ARNS: Record<string, Record<string, string>> = {
  'AWS::SNS::Topic': { sns: arn('sns', `${STACK}-NotificationTopic-1A2B3C4D5E6F`) },
  'AWS::SNS::TopicPolicy': { sns: arn('sns', `${STACK}-NotificationTopic-1A2B3C4D5E6F`) },
  'AWS::SNS::Subscription': {
    sns: arn('sns', `${STACK}-NotificationTopic-1A2B3C4D5E6F:0b6b0c4e-9f1c-4bb1-a0a6-3b0d3c1e2f45`),
  },
  'AWS::Events::Rule': { events: arn('events', `rule/${STACK}-AsffFindingRule-1A2B3C4D5E6F`) },
  'AWS::Lambda::Function': { lambda: arn('lambda', `function:SecNotification-${STACK}`) },
  'AWS::Lambda::Permission': { lambda: arn('lambda', `function:SecNotification-${STACK}`) },
  'AWS::Logs::LogGroup': { logs: arn('logs', `log-group:/aws/lambda/SecNotification-${STACK}:*`) },
  'AWS::IAM::Role': { iam: `arn:aws:iam::${ACCOUNT}:role/SecNotificationLambda-${STACK}` },
  'AWS::SQS::Queue': { sqs: arn('sqs', `${STACK}-DeadLetterQueue-1A2B3C4D5E6F`) },
  'AWS::SQS::QueuePolicy': { sqs: arn('sqs', `${STACK}-TargetDeadLetterQueue-1A2B3C4D5E6F`) },
  'AWS::CloudWatch::Alarm': { cloudwatch: arn('cloudwatch', `alarm:${STACK}-DeadLetterAlarm-1A2B3C4D5E6F`) },
  // Chat channels: configurations named <stack>-slack / <stack>-teams (ARNs without region); the first one
  // creates Amazon Q Developer's service-linked role.
  'AWS::Chatbot::SlackChannelConfiguration': {
    chatbot: `arn:aws:chatbot::${ACCOUNT}:chat-configuration/slack-channel/${STACK}-slack`,
    iam: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/management.chatbot.amazonaws.com/AWSServiceRoleForAWSChatbot`,
  },
  'AWS::Chatbot::MicrosoftTeamsChannelConfiguration': {
    chatbot: `arn:aws:chatbot::${ACCOUNT}:chat-configuration/microsoft-teams-channel/${STACK}-teams`,
    iam: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/management.chatbot.amazonaws.com/AWSServiceRoleForAWSChatbot`,
  },
  // Digests: the queue's event source mapping (named by a UUID).
  'AWS::Lambda::EventSourceMapping': {
    lambda: arn('lambda', 'event-source-mapping:0b6b0c4e-9f1c-4bb1-a0a6-3b0d3c1e2f45'),
  },
};
const CHAT_ROLE = `arn:aws:iam::${ACCOUNT}:role/SecNotificationChat-${STACK}`;

/** Handler permissions the product does not need, per resource type, with the reason. */
const NOT_NEEDED: Record<string, Record<string, string>> = {
  'AWS::SNS::Topic': {
    'iam:GetRole': 'delivery-status logging roles: the topic sets none',
    'iam:PassRole': 'delivery-status logging roles: the topic sets none',
    'sns:PutDataProtectionPolicy': 'the topic sets no DataProtectionPolicy',
    'sns:Unsubscribe': 'the topic declares no inline Subscription (subscriptions are AWS::SNS::Subscription)',
  },
  'AWS::SNS::Subscription': {
    'iam:GetRole': 'SubscriptionRoleArn is for Firehose endpoints; email needs none',
    'iam:PassRole': 'SubscriptionRoleArn is for Firehose endpoints; email needs none',
  },
  'AWS::Events::Rule': {
    'iam:PassRole': 'targets with a RoleArn; the SNS and Lambda targets use resource policies instead',
  },
  'AWS::Lambda::Function': {
    'lambda:GetCodeSigningConfig': 'no CodeSigningConfigArn',
    'lambda:PutFunctionCodeSigningConfig': 'no CodeSigningConfigArn',
    'lambda:DeleteFunctionCodeSigningConfig': 'no CodeSigningConfigArn',
    'lambda:GetLayerVersion': 'no Layers',
    'lambda:PublishVersion': 'no published versions',
    'lambda:PutFunctionScalingConfig': 'no capacity provider (Lambda Managed Instances)',
    'lambda:PassCapacityProvider': 'no capacity provider (Lambda Managed Instances)',
    'lambda:AssociateRuntimeAlias': 'no runtime alias',
    's3:GetObject': 'the code is inline (ZipFile), not in S3',
    's3:GetObjectVersion': 'the code is inline (ZipFile), not in S3',
    'ec2:DescribeSecurityGroups': 'no VpcConfig',
    'ec2:DescribeSubnets': 'no VpcConfig',
    'ec2:DescribeVpcs': 'no VpcConfig',
    'ec2:DescribeNetworkInterfaces': 'no VpcConfig',
    'elasticfilesystem:DescribeMountTargets': 'no FileSystemConfigs',
    's3files:ListMountTargets': 'no FileSystemConfigs',
    'kms:CreateGrant': 'no KmsKeyArn: the environment uses the Lambda-owned key',
    'kms:Decrypt': 'no KmsKeyArn: the environment uses the Lambda-owned key',
    'kms:DescribeKey': 'no KmsKeyArn: the environment uses the Lambda-owned key',
    'kms:Encrypt': 'no KmsKeyArn: the environment uses the Lambda-owned key',
    'kms:GenerateDataKey': 'no KmsKeyArn: the environment uses the Lambda-owned key',
    'iam:PassRole': 'granted, but only to lambda.amazonaws.com (checked separately below)',
  },
  'AWS::Logs::LogGroup': {
    'logs:PutDataProtectionPolicy': 'no DataProtectionPolicy',
    'logs:CreateLogDelivery': 'no log delivery configured',
    's3:REST.PUT.OBJECT': 'no log delivery configured',
    'firehose:TagDeliveryStream': 'no log delivery configured',
    'logs:PutResourcePolicy': 'no ResourcePolicyDocument',
    'logs:DeleteResourcePolicy': 'no ResourcePolicyDocument',
    'logs:PutIndexPolicy': 'no FieldIndexPolicies',
    'logs:DeleteIndexPolicy': 'no FieldIndexPolicies',
    'logs:PutBearerTokenAuthentication': 'no BearerTokenAuthenticationEnabled',
    'logs:AssociateKmsKey': 'no KmsKeyId',
    'logs:DisassociateKmsKey': 'no KmsKeyId',
    'logs:PutLogGroupDeletionProtection': 'no DeletionProtectionEnabled',
  },
  'AWS::Chatbot::SlackChannelConfiguration': {
    'iam:PassRole':
      'granted, but only to chatbot.amazonaws.com and only the chat role (checked separately below)',
  },
  'AWS::Chatbot::MicrosoftTeamsChannelConfiguration': {
    'iam:PassRole':
      'granted, but only to chatbot.amazonaws.com and only the chat role (checked separately below)',
  },
  'AWS::Lambda::EventSourceMapping': {
    'kms:DescribeKey': 'no KmsKeyArn (filter criteria are not encrypted with a key of the product)',
    'kms:GenerateDataKey': 'no KmsKeyArn (filter criteria are not encrypted with a key of the product)',
    'kms:Decrypt': 'no KmsKeyArn (filter criteria are not encrypted with a key of the product)',
  },
  'AWS::IAM::Role': {
    'iam:UpdateRole': 'the template fixes the role description and session duration',
    'iam:UpdateRoleDescription': 'the template sets no description',
    'iam:UpdateAssumeRolePolicy':
      'deliberately not delegated: a product version could make the role trusted by an outside account',
    'iam:DeleteRolePermissionsBoundary': 'deliberately not delegated: it would lift the boundary',
  },
};

/** What Service Catalog does with the launch role itself, on the product's stack. */
const SERVICE_CATALOG_NEEDS = [
  'cloudformation:CreateStack',
  'cloudformation:UpdateStack',
  'cloudformation:DeleteStack',
  'cloudformation:DescribeStacks',
  'cloudformation:DescribeStackEvents',
  'cloudformation:GetTemplateSummary',
  'cloudformation:ValidateTemplate',
  'cloudformation:SetStackPolicy',
  'cloudformation:GetTemplate',
  'cloudformation:ListStackResources',
];

// ---------- the rendered templates ----------
const NO_VALUE = Symbol('NoValue');
function dropNoValue(node: unknown): unknown {
  if (Array.isArray(node)) return node.filter((n) => n !== NO_VALUE).map(dropNoValue);
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node)
        .filter(([, v]) => v !== NO_VALUE)
        .map(([k, v]) => [k, dropNoValue(v)]),
    );
  }
  return node;
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function launchRoleTemplate(formatter: 'lambda' | 'eventbridge'): CfnTemplate {
  const v = optionVariants().find((x) => x.options.formatter === formatter && x.options.launchRole)!;
  return renderInfrastructure(v.options, v.ctx).find((s) => s.id === 'launch-role')!.template;
}

function evaluated(t: CfnTemplate, params: Record<string, unknown>, id: string) {
  const all = { 'AWS::Partition': 'aws', 'AWS::AccountId': ACCOUNT, 'AWS::Region': REGION, ...params };
  const r = t.Resources[id]!;
  if (r.Condition && !condition(r.Condition as string, t, all)) return undefined;
  return dropNoValue(evaluate(r.Properties, t, { ...all, 'AWS::NoValue': NO_VALUE })) as Record<
    string,
    unknown
  >;
}

function roleStatements(formatter: 'lambda' | 'eventbridge'): Statement[] {
  const t = launchRoleTemplate(formatter);
  const p = evaluated(t, { Formatter: formatter, OrganizationId: 'o-abcdef1234' }, 'LaunchRole')!;
  return (p.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (x) => x.PolicyDocument.Statement,
  );
}

function boundaryStatements(): Statement[] {
  const t = launchRoleTemplate('lambda');
  const p = evaluated(t, { Formatter: 'lambda', OrganizationId: 'o-abcdef1234' }, 'PermissionsBoundary')!;
  return (p.PolicyDocument as { Statement: Statement[] }).Statement;
}

// ---------- a small Allow evaluator (actions and resources with wildcards; conditions are listed, not judged) ----------
const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
const asList = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

function allowing(statements: Statement[], action: string, resource: string): Statement | undefined {
  return statements.find(
    (s) =>
      s.Effect === 'Allow' &&
      asList(s.Action).some((a) => glob(a).test(action)) &&
      asList(s.Resource).some((r) => glob(r).test(resource)),
  );
}

function schemaPermissions(type: string): string[] {
  const dir = join(packageRoot(import.meta.url), '.venv/lib/python3.11/site-packages/cfnlint/data/schemas');
  const index = JSON.parse(readFileSync(join(dir, 'providers/us-east-1.json'), 'utf8')) as Record<
    string,
    string
  >;
  const hash = index[type];
  if (!hash) throw new Error(`cfn-lint has no schema for ${type}`);
  const schema = JSON.parse(readFileSync(join(dir, 'resources', `${hash}.json`), 'utf8')) as {
    handlers?: Record<string, { permissions?: string[] }>;
  };
  const perms = ['create', 'update', 'delete', 'read'].flatMap(
    (h) => schema.handlers?.[h]?.permissions ?? [],
  );
  if (perms.length === 0) throw new Error(`the ${type} schema lists no handler permissions`);
  return [...new Set(perms)];
}

const products = {
  lambda: renderProductTemplate(
    { ...optionVariants()[0]!.options, formatter: 'lambda', allowOrgWideSubscriptions: true },
    { lambdaCode: 'exports.handler = async () => {};' },
  ).template,
  eventbridge: renderProductTemplate(
    { ...optionVariants()[0]!.options, formatter: 'eventbridge', allowOrgWideSubscriptions: true },
    {},
  ).template,
};

describe('the launch role covers every resource handler of the product', () => {
  it.each(['lambda', 'eventbridge'] as const)('%s mode', (formatter) => {
    const statements = roleStatements(formatter);
    const types = [...new Set(Object.values(products[formatter].Resources).map((r) => r.Type))].sort();
    expect(types.length).toBeGreaterThan(3);
    const missing: string[] = [];
    for (const type of types) {
      const arns = PRODUCT_ARNS[type];
      if (!arns) {
        missing.push(`${type}: a resource type without an entry in PRODUCT_ARNS (which names does it get?)`);
        continue;
      }
      // Roles: the formatter's (lambda mode) and the chat channel role (both modes).
      const variants =
        type === 'AWS::IAM::Role' ? [...(formatter === 'lambda' ? [arns] : []), { iam: CHAT_ROLE }] : [arns];
      for (const names of variants) {
        for (const action of schemaPermissions(type)) {
          if (NOT_NEEDED[type]?.[action]) continue;
          const service = action.split(':')[0]!;
          const resource = names[service] ?? `arn:aws:${service}:${REGION}:${ACCOUNT}:unrelated`;
          if (!allowing(statements, action, resource)) missing.push(`${type}: ${action} on ${resource}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('lets the launch pass only its function roles, and only to Lambda', () => {
    const s = allowing(roleStatements('lambda'), 'iam:PassRole', PRODUCT_ARNS['AWS::IAM::Role']!.iam!);
    expect(s?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } });
    expect(
      allowing(roleStatements('lambda'), 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/Admin`),
    ).toBeUndefined();
  });

  it('lets the launch pass only its chat roles, and only to Amazon Q Developer', () => {
    for (const formatter of ['lambda', 'eventbridge'] as const) {
      const s = allowing(roleStatements(formatter), 'iam:PassRole', CHAT_ROLE);
      expect(s?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'chatbot.amazonaws.com' } });
      const create = allowing(roleStatements(formatter), 'iam:CreateRole', CHAT_ROLE);
      expect(create?.Condition).toEqual({
        StringEquals: {
          'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/SecurityHubNotificationsServiceCatalogPermissionBoundary`,
        },
      });
    }
  });

  it('creates event source mappings only for the product functions', () => {
    const s = allowing(
      roleStatements('lambda'),
      'lambda:CreateEventSourceMapping',
      PRODUCT_ARNS['AWS::Lambda::EventSourceMapping']!.lambda!,
    );
    expect(s?.Condition?.ArnLike).toEqual({
      'lambda:FunctionArn': `arn:aws:lambda:*:${ACCOUNT}:function:SecNotification-SC-*`,
    });
  });

  it('grants what Service Catalog does with the role on the product stack', () => {
    for (const formatter of ['lambda', 'eventbridge'] as const) {
      const statements = roleStatements(formatter);
      for (const action of SERVICE_CATALOG_NEEDS) {
        expect(
          allowing(statements, action, arn('cloudformation', `stack/${STACK}/0b6b0c4e`)),
          action,
        ).toBeDefined();
      }
      expect(
        allowing(statements, 'cloudformation:DeleteStack', arn('cloudformation', 'stack/prod-db/1')),
      ).toBe(undefined);
    }
  });

  it('lists as not needed only permissions the schemas still name', () => {
    for (const [type, actions] of Object.entries(NOT_NEEDED)) {
      const perms = schemaPermissions(type);
      for (const action of Object.keys(actions)) expect(perms, `${type} ${action}`).toContain(action);
    }
  });
});

describe('the launch role changes only what the product creates', () => {
  // Resources of the same account that are not the product's: a subscriber's launch must not touch them.
  const foreign: [string, string][] = [
    ['sns:SetTopicAttributes', arn('sns', 'security-alerts')],
    ['sns:DeleteTopic', arn('sns', 'security-alerts')],
    ['sns:Subscribe', arn('sns', 'security-alerts')],
    ['events:PutTargets', arn('events', 'rule/AutoRemediation')],
    ['events:DeleteRule', arn('events', 'rule/AutoRemediation')],
    ['lambda:AddPermission', arn('lambda', 'function:prod-api')],
    ['lambda:UpdateFunctionCode', arn('lambda', 'function:prod-api')],
    ['logs:DeleteLogGroup', arn('logs', 'log-group:/aws/lambda/prod-api:*')],
    ['logs:PutRetentionPolicy', arn('logs', 'log-group:audit')],
    ['iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/Admin`],
    ['iam:DeleteRole', `arn:aws:iam::${ACCOUNT}:role/Admin`],
    ['sqs:SetQueueAttributes', arn('sqs', 'orders')],
    ['sqs:DeleteQueue', arn('sqs', 'orders')],
    ['cloudwatch:DeleteAlarms', arn('cloudwatch', 'alarm:prod-latency')],
    ['cloudwatch:PutMetricAlarm', arn('cloudwatch', 'alarm:prod-latency')],
    [
      'chatbot:DeleteSlackChannelConfiguration',
      `arn:aws:chatbot::${ACCOUNT}:chat-configuration/slack-channel/ops`,
    ],
    [
      'chatbot:UpdateMicrosoftTeamsChannelConfiguration',
      `arn:aws:chatbot::${ACCOUNT}:chat-configuration/microsoft-teams-channel/ops`,
    ],
    ['iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/SecNotificationChatAdmin`],
    ['iam:CreateServiceLinkedRole', `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ops.amazonaws.com/Ops`],
  ];

  it.each(foreign)('refuses %s on %s', (action, resource) => {
    expect(allowing(roleStatements('lambda'), action, resource)).toBeUndefined();
    expect(allowing(roleStatements('eventbridge'), action, resource)).toBeUndefined();
  });

  it('uses "*" only for actions that take no resource ARN, always via CloudFormation', () => {
    const star = roleStatements('lambda').filter((s) => asList(s.Resource).includes('*'));
    expect(star.map((s) => s.Sid).sort()).toEqual([
      'CreateAndReadChatConfigurationsViaCloudFormation',
      'CreateEventSourceMappingsOfProductFunctions',
      'ListLogGroupsViaCloudFormation',
      'ManageSubscriptionsViaCloudFormation',
      'ReadProvisioningTemplate',
      'ReadTemplates',
    ]);
    for (const s of star.filter((x) => x.Sid?.endsWith('ViaCloudFormation'))) {
      expect(s.Condition).toEqual({
        'ForAnyValue:StringEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' },
      });
    }
  });
});

describe('the permissions boundary', () => {
  it('covers every right of the formatter role the product creates', () => {
    const boundary = boundaryStatements();
    // The role's own resources are GetAtt/Ref of the stack's topic, log group, queue and keys: judged by service.
    const role = products.lambda.Resources.FormatterRole!.Properties!;
    // Every policy of the role, those behind a condition (the digest queue's) included.
    const policies = (role.Policies as Record<string, unknown>[]).map(
      (p) =>
        ((p['Fn::If'] as unknown[] | undefined)?.[1] ?? p) as { PolicyDocument: { Statement: Statement[] } },
    );
    expect(policies.length).toBeGreaterThan(1);
    const policy = { Statement: policies.flatMap((p) => p.PolicyDocument.Statement) };
    const sample: Record<string, string> = {
      sns: PRODUCT_ARNS['AWS::SNS::Topic']!.sns!,
      logs: PRODUCT_ARNS['AWS::Logs::LogGroup']!.logs!,
      sqs: PRODUCT_ARNS['AWS::SQS::Queue']!.sqs!,
      kms: arn('kms', 'key/0b6b0c4e-9f1c-4bb1-a0a6-3b0d3c1e2f45'),
    };
    const actions = policy.Statement.flatMap((s) => asList(s.Action));
    expect(actions).toEqual(
      expect.arrayContaining([
        'sns:Publish',
        'sqs:SendMessage',
        'sqs:ReceiveMessage',
        'kms:GenerateDataKey*',
      ]),
    );
    for (const action of actions) {
      const concrete = action.replace('*', '');
      expect(allowing(boundary, concrete, sample[action.split(':')[0]!]!), action).toBeDefined();
    }
  });

  it('allows nothing outside the product: other topics, queues, log groups', () => {
    const boundary = boundaryStatements();
    expect(allowing(boundary, 'sns:Publish', arn('sns', 'security-alerts'))).toBeUndefined();
    expect(allowing(boundary, 'sqs:SendMessage', arn('sqs', 'orders'))).toBeUndefined();
    expect(allowing(boundary, 'sqs:ReceiveMessage', arn('sqs', 'orders'))).toBeUndefined();
    expect(allowing(boundary, 'logs:PutLogEvents', arn('logs', 'log-group:audit:*'))).toBeUndefined();
    expect(allowing(boundary, 'logs:CreateLogGroup', arn('logs', 'log-group:anything'))).toBeUndefined();
    const kms = allowing(boundary, 'kms:Decrypt', arn('kms', 'key/1'));
    expect(kms?.Condition).toEqual({ StringLike: { 'kms:ViaService': ['sns.*', 'sqs.*'] } });
  });
});
