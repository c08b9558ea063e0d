// send-test-finding through the real CLI against moto: the finding Security Hub stores, flag errors before
// any AWS call, and the finding (as Security Hub wraps it in its EventBridge event) against a subscription
// rule rendered from the product template (moto's EventBridge) and through the email formatter.
// moto does not implement BatchUpdateFindings, so `--archive` is covered by test/unit/test-finding.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { EnableSecurityHubCommand, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultOptions } from '../../src/core/options.js';
import { renderProductTemplate } from '../../src/core/render/product.js';
import { type AsffFinding, subscriptionVerdict, wrapAsImportedEvent } from '../../src/core/test-finding.js';
import { emailsForEvent } from '../../src/notify/format.js';
import { type MotoAccount, motoAccount } from '../support/aws.js';
import { arrayForm, evaluate } from '../support/cfn-eval.js';
import { runCli } from '../support/cli.js';

const cli = (args: string[], env: Record<string, string>) => runCli(args, { env, cleanEnv: true });

let account: MotoAccount;
let finding: AsffFinding;

beforeAll(async () => {
  account = await motoAccount('eu-west-1');
  await new SecurityHubClient(account.clientConfig).send(new EnableSecurityHubCommand({}));
  const sent = await cli(
    [
      'send-test-finding',
      '--severity',
      'critical',
      '--resource-tag',
      'app=payments',
      '--title',
      'Bucket is public',
      '--json',
    ],
    account.env,
  );
  expect(sent.stderr).toBe('');
  expect(sent.code).toBe(0);
  const result = JSON.parse(sent.stdout) as { findingId: string; archiveCommand: string };
  const stored = await new SecurityHubClient(account.clientConfig).send(new GetFindingsCommand({}));
  finding = stored.Findings?.find((f) => f.Id === result.findingId) as AsffFinding;
  expect(finding).toBeDefined();
  // The test run's PATH has no `secnotify`, so hints spell it `npx secnotify`.
  expect(result.archiveCommand).toBe(
    `npx secnotify send-test-finding --archive '${result.findingId}' --region eu-west-1`,
  );
});

describe('secnotify send-test-finding', () => {
  it('imports one labelled finding under the account default product', () => {
    expect(finding).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: `arn:aws:securityhub:eu-west-1:${account.accountId}:product/${account.accountId}/default`,
      GeneratorId: 'secnotify-send-test-finding',
      AwsAccountId: account.accountId,
      Types: ['Software and Configuration Checks/secnotify/Test notification'],
      Severity: { Label: 'CRITICAL' },
      Title: '[secnotify test] Bucket is public',
      Resources: [{ Type: 'Other', Region: 'eu-west-1', Tags: { app: 'payments' } }],
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
    });
    expect(finding.Id).toMatch(/^secnotify-test\/[0-9a-f-]{36}$/);
    expect(finding.CreatedAt).toBe(finding.UpdatedAt);
    expect(Date.now() - Date.parse(finding.CreatedAt)).toBeLessThan(120_000);
  });

  it('prints the finding ID and how to archive it', async () => {
    const sent = await cli(['send-test-finding'], account.env);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/Imported test finding secnotify-test\/\S+/);
    expect(sent.stdout).toContain('severity HIGH');
    expect(sent.stdout).toMatch(
      /Archive it again with: npx secnotify send-test-finding --archive 'secnotify-test\/\S+' --region eu-west-1/,
    );
  });

  it('refuses bad flags with exit 2 before any AWS call', async () => {
    const noAws = { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    const severity = await cli(['send-test-finding', '--severity', 'SEVERE'], noAws);
    expect(severity.code).toBe(2);
    expect(severity.stderr).toContain('--severity: "SEVERE" is not valid');
    const tag = await cli(['send-test-finding', '--resource-tag', 'app'], noAws);
    expect(tag.code).toBe(2);
    expect(tag.stderr).toContain('expected KEY=VALUE');
    const archive = await cli(['send-test-finding', '--archive', 'arn:aws:guardduty:x'], noAws);
    expect(archive.code).toBe(2);
    expect(archive.stderr).toContain('not a test finding ID');
  });

  it('acts in the region of a --config file when no flag names one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sn-stf-'));
    const config = join(dir, 'secnotify.yaml');
    writeFileSync(config, 'region: eu-west-3\n');
    const west3 = new SecurityHubClient({ ...account.clientConfig, region: 'eu-west-3' });
    await west3.send(new EnableSecurityHubCommand({}));
    const sent = await cli(['send-test-finding', '--config', config], account.env);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain(`into Security Hub in account ${account.accountId}, eu-west-3`);
  });

  it('fails with the enable command where Security Hub is off', async () => {
    const other = await motoAccount('eu-central-1');
    const sent = await cli(['send-test-finding'], other.env);
    expect(sent.code).toBe(1);
    expect(sent.stderr).toContain('Security Hub CSPM is not enabled in eu-central-1');
    expect(sent.stderr).toContain('aws securityhub enable-security-hub --region eu-central-1');
  });
});

