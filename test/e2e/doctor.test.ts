// doctor through the real CLI against moto, for the checks moto answers: credentials and region, the
// organization and its feature set, the hub being the management account, Security Hub CSPM, Identity
// Center and stacks. moto implements neither GetAWSOrganizationsAccessStatus, DescribeOrganizationsAccess,
// DescribeSecurityHubV2 nor the finding aggregator calls: those checks come out as "could not check"
// warnings here, and their pass/fail states are covered with SDK mocks in test/unit/doctor.test.ts.
import { CloudFormationClient, CreateStackCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  DescribeCreateAccountStatusCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { EnableSecurityHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/core/doctor.js';
import { motoAccount, motoOrganization } from '../support/aws.js';
import { runCli } from '../support/cli.js';

const cli = (args: string[], env: Record<string, string>) => runCli(args, { env, cleanEnv: true });

function check(report: DoctorReport, id: string) {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
}

describe('secnotify doctor', () => {
  it('flags a hub that is the management account, with --json and exit 1', async () => {
    const account = await motoAccount('eu-west-1');
    await new OrganizationsClient(account.clientConfig).send(
      new CreateOrganizationCommand({ FeatureSet: 'ALL' }),
    );
    await new SecurityHubClient(account.clientConfig).send(new EnableSecurityHubCommand({}));

    const out = await cli(['doctor', '--json'], account.env);
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout) as DoctorReport;
    expect(report.ok).toBe(false);
    expect(check(report, 'credentials')).toMatchObject({
      verdict: 'pass',
      reason: expect.stringContaining(`${account.accountId}`),
    });
    expect(check(report, 'caller-account').reason).toContain(
      `Account ${account.accountId} is the management account`,
    );
    expect(check(report, 'organization-all-features').verdict).toBe('pass');
    expect(check(report, 'hub-not-management')).toMatchObject({
      verdict: 'fail',
      blocking: true,
      remedy: expect.stringContaining('--service-principal servicecatalog.amazonaws.com'),
    });
    expect(check(report, 'security-hub')).toMatchObject({
      verdict: 'pass',
      reason: expect.stringContaining(`arn:aws:securityhub:eu-west-1:${account.accountId}:hub/default`),
    });
    expect(check(report, 'identity-center')).toMatchObject({
      verdict: 'pass',
      reason: expect.stringMatching(/Instance arn:aws:sso:::instance\/ssoins-\S+ .*home region eu-west-1/),
    });
    // The management account's stacks are looked at with the hub's credentials when they are the same account.
    expect(report.checks.filter((c) => c.id.startsWith('stack:')).map((c) => [c.id, c.reason])).toEqual([
      ['stack:bucket', 'Not deployed yet.'],
      ['stack:portfolio', 'Not deployed yet.'],
      ['stack:launchRoleStackSet', 'Not deployed yet.'],
      ['stack:permissionSet', 'Not deployed yet.'],
    ]);
    // What moto does not implement is reported, not fatal.
    expect(check(report, 'stacksets-trusted-access').verdict).toBe('warn');
    // The default organization share reaches the management account, which StackSets never deploy to; the
    // organization tree (read from moto with the management account's credentials) has no other account.
    expect(check(report, 'launch-role-reach')).toMatchObject({
      verdict: 'warn',
      reason: expect.stringMatching(
        new RegExp(
          `reach 1 account\\(s\\) that will have no launch role, so launching the product fails there: ${account.accountId} \\([^)]*\\): the management account \\(StackSets never deploys there\\)\\.$`,
        ),
      ),
    });
    // stdout is the one JSON document; the failure line goes to stderr.
    expect(out.stderr).toContain('doctor: 1 check(s) failed.');
  });

  it('in a member account: consolidated billing and Security Hub off fail with their commands', async () => {
    const management = await motoAccount('us-east-2');
    const org = new OrganizationsClient(management.clientConfig);
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'CONSOLIDATED_BILLING' }));
    const created = await org.send(
      new CreateAccountCommand({ AccountName: 'hub', Email: 'hub@example.com' }),
    );
    const status = await org.send(
      new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: created.CreateAccountStatus!.Id! }),
    );
    const hub = await motoAccount('us-east-2', status.CreateAccountStatus!.AccountId!);
    await new CloudFormationClient(hub.clientConfig).send(
      new CreateStackCommand({
        StackName: 'SecurityNotifications-SC-Bucket',
        TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
      }),
    );

    const out = await cli(['doctor', '--principal-type', 'iam-role', '--no-launch-role', '--json'], hub.env);
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout) as DoctorReport;
    expect(check(report, 'hub-not-management').verdict).toBe('pass');
    expect(check(report, 'hub-region').verdict).toBe('pass');
    expect(check(report, 'organization-all-features')).toMatchObject({
      verdict: 'fail',
      blocking: true,
      remedy: expect.stringContaining('From the management account: aws organizations enable-all-features'),
    });
    expect(check(report, 'security-hub')).toMatchObject({
      verdict: 'fail',
      remedy: expect.stringContaining('aws securityhub enable-security-hub --region us-east-2'),
    });
    expect(check(report, 'identity-center').verdict).toBe('skip');
    expect(check(report, 'stacksets-trusted-access').verdict).toBe('skip');
    expect(check(report, 'launch-role-reach').verdict).toBe('skip');
    expect(check(report, 'stack:bucket')).toMatchObject({ verdict: 'pass', reason: 'CREATE_COMPLETE.' });
    expect(report.counts.fail).toBe(2);
    expect(report.installable).toBe(false);

    // The same report for people: one block per check, the remedy under each failure.
    const text = await cli(['doctor', '--principal-type', 'iam-role', '--no-launch-role'], hub.env);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('FAIL  AWS Organizations with all features');
    expect(text.stdout).toMatch(/\d+ passed, \d+ warning\(s\), 2 failed, \d+ skipped\./);
  });

  it('install in a hub Region without the Service Catalog resource types stops before any change, naming the Region', async () => {
    // cfn-lint's Region schemas: CloudFormation in mx-central-1 offers no AWS::ServiceCatalog::* types (E3006).
    const { hub } = await motoOrganization('mx-central-1');
    const out = await cli(
      [
        'install',
        '--yes',
        '--steps',
        'templates,portfolio',
        '--idc-region',
        'mx-central-1',
        '--share',
        'none',
      ],
      { ...hub.env, SECNOTIFY_POLL_MS: '100' },
    );
    expect(out.code).toBe(1);
    // The Region is the one blocking check (Security Hub off and Identity Center unanswered only warn here).
    expect(out.stderr).toContain(
      'Pre-flight checks failed, nothing was changed: Hub Region mx-central-1 offers the resource types.',
    );
    const stacks = await new CloudFormationClient(hub.clientConfig).send(new ListStacksCommand({}));
    expect(stacks.StackSummaries ?? []).toEqual([]);
  });

  it('reports missing region and credentials as the first failed check', async () => {
    const out = await cli(['doctor', '--json'], {});
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout) as DoctorReport;
    expect(check(report, 'credentials')).toMatchObject({
      verdict: 'fail',
      reason: expect.stringContaining('No AWS region'),
      remedy: expect.stringContaining('--region <region>'),
    });
    expect(report.installable).toBe(false);
  });
});
