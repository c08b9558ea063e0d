// install through the built CLI against moto, as CI would run it: --yes, no TTY. Moto runs the stacks (it
// skips the Service Catalog, SSO and StackSet resource types inside them, so what CloudFormation received is
// asserted on the templates moto stored), S3, the organization look-ups and the portfolio shares.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateOrganizationalUnitCommand, ListRootsCommand } from '@aws-sdk/client-organizations';
import {
  GetBucketEncryptionCommand,
  GetObjectTaggingCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreatePortfolioCommand,
  DescribePortfolioSharesCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCfnYaml } from '../../src/core/cfn-yaml.js';
import { loadConfigFile } from '../../src/core/config.js';
import { resolveOptions } from '../../src/core/options.js';
import { type MotoAccount, motoOrganization, putLaunchRole } from '../support/aws.js';
import { runCli } from '../support/cli.js';

const FAST = { SECNOTIFY_POLL_MS: '100' };

async function stack(cfn: CloudFormationClient, name: string) {
  const out = await cfn.send(new DescribeStacksCommand({ StackName: name }));
  const s = out.Stacks![0]!;
  const params = Object.fromEntries((s.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
  const body = (await cfn.send(new GetTemplateCommand({ StackName: name }))).TemplateBody!;
  return { status: s.StackStatus, params, capabilities: s.Capabilities ?? [], template: parseCfnYaml(body) };
}

const resourcesOfType = (template: ReturnType<typeof parseCfnYaml>, type: string) =>
  Object.values(template.Resources).filter((r) => r.Type === type);

const organizationWithHub = () => motoOrganization();

describe('install --dry-run', () => {
  it('shows the plan and the change set, saves the answers, and leaves no stack behind', async () => {
    const { hub } = await organizationWithHub();
    const dir = mkdtempSync(join(tmpdir(), 'sn-dry-'));
    const saved = join(dir, 'secnotify.yaml');
    const result = await runCli(
      [
        'install',
        '--dry-run',
        '--yes',
        '--steps',
        'templates,portfolio',
        '--idc-region',
        'eu-west-1',
        '--timezone',
        'Asia/Tokyo',
        '--save-config',
        saved,
      ],
      { env: { ...hub.env, ...FAST } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Dry run: nothing was changed. The plan has changes in 2 step(s).');
    // One plan: the bucket's change set is the detail under its step; the portfolio, which needs the
    // uploaded template, says what it would do instead of stopping the dry run.
    expect(result.stderr).toMatch(
      /templates\s+changes\n\s+SecurityNotifications-SC-Bucket \(hub, eu-west-1\): creates 4 resource\(s\)\n\s+uploads product template products\/security-notifications-[0-9a-f]{16}\.yaml\n\s+Action\s+Logical ID/,
    );
    expect(result.stderr).toMatch(
      /portfolio\s+changes\n\s+creates the portfolio stack SecurityNotifications-Service-Catalog with product version v1/,
    );
    expect(result.stderr).not.toContain('Apply this plan?');
    expect(result.stderr).toContain('Add     ProductTemplateBucket');
    const cfn = new CloudFormationClient(hub.clientConfig);
    const stacks = await cfn.send(new ListStacksCommand({}));
    expect((stacks.StackSummaries ?? []).filter((s) => s.StackStatus !== 'DELETE_COMPLETE')).toEqual([]);
    const config = loadConfigFile(saved);
    expect(config.connection).toEqual({ region: 'eu-west-1' });
    expect(resolveOptions(config.options).timezone).toBe('Asia/Tokyo');
  });
});

describe('install in the hub account (templates and portfolio steps)', () => {
  let hub: MotoAccount;
  beforeAll(async () => {
    ({ hub } = await organizationWithHub());
  });

  it('deploys the bucket stack, uploads the product template under its hash, and deploys the portfolio', async () => {
    const result = await runCli(
      [
        'install',
        '--yes',
        '--json',
        '--steps',
        'templates,portfolio',
        '--idc-region',
        'eu-west-1',
        '--principals',
        'SecOps,Developers',
      ],
      { env: { ...hub.env, ...FAST } },
    );
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.hubAccountId).toBe(hub.accountId);
    expect(doc.productVersion).toBe('v1');
    expect(doc.steps.find((s: { id: string }) => s.id === 'templates').outcome).toBe('done');
    // Without management credentials no StackSet brings the launch role: the hub gets the single-account
    // launch-role stack before the portfolio stack, whose launch constraint names the role.
    expect(doc.stacks.map((s: { stackName: string; account: string }) => [s.stackName, s.account])).toEqual([
      ['SecurityNotifications-SC-Bucket', 'hub'],
      ['SecurityNotifications-IAM-roles', 'hub'],
      ['SecurityNotifications-Service-Catalog', 'hub'],
    ]);

    const cfn = new CloudFormationClient(hub.clientConfig);
    const s3 = new S3Client(hub.clientConfig);
    const bucketStack = await stack(cfn, 'SecurityNotifications-SC-Bucket');
    expect(bucketStack.status).toBe('CREATE_COMPLETE');
    const bucketName = doc.productTemplateUrl.match(/^https:\/\/([^.]+)\.s3\.eu-west-1\.amazonaws\.com\//)[1];
    // moto applies bucket encryption from the template but not versioning: that is asserted on the template.
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucketName }));
    expect(
      encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
        ?.SSEAlgorithm,
    ).toBeTruthy();
    const buckets = resourcesOfType(bucketStack.template, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(2);
    for (const b of buckets) expect(b.Properties?.VersioningConfiguration).toEqual({ Status: 'Enabled' });

    const objects = await s3.send(new ListObjectsV2Command({ Bucket: bucketName }));
    const keys = (objects.Contents ?? []).map((o) => o.Key);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^products\/security-notifications-[0-9a-f]{16}\.yaml$/);
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucketName, Key: keys[0] }));
    expect(tags.TagSet).toContainEqual({ Key: 'servicecatalog:provisioning', Value: 'true' });

    const portfolio = await stack(cfn, 'SecurityNotifications-Service-Catalog');
    expect(portfolio.params).toMatchObject({
      ProviderName: 'Security',
      ProductVersion: 'v1',
      ProductTemplateUrl: doc.productTemplateUrl,
    });
    const patterns = resourcesOfType(
      portfolio.template,
      'AWS::ServiceCatalog::PortfolioPrincipalAssociation',
    ).map((r) => r.Properties);
    expect(patterns).toEqual([
      expect.objectContaining({
        PrincipalType: 'IAM_PATTERN',
        PrincipalARN: {
          'Fn::Sub':
            'arn:${AWS::Partition}:iam:::role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SecOps_*',
        },
      }),
      expect.objectContaining({
        PrincipalType: 'IAM_PATTERN',
        PrincipalARN: {
          'Fn::Sub':
            'arn:${AWS::Partition}:iam:::role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Developers_*',
        },
      }),
    ]);
  });

  it('reports "no changes" on a second run with the same options, and uploads nothing', async () => {
    const result = await runCli(
      ['install', '--yes', '--steps', 'templates,portfolio', '--idc-region', 'eu-west-1'],
      {
        env: { ...hub.env, ...FAST },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Install complete: no changes.');
    expect(result.stderr).toContain(
      'Using the settings deployed in SecurityNotifications-Service-Catalog as defaults.',
    );
    expect(result.stdout).toMatch(/templates\s+no-changes/);
    expect(result.stdout).toMatch(/portfolio\s+no-changes/);
    // Nothing to apply: no question, and the next steps and the time taken close the run.
    expect(result.stderr).not.toContain('Apply this plan?');
    expect(result.stdout).toMatch(
      /Next:\n {2}- assign the permission set \S+ to users or groups in IAM Identity Center[^\n]*\n {2}- send a test finding[^\n]*secnotify send-test-finding/,
    );
    expect(result.stdout).toMatch(/Took \d+\.\d s\./);
    const planned = await runCli(
      [
        'install',
        '--dry-run',
        '--detailed-exitcode',
        '--steps',
        'templates,portfolio',
        '--idc-region',
        'eu-west-1',
      ],
      { env: { ...hub.env, ...FAST } },
    );
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('The plan has no changes.');
    expect(planned.stderr).toMatch(/SecurityNotifications-Service-Catalog \(hub, eu-west-1\): no changes/);
  });

  it('--dry-run --detailed-exitcode exits 3 and names the version change and the changed settings', async () => {
    const result = await runCli(
      [
        'install',
        '--dry-run',
        '--detailed-exitcode',
        '--steps',
        'templates,portfolio',
        '--idc-region',
        'eu-west-1',
        '--timezone',
        'Australia/Melbourne',
      ],
      { env: { ...hub.env, ...FAST } },
    );
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/product version v1 → v2 \(new template\)/);
    // The bucket stack's resources do not change: only the answers stored in its Metadata.
    expect(result.stderr).toMatch(
      /SecurityNotifications-SC-Bucket \(hub, eu-west-1\): stored settings only: timezone "[^"]+" → "Australia\/Melbourne"/,
    );
    const usage = await runCli(['install', '--detailed-exitcode', '--yes'], { env: { ...hub.env, ...FAST } });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--detailed-exitcode works with --dry-run only');
  });

  it('publishes the next product version when an option changes the product template', async () => {
    const result = await runCli(
      [
        'install',
        '--yes',
        '--json',
        '--steps',
        'templates,portfolio',
        '--idc-region',
        'eu-west-1',
        '--timezone',
        'Australia/Melbourne',
      ],
      {
        env: { ...hub.env, ...FAST },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.productVersion).toBe('v2');
    const cfn = new CloudFormationClient(hub.clientConfig);
    const portfolio = await stack(cfn, 'SecurityNotifications-Service-Catalog');
    expect(portfolio.params.ProductVersion).toBe('v2');
    expect(portfolio.params.ProductTemplateUrl).toBe(doc.productTemplateUrl);
    // The deployed answers now carry the new zone: the next plain run keeps it.
    const again = await runCli(
      ['install', '--yes', '--json', '--steps', 'templates,portfolio', '--idc-region', 'eu-west-1'],
      {
        env: { ...hub.env, ...FAST },
      },
    );
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).productVersion).toBe('v2');
  });
});