// ---------- the subscription rule ----------
type Launch = Record<string, unknown>;
const launch: Launch = {
  EmailAddresses: 'team@example.com',
  MinimumSeverity: 'High',
  NotifyWhenResolved: 'No',
  FindingSource: 'Both',
  TagKey: 'app',
  TagValues: 'payments',
  ProductFilter: 'Do not limit products',
  ProductList: '',
};

// The subscription rule, rendered from the product template and put into moto's EventBridge with a queue.
const template = renderProductTemplate({ ...defaultOptions, formatter: 'eventbridge' }, {}).template;
const rule = template.Resources.AsffFindingRule!;

async function delivered(params: Launch, name: string): Promise<boolean> {
  const events = new EventBridgeClient(account.clientConfig);
  const sqs = new SQSClient(account.clientConfig);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const pattern = evaluate(rule.Properties!.EventPattern, template, {
    ...params,
    'AWS::AccountId': account.accountId,
  }) as string;
  await events.send(new PutRuleCommand({ Name: name, EventPattern: pattern, State: 'ENABLED' }));
  await events.send(
    new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'q', Arn: Attributes!.QueueArn! }] }),
  );
  const event = wrapAsImportedEvent(finding, { eventId: 'e-1', time: new Date() });
  const put = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: event.source as string,
          DetailType: event['detail-type'] as string,
          Detail: JSON.stringify(arrayForm(event.detail)),
        },
      ],
    }),
  );
  expect(put.FailedEntryCount ?? 0).toBe(0);
  const got = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return (got.Messages ?? []).length > 0;
}

describe('the test finding reaches a subscription', () => {
  it('matches a High-minimum subscription filtered on the tag it carries', async () => {
    expect(await delivered(launch, 'stf-match')).toBe(true);
  });

  it('does not match a subscription for another tag value', async () => {
    expect(await delivered({ ...launch, TagValues: 'billing' }, 'stf-other-tag')).toBe(false);
  });

  it('formats into the email a subscriber gets (preview formatter)', () => {
    const event = wrapAsImportedEvent(finding, { eventId: 'e-1', time: new Date() });
    const emails = emailsForEvent(event, { timeZone: 'UTC', skipRepeated: true });
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email!.subject).toMatch(/^Critical severity .*\[secnotify test\] Bucket is public/);
    expect(email!.subject.length).toBeLessThanOrEqual(100);
    expect(email!.message).toContain(finding.Id);
    expect(email!.message).toContain('payments');
    expect(email!.message).toContain(account.accountId);
  });
});

