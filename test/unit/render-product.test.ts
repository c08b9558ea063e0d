import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultOptions, type SecnotifyOptions } from '../../src/core/options.js';
import {
  loadLambdaBundle,
  MAX_EMAIL_ADDRESSES,
  optionalPattern,
  productEmailPattern,
  productEmailPatternForDomains,
  renderProductTemplate,
} from '../../src/core/render/product.js';
import { packageRoot } from '../../src/core/render/templates-dir.js';

const stub = 'exports.handler = async () => "stub formatter";';
const lambda = (o: Partial<SecnotifyOptions> = {}) =>
  renderProductTemplate({ ...defaultOptions, ...o }, { lambdaCode: stub });
const eventbridge = () => renderProductTemplate({ ...defaultOptions, formatter: 'eventbridge' }, {});
const types = (r: ReturnType<typeof lambda>) => Object.values(r.template.Resources).map((x) => x.Type);

describe('renderProductTemplate', () => {
  it('lambda mode carries the function with the given code, its role, log group, and the env vars', () => {
    const r = lambda({ timezone: 'Europe/Berlin', skipRepeatedFindings: false });
    const fn = r.template.Resources.FormatterFunction!.Properties!;
    expect((fn.Code as { ZipFile: string }).ZipFile).toBe(stub);
    expect(fn.Runtime).toBe('nodejs24.x');
    expect(fn.Handler).toBe('index.handler');
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toEqual({
      SNS_TOPIC_ARN: { Ref: 'NotificationTopic' },
      DEAD_LETTER_QUEUE_URL: { Ref: 'DeadLetterQueue' },
      ACCOUNT_SCOPE: 'own',
      SUBSCRIPTION_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
      TIME_ZONE: 'Europe/Berlin',
      SKIP_REPEATED_FINDINGS: 'false',
      EMAIL_ENABLED: { 'Fn::If': ['HasEmail1', 'true', 'false'] },
      CHAT_TOPIC_ARN: { 'Fn::If': ['HasChat', { Ref: 'ChatTopic' }, { Ref: 'AWS::NoValue' }] },
      DELIVERY: { 'Fn::If': ['Digest', 'digest', 'each'] },
      DIGEST_QUEUE_URL: { 'Fn::If': ['Digest', { Ref: 'DigestQueue' }, { Ref: 'AWS::NoValue' }] },
      DIGEST_PERIOD: { 'Fn::FindInMap': ['Delivery', { Ref: 'Delivery' }, 'Period'] },
    });
    expect(types(r)).toEqual(
      expect.arrayContaining(['AWS::IAM::Role', 'AWS::Logs::LogGroup', 'AWS::Lambda::Permission']),
    );
    expect(r.template.Resources.NotificationTopicPolicy).toBeUndefined();
    for (const id of ['AsffFindingRule', 'OcsfFindingRule']) {
      const targets = r.template.Resources[id]!.Properties!.Targets as {
        Id: string;
        InputTransformer?: unknown;
      }[];
      expect(targets.map((t) => t.Id)).toEqual(['formatter-lambda']);
    }
    expect(r.body).toContain('stub formatter');
  });

  it('eventbridge mode creates no Lambda, IAM only for a chat channel, and sends through the topic with an input transformer', () => {
    const r = eventbridge();
    expect(
      types(r).filter(
        (t) => t.startsWith('AWS::Lambda') || t.startsWith('AWS::IAM') || t.startsWith('AWS::Logs'),
      ),
    ).toEqual(['AWS::IAM::Role']);
    // The one role is the chat channel role, created only when a Slack or Teams channel is given.
    expect(r.template.Resources.ChatChannelRole!.Condition).toBe('HasChat');
    expect(r.template.Resources.NotificationTopicPolicy).toBeDefined();
    const targets = r.template.Resources.AsffFindingRule!.Properties!.Targets as {
      Id: string;
      InputTransformer?: unknown;
    }[];
    // The email target, and the chat target behind Fn::If HasChat.
    expect(targets).toHaveLength(2);
    expect(targets[0]!.InputTransformer).toBeDefined();
    expect(JSON.stringify(targets[1])).toContain('"Id":"chat-topic"');
    // No digests without the Lambda formatter.
    expect(r.template.Parameters?.Delivery).toBeUndefined();
    expect(r.template.Resources.DigestQueue).toBeUndefined();
    expect(r.template.Parameters?.PermissionSet).toBeUndefined();
  });

  it('puts the permissions boundary on the role only when the launch role is used', () => {
    const withBoundary = lambda({ launchRole: true }).template.Resources.FormatterRole!.Properties!;
    expect(withBoundary.PermissionsBoundary).toEqual({
      'Fn::Sub':
        'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/SecurityHubNotificationsServiceCatalogPermissionBoundary',
    });
    expect(
      lambda({ launchRole: false }).template.Resources.FormatterRole!.Properties!.PermissionsBoundary,
    ).toBeUndefined();
  });

  it('asks for the permission set and passes the subdomain only with Identity Center links', () => {
    const linked = lambda({ idcSubdomain: 'd-abcd123456' }).template;
    expect(linked.Parameters?.PermissionSet).toBeDefined();
    const vars = (
      linked.Resources.FormatterFunction!.Properties!.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(vars.IDC_SUBDOMAIN).toBe('d-abcd123456');
    expect(vars.IDC_PERMISSION_SET).toEqual({ Ref: 'PermissionSet' });
    const groups = (
      linked.Metadata!['AWS::CloudFormation::Interface'] as { ParameterGroups: { Parameters: string[] }[] }
    ).ParameterGroups;
    expect(groups[0]!.Parameters).toContain('PermissionSet');

    const plain = lambda().template;
    expect(plain.Parameters?.PermissionSet).toBeUndefined();
    expect(JSON.stringify(plain)).not.toContain('PermissionSet');
    expect(
      lambda({ principalType: 'iam-role', idcSubdomain: 'd-abcd123456' }).template.Parameters?.PermissionSet,
    ).toBeUndefined();
  });

  it('hashes the rendered body, so any installer choice changes the version key', () => {
    expect(lambda().sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lambda().sha256).toBe(lambda().sha256);
    expect(lambda({ timezone: 'Asia/Tokyo' }).sha256).not.toBe(lambda().sha256);
    expect(eventbridge().sha256).not.toBe(lambda().sha256);
  });

  it('stays well under the 1 MB template limit even with a large bundle', () => {
    const big = renderProductTemplate(defaultOptions, { lambdaCode: `/*${'x'.repeat(300_000)}*/${stub}` });
    expect(Buffer.byteLength(big.body)).toBeLessThan(1_000_000);
    expect(Buffer.byteLength(eventbridge().body)).toBeLessThan(50_000);
    expect(() => renderProductTemplate(defaultOptions, { lambdaCode: 'x'.repeat(1_100_000) })).toThrow(
      /1 MB/,
    );
  });

  it('inlines the real bundle when it has been built', () => {
    const bundle = join(packageRoot(), 'dist', 'lambda', 'index.js');
    if (!existsSync(bundle)) {
      expect(() => loadLambdaBundle()).toThrow(/npm run build/);
      return;
    }
    const r = renderProductTemplate(defaultOptions, {});
    expect((r.template.Resources.FormatterFunction!.Properties!.Code as { ZipFile: string }).ZipFile).toBe(
      loadLambdaBundle(),
    );
  });
});

describe('the email addresses parameter', () => {
  const pattern = () => new RegExp(lambda().template.Parameters!.EmailAddresses!.AllowedPattern as string);

  it('is the pattern the renderer derives from the shared email-list expression', () => {
    expect(lambda().template.Parameters!.EmailAddresses!.AllowedPattern).toBe(
      optionalPattern(productEmailPattern()),
    );
  });

  it.each([
    // Empty: email is optional when a chat channel is given (the AtLeastOneDestination rule asks for one).
    '',
    'team@example.com',
    'team@example.com,oncall@example.org',
    'team@example.com, oncall@example.org ,x.y+z@sub.example.co.uk',
    Array.from({ length: MAX_EMAIL_ADDRESSES }, (_, i) => `a${i}@example.com`).join(','),
  ])('accepts %s', (value) => {
    expect(pattern().test(value)).toBe(true);
  });

  it.each([
    ' ',
    'team',
    'team@example',
    'team@example.com,',
    'team@example.com;oncall@example.org',
    'team@example.com,\toncall@example.org',
    Array.from({ length: MAX_EMAIL_ADDRESSES + 1 }, (_, i) => `a${i}@example.com`).join(','),
  ])('rejects %j', (value) => {
    expect(pattern().test(value)).toBe(false);
  });
});

describe('allowed email domains (installer option allowedEmailDomains)', () => {
  const restricted = () =>
    lambda({ allowedEmailDomains: ['example.com', 'Example.ORG'] }).template.Parameters!.EmailAddresses!;
  const pattern = () => new RegExp(restricted().AllowedPattern as string);

  it('becomes the address pattern, and the launch form says which domains it takes', () => {
    expect(restricted().AllowedPattern).toBe(
      optionalPattern(productEmailPatternForDomains(['example.com', 'example.org'])),
    );
    expect(restricted().ConstraintDescription).toContain('example.com, example.org');
    expect(restricted().Description).toContain('example.com, example.org');
  });

  it.each([
    'team@example.com',
    'team@example.com, oncall@example.org',
    Array.from({ length: MAX_EMAIL_ADDRESSES }, (_, i) => `a${i}@example.org`).join(','),
  ])('accepts %s', (value) => {
    expect(pattern().test(value)).toBe(true);
  });

  it.each([
    'someone@gmail.com',
    'team@example.com,leak@evil.example',
    'team@example.com.evil.example',
    'team@exampleXcom',
    'team@sub.example.com',
    'team@evil-example.com',
  ])('rejects %j: findings cannot be sent outside the allowed domains', (value) => {
    expect(pattern().test(value)).toBe(false);
  });

  it('leaves any domain allowed when no domain is set', () => {
    expect(lambda().template.Parameters!.EmailAddresses!.AllowedPattern).toBe(
      optionalPattern(productEmailPattern()),
    );
    expect(new RegExp(productEmailPattern()).test('someone@gmail.com')).toBe(true);
  });
});

describe('account scope (installer option allowOrgWideSubscriptions)', () => {
  const env = (r: ReturnType<typeof lambda>) =>
    (
      r.template.Resources.FormatterFunction!.Properties!.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;

  it('by default offers no choice: own account in the patterns and ACCOUNT_SCOPE=own', () => {
    const r = lambda();
    expect(r.template.Parameters?.AccountScope).toBeUndefined();
    expect(r.template.Conditions?.AllAccounts).toBeUndefined();
    expect(r.body).not.toContain('AccountScope');
    expect(env(r).ACCOUNT_SCOPE).toBe('own');
    expect(env(r).SUBSCRIPTION_ACCOUNT_ID).toEqual({ Ref: 'AWS::AccountId' });
    const asff = JSON.stringify(r.template.Resources.AsffFindingRule!.Properties!.EventPattern);
    expect(asff).toContain('\\"AwsAccountId\\":[\\"${AWS::AccountId}\\"]');
    const ocsf = JSON.stringify(r.template.Resources.OcsfFindingRule!.Properties!.EventPattern);
    expect(ocsf).toContain('\\"cloud\\":{\\"account\\":{\\"uid\\":[\\"${AWS::AccountId}\\"]}}');
  });

  it('when allowed, offers "All accounts" at launch and tells the function which scope it has', () => {
    const r = lambda({ allowOrgWideSubscriptions: true });
    expect(r.template.Parameters?.AccountScope).toMatchObject({
      Default: 'This account',
      AllowedValues: ['This account', 'All accounts'],
    });
    expect(env(r).ACCOUNT_SCOPE).toEqual({ 'Fn::If': ['AllAccounts', 'organization', 'own'] });
    const groups = (
      r.template.Metadata!['AWS::CloudFormation::Interface'] as {
        ParameterGroups: { Parameters: string[] }[];
      }
    ).ParameterGroups;
    expect(groups[0]!.Parameters).toContain('AccountScope');
  });
});

describe('delivery: dead-letter queue and alarm (lambda mode)', () => {
  const t = () => lambda().template;

  it('dead-letters what the function cannot deliver into an encrypted queue it may write to', () => {
    const r = t().Resources;
    expect(r.DeadLetterQueue!.Type).toBe('AWS::SQS::Queue');
    expect(r.DeadLetterQueue!.Properties!.KmsMasterKeyId).toBe('alias/aws/sqs');
    const fn = r.FormatterFunction!.Properties!;
    expect(fn.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } });
    const statements = (
      r.FormatterRole!.Properties!.Policies as { PolicyDocument: { Statement: Record<string, unknown>[] } }[]
    )[0]!.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
      }),
    );
    expect(JSON.stringify(r.FormatterFunction!.Metadata)).not.toContain('CKV_AWS_116');
  });

  it('raises an alarm on the first dead-lettered event, and the alarm invokes the formatter', () => {
    const r = t().Resources;
    const alarm = r.DeadLetterAlarm!.Properties!;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ 'Fn::GetAtt': ['FormatterFunction', 'Arn'] }],
    });
    expect(r.DeadLetterAlarmPermission!.Properties).toMatchObject({
      Principal: 'lambda.alarms.cloudwatch.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': ['DeadLetterAlarm', 'Arn'] },
    });
  });

  it('encrypts the topic with the AWS managed key in lambda mode, and not in eventbridge mode', () => {
    const topic = t().Resources.NotificationTopic!;
    expect(topic.Properties!.KmsMasterKeyId).toBe('alias/aws/sns');
    expect(topic.Metadata).toBeUndefined();
    const ebTopic = eventbridge().template.Resources.NotificationTopic!;
    expect(ebTopic.Properties!.KmsMasterKeyId).toBeUndefined();
    expect(JSON.stringify(ebTopic.Metadata)).toContain('CKV_AWS_26');
    expect(eventbridge().template.Resources.DeadLetterQueue).toBeUndefined();
    expect(eventbridge().template.Outputs?.DeadLetterQueueUrl).toBeUndefined();
  });

  it('eventbridge mode: keeps what EventBridge cannot deliver, and the alarm emails the subscribers', () => {
    const r = eventbridge().template.Resources;
    expect(r.TargetDeadLetterQueue!.Properties!.SqsManagedSseEnabled).toBe(true);
    for (const id of ['AsffFindingRule', 'OcsfFindingRule']) {
      const [target] = r[id]!.Properties!.Targets as { DeadLetterConfig?: unknown }[];
      expect(target!.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['TargetDeadLetterQueue', 'Arn'] } });
    }
    const queuePolicy = JSON.stringify(r.TargetDeadLetterQueuePolicy!.Properties!.PolicyDocument);
    expect(queuePolicy).toContain('events.amazonaws.com');
    expect(queuePolicy).toContain('aws:SourceArn');
    expect(r.TargetDeadLetterAlarm!.Properties!.AlarmActions).toEqual([{ Ref: 'NotificationTopic' }]);
    const topicPolicy = JSON.stringify(r.NotificationTopicPolicy!.Properties!.PolicyDocument);
    expect(topicPolicy).toContain('cloudwatch.amazonaws.com');
    expect(lambda().template.Resources.TargetDeadLetterQueue).toBeUndefined();
    expect(lambda().template.Outputs?.TargetDeadLetterQueueUrl).toBeUndefined();
  });

  it('refuses publishing without TLS to the eventbridge-mode topic', () => {
    const policy = eventbridge().template.Resources.NotificationTopicPolicy!.Properties!.PolicyDocument as {
      Statement: Record<string, unknown>[];
    };
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });
});
