// Product versions are kept: the plan that decides them, the deployed entries read back from the portfolio
// template, the Service Catalog calls that deprecate earlier versions (aws-sdk-client-mock: moto implements
// neither ListProvisioningArtifacts nor UpdateProvisioningArtifact), and the rows `status` shows.
import {
  DeleteProvisioningArtifactCommand,
  ListProvisioningArtifactsCommand,
  ServiceCatalogClient,
  UpdateProvisioningArtifactCommand,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { deprecateEarlierVersions } from '../../src/aws/product-versions.js';
import { parseCfnYaml } from '../../src/core/cfn-yaml.js';
import { OperationError, UsageError } from '../../src/core/errors.js';
import { resolveOptions } from '../../src/core/options.js';
import {
  ARTIFACT_DESCRIPTION,
  deployedArtifactEntries,
  describeProductVersions,
  planProductVersions,
} from '../../src/core/product-versions.js';
import { renderInfrastructure } from '../../src/core/render/infrastructure.js';

const url = (hash: string) =>
  `https://secnotify-bucket.s3.eu-west-1.amazonaws.com/products/security-notifications-${hash}.yaml`;
const V1 = { name: 'v1', templateUrl: url('1111111111111111'), description: ARTIFACT_DESCRIPTION };
const V2 = { name: 'v2', templateUrl: url('2222222222222222'), description: ARTIFACT_DESCRIPTION };

describe('planProductVersions', () => {
  it('publishes v1 on a first install', () => {
    expect(planProductVersions({ deployed: [], templateUrl: V1.templateUrl })).toEqual({
      earlier: [],
      current: V1,
      publishes: true,
    });
  });

  it('keeps the current version when the template is unchanged, and says an explicit name was not used', () => {
    expect(planProductVersions({ deployed: [V1, V2], templateUrl: V2.templateUrl })).toEqual({
      earlier: [V1],
      current: V2,
      publishes: false,
    });
    // Renaming the artifact would make CloudFormation replace it (matched by URL and name).
    expect(
      planProductVersions({ deployed: [V1, V2], templateUrl: V2.templateUrl, explicitVersion: 'v9' }),
    ).toMatchObject({ current: V2, publishes: false, ignoredVersion: 'v9' });
  });

  it('adds the next version for a changed template and keeps every earlier one', () => {
    const plan = planProductVersions({ deployed: [V1, V2], templateUrl: url('3333333333333333') });
    expect(plan).toEqual({
      earlier: [V1, V2],
      current: { name: 'v3', templateUrl: url('3333333333333333'), description: ARTIFACT_DESCRIPTION },
      publishes: true,
    });
  });

  it('publishes a template changed back to an earlier content as a new version', () => {
    const plan = planProductVersions({ deployed: [V1, V2], templateUrl: V1.templateUrl });
    expect(plan.earlier).toEqual([V1, V2]);
    expect(plan.current).toMatchObject({ name: 'v3', templateUrl: V1.templateUrl });
  });

  it('counts versions added outside the stack, and refuses an explicit name already in use', () => {
    expect(
      planProductVersions({ deployed: [V1], templateUrl: V2.templateUrl, otherNames: ['v1', 'v7'] }).current
        .name,
    ).toBe('v8');
    let error: unknown;
    try {
      planProductVersions({
        deployed: [V1, V2],
        templateUrl: url('3333333333333333'),
        explicitVersion: 'v1',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).field).toBe('--product-version');
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as UsageError).hint).toContain('v3');
  });
});

describe('deployedArtifactEntries', () => {
  it('reads back exactly the entries the renderer deployed, so the next render keeps them unchanged', () => {
    const options = resolveOptions({ values: {}, sources: {} });
    const portfolio = renderInfrastructure(options, {
      hubRegion: 'eu-west-1',
      productTemplateUrl: url('3333333333333333'),
      productVersion: 'v3',
      earlierProductVersions: [V1, V2],
    }).find((s) => s.id === 'portfolio')!;
    // What CloudFormation stores: the template body and the parameter values.
    const deployed = deployedArtifactEntries(parseCfnYaml(portfolio.body), portfolio.parameters);
    expect(deployed).toEqual([
      V1,
      V2,
      { name: 'v3', templateUrl: url('3333333333333333'), description: ARTIFACT_DESCRIPTION },
    ]);

    // The next run with a changed template renders the three again, then v4.
    const plan = planProductVersions({ deployed, templateUrl: url('4444444444444444') });
    const next = renderInfrastructure(options, {
      hubRegion: 'eu-west-1',
      productTemplateUrl: plan.current.templateUrl,
      productVersion: plan.current.name,
      earlierProductVersions: plan.earlier,
    }).find((s) => s.id === 'portfolio')!;
    expect(deployedArtifactEntries(parseCfnYaml(next.body), next.parameters).map((e) => e.name)).toEqual([
      'v1',
      'v2',
      'v3',
      'v4',
    ]);
  });

  it('reads a template deployed before versions were kept (one entry from the parameters)', () => {
    const template = parseCfnYaml(`
Resources:
  Product:
    Type: AWS::ServiceCatalog::CloudFormationProduct
    Properties:
      ProvisioningArtifactParameters:
        - Name: !Ref ProductVersion
          Description: ${ARTIFACT_DESCRIPTION}
          Info:
            LoadTemplateFromURL: !Ref ProductTemplateUrl
`);
    expect(
      deployedArtifactEntries(template, { ProductVersion: 'v2', ProductTemplateUrl: V2.templateUrl }),
    ).toEqual([V2]);
    expect(() => deployedArtifactEntries(template, {})).toThrow(/ProductVersion has no deployed value/);
  });
});

