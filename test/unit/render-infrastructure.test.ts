// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, not JS templates.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCfnYaml } from '../../src/core/cfn-yaml.js';
import { resolveOptions, type SecnotifyOptions } from '../../src/core/options.js';
import {
  type RenderContext,
  type RenderedStack,
  renderInfrastructure,
  type StackId,
} from '../../src/core/render/infrastructure.js';
import { packageRoot, templatesDir } from '../../src/core/render/templates-dir.js';
import { optionVariants } from '../lint/harness.js';

const fullCtx: RenderContext = {
  hubRegion: 'eu-west-1',
  hubAccountId: '111122223333',
  organizationId: 'o-abcdef1234',
  rootId: 'r-ab12',
  isManagementAccount: true,
  idcInstanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
  idcHomeRegion: 'eu-central-1',
  productId: 'prod-abcdefghijklm',
  productTemplateUrl: 'https://bucket.s3.eu-west-1.amazonaws.com/product/0123abcd.yaml',
  productVersion: 'v3',
};

function options(values: Record<string, unknown> = {}): SecnotifyOptions {
  return resolveOptions({ values, sources: {} });
}

function stack(stacks: RenderedStack[], id: StackId): RenderedStack {
  const s = stacks.find((x) => x.id === id);
  if (!s) throw new Error(`no ${id} stack among ${stacks.map((x) => x.id).join(', ')}`);
  return s;
}

function resourcesOfType(s: RenderedStack, type: string) {
  return Object.entries(s.template.Resources).filter(([, r]) => r.Type === type);
}

