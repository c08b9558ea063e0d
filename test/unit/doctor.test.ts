// doctor: verdicts and remedies from facts (pure), and the fact gathering against SDK mocks for the states
// moto cannot produce (access denied, disabled trusted access, failed stacks, expired credentials).
import {
  CloudFormationClient,
  DescribeOrganizationsAccessCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListDelegatedAdministratorsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  DescribeHubCommand,
  DescribeSecurityHubV2Command,
  GetFindingAggregatorCommand,
  ListFindingAggregatorsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import {
  GetAWSOrganizationsAccessStatusCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsContext } from '../../src/aws/clients.js';
import { diagnose } from '../../src/aws/diagnose.js';
import {
  type DoctorCheck,
  type DoctorReport,
  doctorSettings,
  evaluateDoctor,
  formatDoctorReport,
} from '../../src/core/doctor.js';
import { fact } from '../../src/core/facts.js';
import { defaultOptions } from '../../src/core/options.js';
import {
  absent,
  accountFacts,
  denied,
  doctorFacts,
  HUB,
  MGMT,
  OUTSIDE,
  organizationTree,
  present,
  stackFact,
} from '../support/facts.js';

const settings = doctorSettings(defaultOptions);
/** Shared with one OU that the launch-role StackSet also targets: every account reached can launch. */
const ouSettings = doctorSettings({
  ...defaultOptions,
  share: [{ kind: 'ou', id: 'ou-ab12-workload' }],
  stacksetTargets: ['root'],
});
const healthy = doctorFacts;

function byId(report: DoctorReport, id: string): DoctorCheck {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${report.checks.map((x) => x.id).join(', ')}`);
  return c;
}

describe('evaluateDoctor', () => {
  it('passes a healthy setup and exits clean', () => {
    const report = evaluateDoctor(healthy(), ouSettings);
    expect(report.checks.filter((c) => c.verdict !== 'pass').map((c) => c.id)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.installable).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual([
      'credentials',
      'caller-account',
      'hub-region',
      'organization-all-features',
      'hub-not-management',
      'service-catalog-org-access',
      'delegated-admin',
      'stacksets-trusted-access',
      'launch-role-reach',
      'security-hub',
      'security-hub-edition',
      'aggregation',
      'identity-center',
      'stack:bucket',
    ]);
  });

  it('fails on unusable credentials, with the AWS layer remedy, and skips what needs them', () => {
    const report = evaluateDoctor(
      {
        hub: fact.unknown({
          name: 'ExpiredToken',
          message: 'AWS credentials are expired or invalid',
          hint: 'run `aws sso login --profile hub`',
        }),
      },
      settings,
    );
    const c = byId(report, 'credentials');
    expect(c).toMatchObject({
      verdict: 'fail',
      blocking: true,
      remedy: expect.stringContaining('aws sso login'),
    });
    expect(byId(report, 'organization-all-features').verdict).toBe('skip');
    expect(report.ok).toBe(false);
    expect(report.installable).toBe(false);
  });

  it('fails outside an organization and in consolidated-billing mode, naming the command', () => {
    const none = healthy();
    none.organization = absent();
    expect(byId(evaluateDoctor(none, settings), 'organization-all-features')).toMatchObject({
      verdict: 'fail',
      blocking: true,
      remedy: expect.stringContaining('aws organizations create-organization --feature-set ALL'),
    });
    const billing = healthy();
    billing.organization = present({
      id: 'o-abcdefghij',
      managementAccountId: MGMT,
      featureSet: 'CONSOLIDATED_BILLING',
    });
    expect(byId(evaluateDoctor(billing, settings), 'organization-all-features')).toMatchObject({
      verdict: 'fail',
      remedy: expect.stringContaining('aws organizations enable-all-features'),
    });
  });

  it('fails when the hub is the management account', () => {
    const facts = healthy();
    facts.hub = present(accountFacts(MGMT));
    const report = evaluateDoctor(facts, settings);
    expect(byId(report, 'hub-not-management')).toMatchObject({
      verdict: 'fail',
      blocking: true,
      remedy: expect.stringContaining('--management-profile'),
    });
    expect(byId(report, 'hub-not-management').remedy).toContain(
      'register-delegated-administrator --account-id <hub account ID> --service-principal servicecatalog.amazonaws.com',
    );
    expect(byId(report, 'delegated-admin').verdict).toBe('skip');
  });

  it('marks the organization setup install will do as "to do by install", which is not a failure', () => {
    const facts = healthy();
    facts.serviceCatalogAccess = present({ status: 'DISABLED', askedBy: 'management' as const });
    facts.hubIsDelegatedAdmin = present(false);
    facts.stackSetsAccess = present('DISABLED');
    const report = evaluateDoctor(facts, settings);
    expect(byId(report, 'service-catalog-org-access')).toMatchObject({
      verdict: 'todo',
      blocking: false,
      remedy: expect.stringContaining(
        'aws servicecatalog enable-aws-organizations-access --region eu-west-1',
      ),
    });
    expect(byId(report, 'delegated-admin')).toMatchObject({
      verdict: 'todo',
      remedy: expect.stringContaining(
        `aws organizations register-delegated-administrator --account-id ${HUB} --service-principal servicecatalog.amazonaws.com`,
      ),
    });
    expect(byId(report, 'stacksets-trusted-access')).toMatchObject({
      verdict: 'todo',
      remedy: expect.stringContaining('aws cloudformation activate-organizations-access'),
    });
    expect(report.counts).toMatchObject({ todo: 3, fail: 0 });
    expect(report.ok).toBe(true);
    expect(report.installable).toBe(true);
  });

  it('fails on organization setup that install cannot do without management credentials', () => {
    const facts = healthy();
    delete facts.management;
    delete facts.hubIsDelegatedAdmin;
    delete facts.stackSetsAccess;
    // The hub may read the status as delegated administrator, but only the management account may enable it.
    facts.serviceCatalogAccess = present({ status: 'DISABLED', askedBy: 'hub' as const });
    const report = evaluateDoctor(facts, settings);
    expect(byId(report, 'service-catalog-org-access')).toMatchObject({ verdict: 'fail', blocking: false });
    expect(report.ok).toBe(false);
    expect(report.installable).toBe(true);
  });

  it('blocks install when StackSets trusted access is disabled permanently; skips it without the launch role', () => {
    const facts = healthy();
    facts.stackSetsAccess = present('DISABLED_PERMANENTLY');
    expect(byId(evaluateDoctor(facts, settings), 'stacksets-trusted-access').blocking).toBe(true);
    const noRole = doctorSettings({ ...defaultOptions, launchRole: false });
    expect(byId(evaluateDoctor(facts, noRole), 'stacksets-trusted-access').verdict).toBe('skip');
  });

  it('warns, pointing at --management-profile, when only the hub could be asked and was refused', () => {
    const facts = healthy();
    delete facts.management;
    delete facts.hubIsDelegatedAdmin;
    delete facts.stackSetsAccess;
    facts.serviceCatalogAccess = denied(
      'not authorized to perform servicecatalog:GetAWSOrganizationsAccessStatus',
    );
    const report = evaluateDoctor(facts, settings);
    for (const id of ['service-catalog-org-access', 'delegated-admin', 'stacksets-trusted-access']) {
      expect(byId(report, id)).toMatchObject({
        verdict: 'warn',
        remedy: expect.stringContaining('--management-profile'),
      });
    }
    expect(report.ok).toBe(true);
  });

  it('infers the delegated administrator from the hub being allowed to read the organization status', () => {
    const facts = healthy();
    delete facts.management;
    delete facts.hubIsDelegatedAdmin;
    facts.serviceCatalogAccess = present({ status: 'ENABLED', askedBy: 'hub' as const });
    expect(byId(evaluateDoctor(facts, settings), 'delegated-admin').verdict).toBe('pass');
  });

  it('judges Security Hub: off, OCSF only, aggregation elsewhere', () => {
    const off = healthy();
    off.securityHub = absent();
    expect(byId(evaluateDoctor(off, settings), 'security-hub')).toMatchObject({
      verdict: 'fail',
      blocking: false,
      remedy: expect.stringContaining('aws securityhub enable-security-hub --region eu-west-1'),
    });
    const ocsfOnly = healthy();
    ocsfOnly.securityHub = absent();
    ocsfOnly.securityHubV2 = present({ hubArn: `arn:aws:securityhub:eu-west-1:${HUB}:hubv2/x` });
    const r = evaluateDoctor(ocsfOnly, settings);
    expect(byId(r, 'security-hub')).toMatchObject({
      verdict: 'warn',
      reason: expect.stringContaining('OCSF'),
    });
    expect(byId(r, 'security-hub-edition').reason).toContain(
      'the OCSF-based Security Hub is on; Security Hub CSPM is off',
    );
    const agg = healthy();
    agg.aggregation = present({ region: 'us-east-1', linkingMode: 'ALL_REGIONS', regions: [] });
    expect(byId(evaluateDoctor(agg, settings), 'aggregation')).toMatchObject({
      verdict: 'warn',
      remedy: 'Install the product in the aggregation Region: --region us-east-1.',
    });
    const here = healthy();
    here.aggregation = present({
      region: 'eu-west-1',
      linkingMode: 'SPECIFIED_REGIONS',
      regions: ['eu-central-1'],
    });
    expect(byId(evaluateDoctor(here, settings), 'aggregation')).toMatchObject({
      verdict: 'pass',
      reason: expect.stringContaining('aggregating into eu-west-1 (SPECIFIED_REGIONS: eu-central-1)'),
    });
  });

  it('judges Identity Center: missing, wrong --idc-region, not applicable', () => {
    const missing = healthy();
    missing.identityCenter = present({
      askedBy: 'management' as const,
      searched: ['eu-west-1', 'us-east-1'],
    });
    expect(byId(evaluateDoctor(missing, settings), 'identity-center')).toMatchObject({
      verdict: 'fail',
      blocking: true,
      remedy: expect.stringContaining('--idc-region <region>'),
    });
    const wrong = healthy();
    const withRegion = doctorSettings({ ...defaultOptions, idcRegion: 'us-east-1' });
    expect(byId(evaluateDoctor(wrong, withRegion), 'identity-center')).toMatchObject({
      verdict: 'fail',
      remedy: '--idc-region eu-west-1',
    });
    const iam = doctorSettings({ ...defaultOptions, principalType: 'iam-role' });
    expect(byId(evaluateDoctor(healthy(), iam), 'identity-center').verdict).toBe('skip');
  });

  it.each([
    [
      'UPDATE_ROLLBACK_FAILED',
      'fail',
      'aws cloudformation continue-update-rollback --stack-name SecurityNotifications-SC-Bucket --region eu-west-1',
    ],
    [
      'DELETE_FAILED',
      'fail',
      'aws cloudformation delete-stack --stack-name SecurityNotifications-SC-Bucket --region eu-west-1',
    ],
    ['ROLLBACK_FAILED', 'fail', 'describe-stack-events'],
    ['UPDATE_FAILED', 'fail', 'aws cloudformation rollback-stack'],
    ['ROLLBACK_COMPLETE', 'warn', 'secnotify install deletes and re-creates it'],
    ['UPDATE_IN_PROGRESS', 'warn', 'install waits for it'],
  ])('stack in %s → %s with its remedy', (status, verdict, remedy) => {
    const facts = healthy();
    facts.stacks![0]!.stack = present(
      stackFact('SecurityNotifications-SC-Bucket', {
        status,
        statusReason: 'Resource handler returned message: boom',
      }),
    );
    const c = byId(evaluateDoctor(facts, settings), 'stack:bucket');
    expect(c.verdict).toBe(verdict);
    expect(c.remedy).toContain(remedy);
    expect(c.reason).toContain('boom');
    expect(c.blocking).toBe(verdict === 'fail');
  });

  it('blocks a hub Region whose CloudFormation lacks the Service Catalog resource types, naming them', () => {
    for (const region of ['ap-east-2', 'mx-central-1']) {
      const facts = healthy();
      facts.hub = present({ ...accountFacts(HUB), region });
      const c = byId(evaluateDoctor(facts, settings), 'hub-region');
      expect(c).toMatchObject({
        verdict: 'fail',
        blocking: true,
        remedy: expect.stringContaining('--region'),
      });
      expect(c.reason).toContain('AWS::ServiceCatalog::Portfolio');
      expect(c.reason).toContain(region);
    }
    expect(byId(evaluateDoctor(healthy(), settings), 'hub-region').verdict).toBe('pass');
  });

  it('warns about a hub Region the generated data does not know', () => {
    const facts = healthy();
    facts.hub = present({ ...accountFacts(HUB), region: 'xx-future-1' });
    const report = evaluateDoctor(facts, settings);
    expect(byId(report, 'hub-region')).toMatchObject({ verdict: 'warn', blocking: false });
    expect(report.installable).toBe(true);
  });

  it('blocks the launch-role StackSet in the China partition unless trusted access is seen enabled', () => {
    const facts = healthy();
    facts.hub = present({ ...accountFacts(HUB), partition: 'aws-cn', region: 'cn-north-1' });
    facts.stackSetsAccess = present('DISABLED');
    const report = evaluateDoctor(facts, settings);
    expect(byId(report, 'stacksets-trusted-access')).toMatchObject({
      verdict: 'fail',
      blocking: true,
      remedy: expect.stringContaining('--no-launch-role'),
    });
    expect(byId(report, 'hub-region').verdict).toBe('pass');
    facts.stackSetsAccess = present('ENABLED');
    expect(byId(evaluateDoctor(facts, settings), 'stacksets-trusted-access').verdict).toBe('pass');
    const noRole = doctorSettings({ ...defaultOptions, launchRole: false });
    expect(byId(evaluateDoctor(facts, noRole), 'stacksets-trusted-access').verdict).toBe('skip');
  });

  it('warns that the default organization share reaches the management account, which gets no launch role', () => {
    const report = evaluateDoctor(healthy(), settings);
    const c = byId(report, 'launch-role-reach');
    expect(c).toMatchObject({
      verdict: 'warn',
      blocking: false,
      remedy: expect.stringContaining('launch-role.yaml'),
    });
    // The organization tree is read: the root targets cover every account but the management account.
    expect(c.reason).toBe(
      `The shares (the organization) reach 1 account(s) that will have no launch role, so launching the product fails there: ${MGMT} (Management): the management account (StackSets never deploys there).`,
    );
    expect(report.ok).toBe(true);
  });

  it('names every account the shares reach outside the StackSet targets, from the organization tree', () => {
    const narrow = doctorSettings({
      ...defaultOptions,
      share: [
        { kind: 'ou-path', path: 'Workloads' },
        { kind: 'ou', id: 'ou-ab12-sandbox' },
        { kind: 'account', id: '999900001111' },
        { kind: 'account', id: MGMT },
      ],
      stacksetTargets: ['Workloads'],
    });
    const facts = healthy({
      launchCoverage: present({ tree: organizationTree(), ouIds: { Workloads: 'ou-ab12-workload' } }),
    });
    const c = byId(evaluateDoctor(facts, narrow), 'launch-role-reach');
    expect(c.verdict).toBe('warn');
    // The hub and MEMBER (in Prod, nested in Workloads) are covered; the others are named with the reason.
    expect(c.reason.split('fails there: ')[1]).toBe(
      `${OUTSIDE} (Sandbox): outside the StackSet targets; ${MGMT} (Management): the management account (StackSets never deploys there); 999900001111: not in the organization.`,
    );
    expect(c.remedy).toContain('widen --stackset-targets');
    const covered = doctorSettings({
      ...defaultOptions,
      share: [{ kind: 'ou', id: 'ou-ab12-prod' }],
      stacksetTargets: ['ou-ab12-workload'],
    });
    expect(byId(evaluateDoctor(healthy(), covered), 'launch-role-reach')).toMatchObject({
      verdict: 'pass',
      reason:
        'The StackSet targets (ou-ab12-workload) cover every account the shares (OU ou-ab12-prod) reach.',
    });
  });

  it('without the organization tree names only the management account, and says why no other account is named', () => {
    const noTree = healthy({ launchCoverage: undefined, management: undefined });
    const c = byId(evaluateDoctor(noTree, settings), 'launch-role-reach');
    expect(c.verdict).toBe('warn');
    expect(c.reason).toBe(
      `The shares (the organization) reach 1 account(s) that will have no launch role, so launching the product fails there: ${MGMT}: the management account (StackSets never deploys there). The accounts outside the StackSet targets cannot be named without management credentials.`,
    );
    // An OU share cannot be judged without the tree: a warning that says so, with the way to check it.
    const ou = byId(evaluateDoctor(noTree, ouSettings), 'launch-role-reach');
    expect(ou).toMatchObject({
      verdict: 'warn',
      reason:
        'Not fully checked: the accounts outside the StackSet targets cannot be named without management credentials.',
      remedy: expect.stringContaining('--management-profile'),
    });
    // A tree that could not be read says why.
    const refused = healthy({
      launchCoverage: denied('not authorized to perform organizations:ListAccountsForParent'),
    });
    expect(byId(evaluateDoctor(refused, settings), 'launch-role-reach').reason).toContain(
      'The organization could not be read (not authorized to perform organizations:ListAccountsForParent), so accounts outside the StackSet targets cannot be named without management credentials that can read it.',
    );
  });

  it('does not judge the launch-role reach without the StackSet or without shares', () => {
    const noRole = doctorSettings({ ...defaultOptions, launchRole: false });
    expect(byId(evaluateDoctor(healthy(), noRole), 'launch-role-reach').verdict).toBe('skip');
    const none = doctorSettings({ ...defaultOptions, share: [] });
    expect(byId(evaluateDoctor(healthy(), none), 'launch-role-reach').verdict).toBe('skip');
  });

  it('prints each check with its verdict and the remedy under failures', () => {
    const facts = healthy();
    facts.securityHub = absent();
    const text = formatDoctorReport(evaluateDoctor(facts, ouSettings));
    expect(text).toContain('FAIL  Security Hub enabled in eu-west-1');
    expect(text).toContain('      Remedy: aws securityhub enable-security-hub --region eu-west-1');
    expect(text).toContain('PASS  AWS Organizations with all features');
    expect(text.trim().split('\n').at(-1)).toBe('13 passed, 0 warning(s), 1 failed, 0 skipped.');
  });

  it('prints what install will do as TODO with its remedy, and counts it apart', () => {
    const facts = healthy();
    facts.hubIsDelegatedAdmin = present(false);
    const report = evaluateDoctor(facts, ouSettings);
    const text = formatDoctorReport(report);
    expect(text).toContain('TODO  Hub registered as Service Catalog delegated administrator');
    expect(text).toContain('      Remedy: secnotify install --management-profile <profile> registers it');
    expect(text.trim().split('\n').at(-1)).toBe(
      '13 passed, 1 to do by install, 0 warning(s), 0 failed, 0 skipped.',
    );
  });
});

describe('diagnose with SDK mocks', () => {
  const sts = mockClient(STSClient);
  const org = mockClient(OrganizationsClient);
  const sc = mockClient(ServiceCatalogClient);
  const cfn = mockClient(CloudFormationClient);
  const sh = mockClient(SecurityHubClient);
  const sso = mockClient(SSOAdminClient);
  const mocks = [sts, org, sc, cfn, sh, sso];

  const awsError = (name: string, message: string) =>
    Object.assign(new Error(message), { name, $metadata: {} });
  const context = (accessKeyId: string) =>
    createAwsContext({ region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey: 'secret' } });

  beforeEach(() => {
    for (const m of mocks) m.reset();
    sts.on(GetCallerIdentityCommand).callsFake(async function (this: unknown) {
      return { Account: HUB, Arn: `arn:aws:sts::${HUB}:assumed-role/Admin/me` };
    });
    org.on(DescribeOrganizationCommand).resolves({
      Organization: {
        Id: 'o-abcdefghij',
        MasterAccountId: MGMT,
        FeatureSet: 'ALL',
        Arn: 'arn:aws:organizations::x',
      },
    });
    sh.on(DescribeHubCommand).resolves({ HubArn: `arn:aws:securityhub:eu-west-1:${HUB}:hub/default` });
    sh.on(DescribeSecurityHubV2Command).rejects(awsError('ResourceNotFoundException', 'not enabled'));
    sh.on(ListFindingAggregatorsCommand).resolves({ FindingAggregators: [] });
    sso.on(ListInstancesCommand).resolves({
      Instances: [
        {
          InstanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
          IdentityStoreId: 'd-1234567890',
          Status: 'ACTIVE',
        },
      ],
    });
    cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id X does not exist'));
  });
  afterEach(() => {
    for (const m of mocks) m.reset();
  });

  it('gathers a healthy hub-only setup: the organization checks warn with the --management-profile remedy', async () => {
    sc.on(GetAWSOrganizationsAccessStatusCommand).rejects(
      awsError(
        'AccessDeniedException',
        `User: arn:aws:sts::${HUB}:assumed-role/Admin/me is not authorized to perform: servicecatalog:GetAWSOrganizationsAccessStatus`,
      ),
    );
    const hub = await context('hub');
    const report = await diagnose({ hub }, settings);
    expect(byId(report, 'credentials').verdict).toBe('pass');
    expect(byId(report, 'organization-all-features').verdict).toBe('pass');
    expect(byId(report, 'hub-not-management').verdict).toBe('pass');
    expect(byId(report, 'service-catalog-org-access')).toMatchObject({
      verdict: 'warn',
      reason: expect.stringContaining(
        'only the management account or a Service Catalog delegated administrator may ask',
      ),
      remedy: expect.stringContaining('--management-profile'),
    });
    expect(byId(report, 'security-hub').verdict).toBe('pass');
    expect(byId(report, 'security-hub-edition').reason).toContain('the OCSF-based Security Hub is off');
    expect(byId(report, 'aggregation').reason).toContain('Off');
    expect(byId(report, 'stack:portfolio').reason).toBe('Not deployed yet.');
    expect(report.ok).toBe(true);
    hub.destroy();
  });

  it('reports every failing state the management account can see, with its remedy', async () => {
    const hub = await context('hub');
    const management = await context('management');
    // One STS mock serves both contexts: answer by the credentials that signed the request.
    sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => {
      const creds = await (getClient() as STSClient).config.credentials();
      const id = creds.accessKeyId === 'management' ? MGMT : HUB;
      return { Account: id, Arn: `arn:aws:sts::${id}:assumed-role/Admin/me` };
    });
    sc.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'DISABLED' });
    org
      .on(ListDelegatedAdministratorsCommand)
      .resolves({ DelegatedAdministrators: [{ Id: '999988887777' }] });
    cfn.on(DescribeOrganizationsAccessCommand).resolves({ Status: 'DISABLED' });
    sh.on(DescribeHubCommand).rejects(
      awsError('InvalidAccessException', 'Account 222233334444 is not subscribed to AWS Security Hub'),
    );
    sh.on(ListFindingAggregatorsCommand).resolves({
      FindingAggregators: [
        { FindingAggregatorArn: `arn:aws:securityhub:us-east-1:${HUB}:finding-aggregator/abc` },
      ],
    });
    sh.on(GetFindingAggregatorCommand).resolves({
      FindingAggregationRegion: 'us-east-1',
      RegionLinkingMode: 'ALL_REGIONS',
    });
    cfn.on(DescribeStacksCommand, { StackName: 'SecurityNotifications-Service-Catalog' }).resolves({
      Stacks: [
        {
          StackName: 'SecurityNotifications-Service-Catalog',
          StackStatus: 'UPDATE_ROLLBACK_FAILED',
          StackStatusReason: 'The following resource(s) failed to update: [Portfolio].',
          CreationTime: new Date(),
        },
      ],
    });

    const report = await diagnose({ hub, management }, settings);
    const todo = report.checks.filter((c) => c.verdict === 'todo').map((c) => [c.id, c.remedy]);
    expect(todo).toEqual([
      [
        'service-catalog-org-access',
        expect.stringContaining('aws servicecatalog enable-aws-organizations-access'),
      ],
      [
        'delegated-admin',
        expect.stringContaining(`--account-id ${HUB} --service-principal servicecatalog.amazonaws.com`),
      ],
      [
        'stacksets-trusted-access',
        expect.stringContaining('aws cloudformation activate-organizations-access'),
      ],
    ]);
    const failed = report.checks.filter((c) => c.verdict === 'fail').map((c) => [c.id, c.remedy]);
    expect(failed).toEqual([
      ['security-hub', expect.stringContaining('aws securityhub enable-security-hub --region eu-west-1')],
      [
        'stack:portfolio',
        expect.stringContaining(
          'aws cloudformation continue-update-rollback --stack-name SecurityNotifications-Service-Catalog --region eu-west-1',
        ),
      ],
    ]);
    expect(byId(report, 'aggregation')).toMatchObject({
      verdict: 'warn',
      remedy: expect.stringContaining('--region us-east-1'),
    });
    // The management account's own stacks are looked at too.
    expect(report.checks.map((c) => c.id)).toContain('stack:launchRoleStackSet');
    expect(cfn.commandCalls(DescribeOrganizationsAccessCommand)[0]!.args[0].input).toEqual({
      CallAs: 'SELF',
    });
    expect(org.commandCalls(ListDelegatedAdministratorsCommand)[0]!.args[0].input).toMatchObject({
      ServicePrincipal: 'servicecatalog.amazonaws.com',
    });
    hub.destroy();
    management.destroy();
  });

  it('reads the organization tree with the management credentials and names the accounts without a launch role', async () => {
    const hub = await context('hub');
    const management = await context('management');
    sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => {
      const creds = await (getClient() as STSClient).config.credentials();
      const id = creds.accessKeyId === 'management' ? MGMT : HUB;
      return { Account: id, Arn: `arn:aws:sts::${id}:assumed-role/Admin/me` };
    });
    sc.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
    org.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [{ Id: HUB }] });
    cfn.on(DescribeOrganizationsAccessCommand).resolves({ Status: 'ENABLED' });
    org.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-ab12' }] });
    org.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [] });
    org
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-ab12' })
      .resolves({ OrganizationalUnits: [{ Id: 'ou-ab12-workload', Name: 'Workloads' }] });
    org.on(ListAccountsForParentCommand).resolves({ Accounts: [] });
    org.on(ListAccountsForParentCommand, { ParentId: 'r-ab12' }).resolves({
      Accounts: [
        { Id: MGMT, Name: 'Management' },
        { Id: '121212121212', Name: 'Sandbox' },
      ],
    });
    org
      .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-workload' })
      .resolves({ Accounts: [{ Id: HUB, Name: 'Hub' }] });

    const byName = doctorSettings({
      ...defaultOptions,
      share: [{ kind: 'organization' }],
      stacksetTargets: ['Workloads'],
    });
    const report = await diagnose({ hub, management }, byName);
    expect(byId(report, 'launch-role-reach')).toMatchObject({
      verdict: 'warn',
      reason: `The shares (the organization) reach 2 account(s) that will have no launch role, so launching the product fails there: 121212121212 (Sandbox): outside the StackSet targets; ${MGMT} (Management): the management account (StackSets never deploys there).`,
    });
    // Every node of the tree asked once for its OUs and once for its accounts, by the management account.
    const parents = (calls: { args: [{ input: { ParentId?: string } }] }[]) =>
      calls.map((c) => c.args[0].input.ParentId).sort();
    expect(parents(org.commandCalls(ListAccountsForParentCommand) as never)).toEqual([
      'ou-ab12-workload',
      'r-ab12',
    ]);
    for (const call of org.commandCalls(ListAccountsForParentCommand)) {
      const creds = await (call.thisValue as OrganizationsClient).config.credentials();
      expect(creds.accessKeyId).toBe('management');
    }

    // Without management credentials the tree is not read, and only the management account is named.
    org.resetHistory();
    const hubOnly = await diagnose({ hub }, byName);
    expect(org.commandCalls(ListAccountsForParentCommand)).toEqual([]);
    expect(byId(hubOnly, 'launch-role-reach').reason).toContain(
      `${MGMT}: the management account (StackSets never deploys there). The accounts outside the StackSet targets cannot be named without management credentials.`,
    );
    hub.destroy();
    management.destroy();
  });

  it('turns expired credentials into a failed first check with the sso login remedy', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(awsError('ExpiredToken', 'The security token included in the request is expired'));
    const hub = await context('hub');
    const report = await diagnose({ hub }, settings);
    expect(byId(report, 'credentials')).toMatchObject({
      verdict: 'fail',
      reason: expect.stringContaining('expired'),
      remedy: expect.stringContaining('aws sso login --profile <profile>'),
    });
    expect(report.checks.slice(1).every((c) => c.verdict === 'skip')).toBe(true);
    hub.destroy();
  });
});