const config = { region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const PRODUCT = 'prod-abcdefghijklm';

function artifacts(...rows: [id: string, name: string, guidance: 'DEFAULT' | 'DEPRECATED', day: number][]) {
  return {
    ProvisioningArtifactDetails: rows.map(([Id, Name, Guidance, day]) => ({
      Id,
      Name,
      Guidance,
      Active: true,
      Type: 'CLOUD_FORMATION_TEMPLATE' as const,
      CreatedTime: new Date(Date.UTC(2026, 0, day)),
    })),
  };
}

describe('deprecateEarlierVersions', () => {
  it('marks every earlier version DEPRECATED, with exactly these inputs, and deletes nothing', async () => {
    const sc = new ServiceCatalogClient(config);
    const mock = mockClient(sc);
    mock
      .on(ListProvisioningArtifactsCommand)
      .resolves(
        artifacts(
          ['pa-3', 'v3', 'DEFAULT', 3],
          ['pa-1', 'v1', 'DEPRECATED', 1],
          ['pa-2', 'v2', 'DEFAULT', 2],
        ),
      );
    mock.on(UpdateProvisioningArtifactCommand).resolves({});

    const result = await deprecateEarlierVersions(sc, PRODUCT, 'v3');

    expect(mock.commandCalls(ListProvisioningArtifactsCommand)[0]!.args[0].input).toEqual({
      ProductId: PRODUCT,
    });
    // v1 is already deprecated; only v2 changes. Active is left alone.
    expect(mock.commandCalls(UpdateProvisioningArtifactCommand).map((c) => c.args[0].input)).toEqual([
      { ProductId: PRODUCT, ProvisioningArtifactId: 'pa-2', Guidance: 'DEPRECATED' },
    ]);
    expect(mock.commandCalls(DeleteProvisioningArtifactCommand)).toHaveLength(0);
    expect(result.current).toMatchObject({ id: 'pa-3', name: 'v3', guidance: 'DEFAULT' });
    expect(result.deprecated.map((a) => a.name)).toEqual(['v2']);
    expect(result.restored).toBe(false);
  });

  it('sets a deprecated current version back to DEFAULT', async () => {
    const sc = new ServiceCatalogClient(config);
    const mock = mockClient(sc);
    mock
      .on(ListProvisioningArtifactsCommand)
      .resolves(artifacts(['pa-1', 'v1', 'DEPRECATED', 1], ['pa-2', 'v2', 'DEPRECATED', 2]));
    mock.on(UpdateProvisioningArtifactCommand).resolves({});
    const result = await deprecateEarlierVersions(sc, PRODUCT, 'v2');
    expect(mock.commandCalls(UpdateProvisioningArtifactCommand).map((c) => c.args[0].input)).toEqual([
      { ProductId: PRODUCT, ProvisioningArtifactId: 'pa-2', Guidance: 'DEFAULT' },
    ]);
    expect(result.restored).toBe(true);
  });

  it('fails with the versions it found when the current one is missing, and changes nothing', async () => {
    const sc = new ServiceCatalogClient(config);
    const mock = mockClient(sc);
    mock.on(ListProvisioningArtifactsCommand).resolves(artifacts(['pa-1', 'v1', 'DEFAULT', 1]));
    const error = await deprecateEarlierVersions(sc, PRODUCT, 'v2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toBe(`Product ${PRODUCT} has no version v2 (it has v1).`);
    expect(mock.commandCalls(UpdateProvisioningArtifactCommand)).toHaveLength(0);
  });
});

describe('describeProductVersions (for status)', () => {
  it('lists versions oldest first as current, deprecated, active or inactive', () => {
    const day = (d: number) => new Date(Date.UTC(2026, 0, d));
    expect(
      describeProductVersions(
        [
          { id: 'pa-3', name: 'v3', createdTime: day(3), active: true, guidance: 'DEFAULT' },
          { id: 'pa-1', name: 'v1', createdTime: day(1), active: true, guidance: 'DEPRECATED' },
          { id: 'pa-0', name: 'beta', createdTime: day(0), active: false, guidance: 'DEFAULT' },
          { id: 'pa-2', name: 'v2', createdTime: day(2), active: true, guidance: 'DEFAULT' },
        ],
        'v3',
      ).map((r) => [r.name, r.state]),
    ).toEqual([
      ['beta', 'inactive'],
      ['v1', 'deprecated'],
      ['v2', 'active'],
      ['v3', 'current'],
    ]);
  });
});