describe('renderInfrastructure', () => {
  it('renders the five stacks of a default install, each for its account and Region', () => {
    const stacks = renderInfrastructure(options(), fullCtx);
    expect(stacks.map((s) => [s.fileName, s.stackName, s.account, s.region])).toEqual([
      ['bucket.yaml', 'SecurityNotifications-SC-Bucket', 'hub', 'eu-west-1'],
      ['launch-role-stackset.yaml', 'SecurityNotifications-IAM-roles-StackSet', 'management', 'eu-west-1'],
      ['launch-role.yaml', 'SecurityNotifications-IAM-roles', 'hub', 'eu-west-1'],
      ['portfolio.yaml', 'SecurityNotifications-Service-Catalog', 'hub', 'eu-west-1'],
      // The permission set goes where the Identity Center instance is.
      ['permission-set.yaml', 'SecurityNotifications-PermissionSet', 'management', 'eu-central-1'],
    ]);
    expect(stack(stacks, 'launch-role').capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
    for (const s of stacks) expect(s.placeholders).toEqual([]);
  });

  it('takes stack names from the options', () => {
    const stacks = renderInfrastructure(
      options({
        stackNames: { bucket: 'B', portfolio: 'P', launchRoleStackSet: 'Roles', permissionSet: 'PS' },
      }),
      fullCtx,
    );
    expect(stacks.map((s) => s.stackName)).toEqual(['B', 'Roles', 'Roles-SingleAccount', 'P', 'PS']);
  });

  it('puts the rendered launch-role template, not a copy, into the StackSet', () => {
    const stacks = renderInfrastructure(options(), fullCtx);
    const launchRole = stack(stacks, 'launch-role');
    const set = stack(stacks, 'launch-role-stackset');
    const props = set.template.Resources.LaunchRoleStackSet!.Properties!;
    expect(props.TemplateBody).toBe(launchRole.body);
    expect(parseCfnYaml(props.TemplateBody as string)).toEqual(launchRole.template);
    expect(props).toMatchObject({
      StackSetName: 'Security-Hub-Notifications-Product-IAM-Roles',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: { 'Fn::If': ['IsDelegatedAdmin', 'DELEGATED_ADMIN', 'SELF'] },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: { Ref: 'DeploymentTargets' } },
          Regions: [{ Ref: 'AWS::Region' }],
        },
      ],
    });
    expect(set.parameters).toEqual({
      OrganizationId: 'o-abcdef1234',
      Formatter: 'lambda',
      DeploymentTargets: 'r-ab12',
      CurrentAccountType: 'management',
    });
  });

  it('targets OUs and a delegated administrator when asked', () => {
    const stacks = renderInfrastructure(
      options({ stacksetTargets: 'ou-ab12-cdef3456,ou-ab12-ghij7890', formatter: 'eventbridge' }),
      { ...fullCtx, isManagementAccount: false },
    );
    expect(stack(stacks, 'launch-role-stackset').parameters).toMatchObject({
      DeploymentTargets: 'ou-ab12-cdef3456,ou-ab12-ghij7890',
      CurrentAccountType: 'delegated-admin',
      Formatter: 'eventbridge',
    });
    expect(stack(stacks, 'launch-role').parameters.Formatter).toBe('eventbridge');
  });

  it('never writes a literal arn:aws: partition, in any variant', () => {
    for (const v of optionVariants()) {
      for (const s of renderInfrastructure(v.options, v.ctx)) {
        expect(s.body, `${v.name} ${s.fileName}`).not.toMatch(/arn:aws:/);
        // Every ARN names the partition through CloudFormation (the one exception is a regular expression
        // for the Identity Center instance ARN parameter, which accepts every partition).
        const partitions = [...s.body.matchAll(/arn:(\$\{AWS::Partition\}|[^:\s]*):/g)].map((m) => m[1]);
        for (const p of partitions)
          expect(p === '${AWS::Partition}' || p!.startsWith('aws(-'), `${s.fileName}: ${p}`).toBe(true);
      }
    }
  });

  it('associates every allowed principal with the portfolio as an IAM_PATTERN', () => {
    const stacks = renderInfrastructure(
      options({ principals: 'SubscribeToSecurityNotifications,AWSPowerUserAccess,Sec.Ops' }),
      fullCtx,
    );
    const associations = resourcesOfType(
      stack(stacks, 'portfolio'),
      'AWS::ServiceCatalog::PortfolioPrincipalAssociation',
    );
    expect(associations.map(([id, r]) => [id, r.Properties])).toEqual([
      [
        'PrincipalSubscribeToSecurityNotifications',
        {
          PortfolioId: { Ref: 'Portfolio' },
          PrincipalARN: {
            'Fn::Sub':
              'arn:${AWS::Partition}:iam:::role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_SubscribeToSecurityNotifications_*',
          },
          PrincipalType: 'IAM_PATTERN',
        },
      ],
      [
        'PrincipalAWSPowerUserAccess',
        expect.objectContaining({
          PrincipalARN: {
            'Fn::Sub':
              'arn:${AWS::Partition}:iam:::role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_AWSPowerUserAccess_*',
          },
        }),
      ],
      ['PrincipalSecOps', expect.objectContaining({ PrincipalType: 'IAM_PATTERN' })],
    ]);
  });

  it('uses IAM role patterns for the iam-role principal type, and keeps logical IDs distinct', () => {
    const stacks = renderInfrastructure(
      options({ principalType: 'iam-role', principals: 'Dev.Ops,DevOps' }),
      fullCtx,
    );
    const associations = resourcesOfType(
      stack(stacks, 'portfolio'),
      'AWS::ServiceCatalog::PortfolioPrincipalAssociation',
    );
    expect(associations.map(([id, r]) => [id, r.Properties?.PrincipalARN])).toEqual([
      ['PrincipalDevOps', { 'Fn::Sub': 'arn:${AWS::Partition}:iam:::role/Dev.Ops' }],
      ['PrincipalDevOps2', { 'Fn::Sub': 'arn:${AWS::Partition}:iam:::role/DevOps' }],
    ]);
    // No permission set for IAM-role principals.
    expect(stacks.map((s) => s.id)).not.toContain('permission-set');
  });

  it('puts no Region in the permission set pattern for a us-east-1 Identity Center home', () => {
    const stacks = renderInfrastructure(options(), { ...fullCtx, idcHomeRegion: 'us-east-1' });
    const associations = resourcesOfType(
      stack(stacks, 'portfolio'),
      'AWS::ServiceCatalog::PortfolioPrincipalAssociation',
    );
    expect(associations.map(([, r]) => r.Properties?.PrincipalARN)).toEqual([
      {
        'Fn::Sub':
          'arn:${AWS::Partition}:iam:::role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SubscribeToSecurityNotifications_*',
      },
    ]);
  });

  it('adds the launch-role constraint only with the launch role, and then renders the role stacks', () => {
    const withRole = renderInfrastructure(options({ launchRole: true }), fullCtx);
    const constraint = resourcesOfType(
      stack(withRole, 'portfolio'),
      'AWS::ServiceCatalog::LaunchRoleConstraint',
    );
    expect(constraint.map(([, r]) => r.Properties?.LocalRoleName)).toEqual([
      'SecurityHubNotificationsServiceCatalogLaunchRole',
    ]);

    const without = renderInfrastructure(options({ launchRole: false }), fullCtx);
    expect(resourcesOfType(stack(without, 'portfolio'), 'AWS::ServiceCatalog::LaunchRoleConstraint')).toEqual(
      [],
    );
    expect(without.map((s) => s.id)).toEqual(['bucket', 'portfolio']);
  });

  it('points the permission set at the product in the hub Region, with any account, not its own Region', () => {
    const stacks = renderInfrastructure(options(), fullCtx);
    const ps = stack(stacks, 'permission-set');
    expect(ps.region).toBe('eu-central-1');
    expect(ps.parameters).toEqual({
      InstanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
      PermissionSetName: 'SubscribeToSecurityNotifications',
      ProductId: 'prod-abcdefghijklm',
      HubRegion: 'eu-west-1',
    });
    const props = ps.template.Resources.PermissionSet!.Properties!;
    const relay = (props.RelayStateType as { 'Fn::Sub': [string, unknown] })['Fn::Sub'][0];
    expect(relay).toBe(
      'https://${ConsoleHost}/servicecatalog/home?region=${HubRegion}#/products/${ProductId}',
    );
    const statements = (props.InlinePolicy as { Statement: { Sid: string; Resource: unknown }[] }).Statement;
    // Subscribers launch from member accounts a product imported from the hub: the account is "*", the
    // (unique) product ID pins it down.
    expect(statements.find((s) => s.Sid === 'LaunchTheNotificationsProduct')?.Resource).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:catalog:${HubRegion}:*:product/${ProductId}',
    });
    expect(ps.body).not.toContain('AWS::Region');
    expect(props.SessionDuration).toBe('PT8H');
  });

  it('lists the look-ups it was not given as placeholders', () => {
    const stacks = renderInfrastructure(options(), { hubRegion: 'ap-southeast-2' });
    const byId = Object.fromEntries(stacks.map((s) => [s.id, s.placeholders]));
    expect(byId).toEqual({
      bucket: [],
      'launch-role-stackset': [
        '<lookup:organization-id>',
        '<lookup:root-id>',
        '<lookup:current-account-type>',
      ],
      'launch-role': ['<lookup:organization-id>'],
      portfolio: ['<lookup:product-version>', '<lookup:product-template-url>'],
      'permission-set': ['<lookup:identity-center-instance-arn>', '<lookup:product-id>'],
    });
    expect(stack(stacks, 'portfolio').parameters.ProductVersion).toBe('<lookup:product-version>');
    // Without a looked-up home Region, the current (hub) Region is the default.
    expect(stack(stacks, 'permission-set').region).toBe('ap-southeast-2');
  });

  it('publishes an explicit product version over the automatic one', () => {
    const stacks = renderInfrastructure(
      options({ productVersion: 'v9', providerName: 'Cloud Security' }),
      fullCtx,
    );
    expect(stack(stacks, 'portfolio').parameters).toEqual({
      ProviderName: 'Cloud Security',
      ProductVersion: 'v9',
      ProductTemplateUrl: fullCtx.productTemplateUrl,
    });
  });

  it('writes YAML that parses back to the same template', () => {
    for (const v of optionVariants()) {
      for (const s of renderInfrastructure(v.options, v.ctx))
        expect(parseCfnYaml(s.body)).toEqual(s.template);
    }
  });

  it('keeps the product bucket private, versioned, encrypted, TLS-only and logged', () => {
    const bucket = stack(renderInfrastructure(options(), fullCtx), 'bucket');
    const r = bucket.template.Resources;
    for (const id of ['ProductTemplateBucket', 'AccessLogBucket']) {
      expect(r[id]!.Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      });
    }
    expect(r.ProductTemplateBucket!.Properties!.LoggingConfiguration).toMatchObject({
      DestinationBucketName: { Ref: 'AccessLogBucket' },
    });
    expect(r.AccessLogBucket!.Properties!.LifecycleConfiguration).toMatchObject({
      Rules: [{ Status: 'Enabled', Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 90 }] }],
    });
    const tls = (r.ProductTemplateBucketPolicy!.Properties!.PolicyDocument as { Statement: unknown[] })
      .Statement;
    expect(tls).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const logPolicy = (r.AccessLogBucketPolicy!.Properties!.PolicyDocument as { Statement: unknown[] })
      .Statement;
    expect(logPolicy).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Condition: {
          ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': ['ProductTemplateBucket', 'Arn'] } },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      }),
    );
    expect(Object.keys(bucket.template.Outputs ?? {})).toEqual(
      expect.arrayContaining(['BucketName', 'BucketUrl']),
    );
    expect(bucket.template.Outputs?.BucketUrl?.Value).toEqual({
      'Fn::Sub': 'https://${ProductTemplateBucket.RegionalDomainName}',
    });
  });

  it('exports the portfolio and product IDs', () => {
    const outputs = stack(renderInfrastructure(options(), fullCtx), 'portfolio').template.Outputs ?? {};
    expect(outputs.PortfolioId).toMatchObject({ Value: { Ref: 'Portfolio' }, Export: expect.anything() });
    expect(outputs.ProductId).toMatchObject({ Value: { Ref: 'Product' }, Export: expect.anything() });
  });

  it('finds the shipped templates from the sources and from the bundle (dist/cli.js, dist/chunks/*.js)', () => {
    const root = packageRoot();
    expect(templatesDir()).toBe(join(root, 'templates'));
    for (const file of ['dist/cli.js', 'dist/chunks/render-abc123.js', 'src/core/render/infrastructure.ts']) {
      expect(packageRoot(pathToFileURL(join(root, file)).href)).toBe(root);
    }
    expect(() => packageRoot('/')).toThrow(/package root/);
  });
});