describe('install across the organization (management look-ups, launch roles, shares)', () => {
  let management: MotoAccount;
  let hub: MotoAccount;
  let orgId: string;
  let memberId: string;

  beforeAll(async () => {
    ({ management, hub, orgId, memberId } = await motoOrganization());
  });

  it('refuses to host the product in the management account, and says why', async () => {
    const result = await runCli(['install', '--yes', '--steps', 'templates'], {
      env: { ...management.env, ...FAST },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("are the organization's management account");
  });

  it('looks up the organization and root for the StackSet and shares the portfolio with an account', async () => {
    // moto skips Service Catalog resources in stacks: the portfolio exists here as the API made it.
    const sc = new ServiceCatalogClient(hub.clientConfig);
    const portfolio = await sc.send(
      new CreatePortfolioCommand({
        DisplayName: 'Subscribe to AWS Security Hub notifications',
        ProviderName: 'Security',
        IdempotencyToken: 'e2e',
      }),
    );
    const portfolioId = portfolio.PortfolioDetail!.Id!;
    // The StackSet's instance in the hub brings the launch role (moto runs no instances: put it there).
    await putLaunchRole(hub);
    const result = await runCli(
      [
        'install',
        '--yes',
        '--json',
        '--steps',
        'launch-roles,templates,portfolio,share',
        '--management-role-arn',
        `arn:aws:iam::${management.accountId}:role/OrganizationAccountAccessRole`,
        '--share',
        memberId,
        '--principal-type',
        'iam-role',
        '--principals',
        'WorkloadAdmin',
      ],
      { env: { ...hub.env, ...FAST } },
    );
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.managementAccountId).toBe(management.accountId);
    expect(doc.portfolioId).toBe(portfolioId);
    expect(doc.shares).toEqual([{ target: memberId, outcome: 'created', errors: [] }]);
    // The role came from the StackSet: no single-account launch-role stack in the hub.
    expect(doc.stacks.map((s: { stackName: string }) => s.stackName)).not.toContain(
      'SecurityNotifications-IAM-roles',
    );
    expect(doc.steps.find((s: { id: string }) => s.id === 'portfolio').detail).toContain(
      'SecurityHubNotificationsServiceCatalogLaunchRole present in hub',
    );

    const shares = await sc.send(
      new DescribePortfolioSharesCommand({ PortfolioId: portfolioId, Type: 'ACCOUNT' }),
    );
    expect(shares.PortfolioShareDetails?.map((d) => d.PrincipalId)).toEqual([memberId]);

    // The StackSet stack went to the management account with the looked-up organization and root.
    const mgmtCfn = new CloudFormationClient(management.clientConfig);
    const stackSet = await stack(mgmtCfn, 'SecurityNotifications-IAM-roles-StackSet');
    expect(stackSet.params.OrganizationId).toBe(orgId);
    // moto shows a CommaDelimitedList parameter as a Python list literal; the one value is the root ID.
    expect(stackSet.params.DeploymentTargets).toMatch(/\br-[a-z0-9]{4,32}\b/);
    expect(stackSet.params.CurrentAccountType).toMatch(/management/i);
    const [resource] = resourcesOfType(stackSet.template, 'AWS::CloudFormation::StackSet');
    expect(resource?.Properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: { 'Fn::If': ['IsDelegatedAdmin', 'DELEGATED_ADMIN', 'SELF'] },
    });

    const hubCfn = new CloudFormationClient(hub.clientConfig);
    const portfolioStack = await stack(hubCfn, 'SecurityNotifications-Service-Catalog');
    const principals = resourcesOfType(
      portfolioStack.template,
      'AWS::ServiceCatalog::PortfolioPrincipalAssociation',
    );
    expect(principals.map((r) => r.Properties?.PrincipalARN)).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam:::role/WorkloadAdmin' },
    ]);

    const again = await runCli(
      [
        'install',
        '--yes',
        '--json',
        '--steps',
        'share',
        '--management-role-arn',
        `arn:aws:iam::${management.accountId}:role/OrganizationAccountAccessRole`,
      ],
      { env: { ...hub.env, ...FAST } },
    );
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).shares).toEqual([{ target: memberId, outcome: 'already', errors: [] }]);
  });
});