// ---------- which subscriptions will email it ----------
// Subscriptions are the product's launches: `SC-…` stacks whose template is the product's. Created here
// directly in moto's CloudFormation with the product's parameter names and description.
describe('send-test-finding says which subscriptions will email it', () => {
  const description = 'Security Hub finding notifications by email (secnotify subscription)';
  const names = [
    'EmailAddresses',
    'MinimumSeverity',
    'NotifyWhenResolved',
    'FindingSource',
    'TagKey',
    'TagValues',
    'ProductFilter',
    'ProductList',
  ];
  const body = (desc: string, params: string[]) =>
    JSON.stringify({
      Description: desc,
      Parameters: Object.fromEntries(params.map((p) => [p, { Type: 'String', Default: '' }])),
      Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
    });
  const defaults: Record<string, string> = {
    EmailAddresses: 'team@example.com',
    MinimumSeverity: 'High',
    NotifyWhenResolved: 'Yes',
    FindingSource: 'Security Hub CSPM (ASFF)',
    TagKey: '',
    TagValues: '',
    ProductFilter: 'Do not limit products',
    ProductList: '',
  };
  // [id, parameters beyond the defaults, receives, reason]
  const subscriptions: [string, Record<string, string>, boolean, string][] = [
    ['aaaa', { FindingSource: 'Both' }, true, 'matches (source Both, minimum severity High)'],
    ['bbbb', { FindingSource: 'Security Hub (OCSF)' }, false, 'follows Security Hub (OCSF) findings only'],
    [
      'cccc',
      { ProductFilter: 'Only include listed products', ProductList: 'GuardDuty,Inspector' },
      false,
      'it only follows the products GuardDuty, Inspector; the test finding\'s product is "Default"',
    ],
    [
      'dddd',
      { ProductFilter: 'Exclude listed products', ProductList: 'Default' },
      false,
      'it excludes the product "Default"',
    ],
    ['eeee', { TagKey: 'app', TagValues: 'billing' }, false, 'it only follows resources tagged app=billing'],
    [
      'ffff',
      { MinimumSeverity: 'Critical', EmailAddresses: 'sec@example.com' },
      false,
      'its minimum severity is Critical; the test finding is HIGH',
    ],
    [
      'gggg',
      { TagKey: 'app', TagValues: 'billing,payments' },
      true,
      'matches (source Security Hub CSPM (ASFF), minimum severity High, tag app)',
    ],
  ];
  let here: MotoAccount;
  let sent: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    here = await motoAccount('eu-west-1');
    await new SecurityHubClient(here.clientConfig).send(new EnableSecurityHubCommand({}));
    const cfn = new CloudFormationClient(here.clientConfig);
    for (const [id, params] of subscriptions) {
      const values = { ...defaults, ...params };
      await cfn.send(
        new CreateStackCommand({
          StackName: `SC-${here.accountId}-pp-${id}`,
          TemplateBody: body(description, names),
          Parameters: Object.entries(values).map(([ParameterKey, ParameterValue]) => ({
            ParameterKey,
            ParameterValue,
          })),
        }),
      );
    }
    // Not subscriptions: another product's launch, and a stack of ours not launched through Service Catalog.
    await cfn.send(
      new CreateStackCommand({
        StackName: `SC-${here.accountId}-pp-other`,
        TemplateBody: body('Backup plan for team buckets', ['BucketName']),
        Parameters: [{ ParameterKey: 'BucketName', ParameterValue: 'b' }],
      }),
    );
    await cfn.send(
      new CreateStackCommand({ StackName: 'lookalike', TemplateBody: body(description, names) }),
    );
    sent = await cli(['send-test-finding', '--resource-tag', 'app=payments'], here.env);
  });

  it('lists each subscription stack here with whether it will email the finding, and why', () => {
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain(
      'Subscriptions in this account and Region: 2 of 7 will email it within a minute or two:',
    );
    for (const [id, params, receives, reason] of subscriptions) {
      const emails = params.EmailAddresses ?? defaults.EmailAddresses;
      const line = sent.stdout.split('\n').find((l) => l.includes(`SC-${here.accountId}-pp-${id} `));
      expect(line, id).toBeDefined();
      expect(line).toContain(
        `${receives ? 'yes' : 'no '}  SC-${here.accountId}-pp-${id} (${emails}): ${reason}`,
      );
    }
    expect(sent.stdout).not.toContain('pp-other');
    expect(sent.stdout).not.toContain('lookalike');
  });

  it('gives the same list in --json', async () => {
    const json = await cli(['send-test-finding', '--severity', 'critical', '--json'], here.env);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as {
      subscriptions: { stackName: string; receives: boolean; reason: string }[];
    };
    expect(doc.subscriptions.map((s) => [s.stackName.slice(-4), s.receives])).toEqual([
      ['aaaa', true],
      ['bbbb', false],
      ['cccc', false],
      ['dddd', false],
      ['eeee', false],
      ['ffff', true],
      ['gggg', false],
    ]);
  });

  it('says so when there is no subscription here', async () => {
    const empty = await motoAccount('eu-west-1');
    await new SecurityHubClient(empty.clientConfig).send(new EnableSecurityHubCommand({}));
    const result = await cli(['send-test-finding'], empty.env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'No subscription (SC- stack of the secnotify product) in this account and Region',
    );
  });

  it("agrees with the subscription's own event rule (moto EventBridge) for each setting", async () => {
    const template = renderProductTemplate({ ...defaultOptions, formatter: 'eventbridge' }, {}).template;
    const parameterTypes = template.Parameters as Record<string, { Type?: string }>;
    for (const [id, params] of subscriptions) {
      const values = { ...defaults, ...params };
      // The launch as CloudFormation resolves it: list parameters become arrays.
      const launchValues = Object.fromEntries(
        Object.entries(values).map(([k, v]) => [
          k,
          parameterTypes[k]?.Type === 'CommaDelimitedList' ? (v === '' ? [''] : v.split(',')) : v,
        ]),
      );
      const verdict = subscriptionVerdict(
        { stackName: id, accountId: account.accountId, parameters: values },
        {
          accountId: account.accountId,
          severity: finding.Severity.Label,
          resourceTags: finding.Resources[0]?.Tags ?? {},
        },
      );
      const ruleExists = values.FindingSource !== 'Security Hub (OCSF)';
      const matched = ruleExists && (await delivered(launchValues, `stf-verdict-${id}`));
      expect(verdict.receives, `${id}: ${verdict.reason}`).toBe(matched);
    }
  });
});