describe('StackSet targets given by name', () => {
  it('render offline as an ou-ids look-up, listed with the other placeholders', () => {
    const options = resolveOptions({ values: { stacksetTargets: 'Workloads/Prod' }, sources: {} });
    const stackSet = renderInfrastructure(options, { hubRegion: 'eu-west-1' }).find(
      (s) => s.id === 'launch-role-stackset',
    )!;
    expect(stackSet.parameters.DeploymentTargets).toBe('<lookup:ou-ids>');
    expect(stackSet.placeholders).toContain('<lookup:ou-ids>');
  });
});

describe('organization-scale StackSet roll-out', () => {
  it('decouples concurrency from failures and deploys all accounts and Regions in parallel', () => {
    // StackSetOperationPreferences: with the default STRICT_FAILURE_TOLERANCE the initial concurrency is the
    // lower of MaxConcurrent… and FailureToleranceCount+1, so the former FailureToleranceCount 0 meant one
    // account at a time.
    const set = stack(renderInfrastructure(options(), fullCtx), 'launch-role-stackset');
    const props = set.template.Resources.LaunchRoleStackSet!.Properties!;
    expect(props.OperationPreferences).toEqual({
      ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      FailureTolerancePercentage: 25,
      MaxConcurrentPercentage: 100,
      RegionConcurrencyType: 'PARALLEL',
    });
    // Count and percentage exclude each other (StackSetOperationPreferences, "Conditional").
    expect(props.OperationPreferences).not.toHaveProperty('FailureToleranceCount');
    expect(props.OperationPreferences).not.toHaveProperty('MaxConcurrentCount');
  });
});