describe('OUs given by name or path', () => {
  it('are looked up with the management credentials and deployed by ID; without them, exit 2 naming the flag', async () => {
    const { management, hub, org } = await motoOrganization();
    const root = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    const workloads = (
      await org.send(new CreateOrganizationalUnitCommand({ Name: 'Workloads', ParentId: root }))
    ).OrganizationalUnit!.Id!;
    const prod = (await org.send(new CreateOrganizationalUnitCommand({ Name: 'Prod', ParentId: workloads })))
      .OrganizationalUnit!.Id!;

    const withoutManagement = await runCli(
      ['install', '--yes', '--steps', 'templates', '--share', 'Workloads/Prod'],
      { env: { ...hub.env, ...FAST } },
    );
    expect(withoutManagement.code).toBe(2);
    expect(withoutManagement.stderr).toContain('--share');
    expect(withoutManagement.stderr).toContain('--management-profile');

    const result = await runCli(
      [
        'install',
        '--yes',
        '--json',
        '--steps',
        'launch-roles',
        '--management-role-arn',
        `arn:aws:iam::${management.accountId}:role/OrganizationAccountAccessRole`,
        '--stackset-targets',
        'Workloads/Prod',
        '--share',
        'Prod',
      ],
      { env: { ...hub.env, ...FAST } },
    );
    expect(result.code, result.stderr).toBe(0);
    const stackSet = await stack(
      new CloudFormationClient(management.clientConfig),
      'SecurityNotifications-IAM-roles-StackSet',
    );
    expect(stackSet.params.DeploymentTargets).toContain(prod);
    // The answers kept for the next run carry the IDs that were looked up.
    expect(stackSet.template.Metadata?.SecnotifySettings).toMatchObject({
      stacksetTargets: [prod],
      share: [prod],
    });
  });
});