describe('permission set read access', () => {
  it("reads only the stacks launched from this product (Service Catalog's aws:servicecatalog:productArn tag)", () => {
    const ps = stack(renderInfrastructure(options(), fullCtx), 'permission-set');
    const statements = (
      ps.template.Resources.PermissionSet!.Properties!.InlinePolicy as {
        Statement: { Sid: string; Condition?: unknown; Resource: unknown }[];
      }
    ).Statement;
    const read = statements.find((s) => s.Sid === 'ReadProductStacks')!;
    expect(read.Condition).toEqual({
      StringLike: {
        'aws:ResourceTag/aws:servicecatalog:productArn': {
          'Fn::Sub': 'arn:${AWS::Partition}:catalog:${HubRegion}:*:product/${ProductId}',
        },
      },
    });
    expect(read.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:*:*:stack/SC-*' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:*:*:changeSet/SC-*' },
    ]);
  });
});

describe('product versions in the portfolio template', () => {
  const v1 = {
    name: 'v1',
    templateUrl: 'https://bucket.s3.eu-west-1.amazonaws.com/products/security-notifications-aaaa.yaml',
    description: 'Security Hub notifications product template.',
  };
  const v2 = {
    name: 'v2',
    templateUrl: 'https://bucket.s3.eu-west-1.amazonaws.com/products/security-notifications-bbbb.yaml',
  };

  it('keeps every earlier version, unchanged, before the current one', () => {
    const portfolio = stack(
      renderInfrastructure(options(), { ...fullCtx, earlierProductVersions: [v1, v2] }),
      'portfolio',
    );
    expect(portfolio.template.Resources.Product!.Properties!.ProvisioningArtifactParameters).toEqual([
      {
        Name: 'v1',
        Description: 'Security Hub notifications product template.',
        Info: { LoadTemplateFromURL: v1.templateUrl },
      },
      { Name: 'v2', Info: { LoadTemplateFromURL: v2.templateUrl } },
      {
        Name: { Ref: 'ProductVersion' },
        Description: 'Security Hub notifications product template.',
        Info: { LoadTemplateFromURL: { Ref: 'ProductTemplateUrl' } },
      },
    ]);
    expect(portfolio.parameters.ProductVersion).toBe('v3');
    // Never replace artifacts: ReplaceProvisioningArtifacts stays off.
    expect(portfolio.template.Resources.Product!.Properties).not.toHaveProperty(
      'ReplaceProvisioningArtifacts',
    );
  });

  it("uses the plan's current name over --product-version, so an unchanged template is never renamed", () => {
    const portfolio = stack(
      renderInfrastructure(options({ productVersion: 'v9' }), {
        ...fullCtx,
        productVersion: 'v2',
        productTemplateUrl: v2.templateUrl,
        earlierProductVersions: [v1],
      }),
      'portfolio',
    );
    expect(portfolio.parameters.ProductVersion).toBe('v2');
  });

  it('renders only the current version on a first install', () => {
    const portfolio = stack(renderInfrastructure(options(), fullCtx), 'portfolio');
    expect(portfolio.template.Resources.Product!.Properties!.ProvisioningArtifactParameters).toHaveLength(1);
  });

  it('refuses a current version that is also listed as an earlier one, and an earlier one listed twice', () => {
    expect(() =>
      renderInfrastructure(options(), {
        ...fullCtx,
        productVersion: 'v1',
        productTemplateUrl: v1.templateUrl,
        earlierProductVersions: [v1],
      }),
    ).toThrow(/v1 is both an earlier and the current version/);
    expect(() => renderInfrastructure(options(), { ...fullCtx, earlierProductVersions: [v1, v1] })).toThrow(
      /listed twice/,
    );
  });
});
