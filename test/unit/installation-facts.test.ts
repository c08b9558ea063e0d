// The installation facts as the AWS layer gathers them, against SDK mocks for what moto cannot produce: a
// refused lookup, a launch-role stack whose StackSet is gone, StackSets trusted access not answered. A part
// that depends on one that could not be looked at is "could not look" too, with the same reason, so that
// status reports it and uninstall refuses to guess.
import {
  CloudFormationClient,
  DescribeOrganizationsAccessCommand,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
  ListStackInstancesCommand,
} from '@aws-sdk/client-cloudformation';
import { ListDelegatedAdministratorsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  DescribePortfolioSharesCommand,
  GetAWSOrganizationsAccessStatusCommand,
  ListProvisioningArtifactsCommand,
  SearchProvisionedProductsCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsContext } from '../../src/aws/clients.js';
import { gatherInstallationFacts } from '../../src/aws/installation.js';
import { OperationError } from '../../src/core/errors.js';
import { fact, valueIfKnown, valueOrThrow } from '../../src/core/facts.js';
import { defaultOptions } from '../../src/core/options.js';
import { planRemoval } from '../../src/core/removal.js';
import { evaluateStatus } from '../../src/core/status.js';
import { HUB, MEMBER, MGMT, REGION } from '../support/facts.js';

const names = defaultOptions.stackNames;
const awsError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $metadata: {} });

describe('fact helpers', () => {
  it('tell absent from could-not-look, and only the throwing reader refuses to guess', () => {
    expect(fact.of(undefined)).toEqual({ state: 'absent' });
    expect(fact.of(null)).toEqual({ state: 'absent' });
    expect(fact.of(false)).toEqual({ state: 'present', value: false });
    const refused = fact.unknown({ name: 'AccessDeniedException', message: 'no' });
    expect(fact.dependent(refused, fact.present([]))).toBe(refused);
    expect(fact.dependent(fact.absent(), fact.present([]))).toEqual({ state: 'present', value: [] });
    expect(valueIfKnown(refused)).toBeUndefined();
    expect(valueOrThrow(fact.absent(), 'the thing')).toBeUndefined();
    expect(() => valueOrThrow(refused, 'the thing')).toThrow(OperationError);
    expect(() => valueOrThrow(refused, 'the thing')).toThrow('Cannot tell whether the thing exists: no');
  });
});

describe('gatherInstallationFacts with SDK mocks', () => {
  const cfn = mockClient(CloudFormationClient);
  const org = mockClient(OrganizationsClient);
  const sc = mockClient(ServiceCatalogClient);
  afterEach(() => {
    for (const m of [cfn, org, sc]) m.reset();
  });

  it('carries a refused lookup into the parts that depend on it, and reports a StackSet that is gone', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: names.bucket })
      .rejects(awsError('ValidationError', `Stack with id ${names.bucket} does not exist`));
    cfn
      .on(DescribeStacksCommand, { StackName: names.portfolio })
      .rejects(
        awsError(
          'AccessDeniedException',
          `User: arn:aws:sts::${HUB}:assumed-role/ReadOnly/me is not authorized to perform: cloudformation:DescribeStacks`,
        ),
      );
    cfn.on(DescribeStacksCommand, { StackName: names.launchRoleStackSet }).resolves({
      Stacks: [
        {
          StackName: names.launchRoleStackSet,
          StackId: `arn:aws:cloudformation:${REGION}:${MGMT}:stack/${names.launchRoleStackSet}/1`,
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date('2025-01-01T00:00:00Z'),
          Parameters: [{ ParameterKey: 'CurrentAccountType', ParameterValue: 'management' }],
        },
      ],
    });
    cfn
      .on(DescribeStacksCommand, { StackName: names.permissionSet })
      .rejects(awsError('ValidationError', `Stack with id ${names.permissionSet} does not exist`));
    cfn.on(ListStackInstancesCommand).rejects(awsError('StackSetNotFoundException', 'StackSet not found'));
    cfn.on(DescribeOrganizationsAccessCommand).rejects(awsError('InternalFailure', 'try again'));
    sc.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
    org.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [{ Id: HUB }] });

    const creds = { secretAccessKey: 'secret' };
    const hub = await createAwsContext({ region: REGION, credentials: { accessKeyId: 'hub', ...creds } });
    const management = await createAwsContext({
      region: REGION,
      credentials: { accessKeyId: 'management', ...creds },
    });
    const facts = await gatherInstallationFacts({
      hub,
      hubAccountId: HUB,
      management,
      managementAccountId: MGMT,
      stackNames: names,
      permissionSetRegion: REGION,
    });
    hub.destroy();
    management.destroy();

    expect(facts.bucketStack).toEqual({ state: 'absent' });
    expect(facts.buckets).toEqual({ state: 'present', value: [] });
    expect(facts.portfolioStack.state).toBe('unknown');
    for (const part of [facts.portfolio, facts.shares]) {
      expect(part).toMatchObject({ state: 'unknown', error: { name: 'AccessDeniedException' } });
    }
    expect(facts.management).toMatchObject({
      launchRoleStack: { state: 'present', value: { stackName: names.launchRoleStackSet, region: REGION } },
      stackSet: { state: 'absent' },
      permissionSetStack: { state: 'absent' },
      // Trusted access unanswered does not hide the rest of the organization setup.
      orgSetup: {
        state: 'present',
        value: {
          serviceCatalogAccess: 'ENABLED',
          hubIsDelegatedAdmin: true,
          stackSetsTrustedAccess: 'UNKNOWN',
        },
      },
    });

    const report = evaluateStatus(facts, { options: defaultOptions });
    expect(report.couldNotCheck).toEqual(['product-versions', 'portfolio', 'shares']);
    expect(report.parts.find((p) => p.id === 'launch-roles')?.problems).toEqual([
      'the stack exists but its StackSet does not',
    ]);
    expect(() => planRemoval(facts)).toThrow(/Cannot tell whether the portfolio stack/);
  });

  it("gathers the failed stack instances, the account shares' acceptance and the product versions for status", async () => {
    const stack = (
      name: string,
      account: string,
      parameters: Record<string, string>,
      outputs: Record<string, string> = {},
    ): DescribeStacksCommandOutput => ({
      $metadata: {},
      Stacks: [
        {
          StackName: name,
          StackId: `arn:aws:cloudformation:${REGION}:${account}:stack/${name}/1`,
          StackStatus: 'UPDATE_COMPLETE' as const,
          CreationTime: new Date('2025-01-01T00:00:00Z'),
          Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
            ParameterKey,
            ParameterValue,
          })),
          Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });
    const missing = (name: string) => awsError('ValidationError', `Stack with id ${name} does not exist`);
    cfn.on(DescribeStacksCommand, { StackName: names.bucket }).rejects(missing(names.bucket));
    cfn.on(DescribeStacksCommand, { StackName: names.permissionSet }).rejects(missing(names.permissionSet));
    cfn
      .on(DescribeStacksCommand, { StackName: names.portfolio })
      .resolves(
        stack(
          names.portfolio,
          HUB,
          { ProductVersion: 'v2' },
          { PortfolioId: 'port-abc123', ProductId: 'prod-xyz789' },
        ),
      );
    cfn
      .on(DescribeStacksCommand, { StackName: names.launchRoleStackSet })
      .resolves(stack(names.launchRoleStackSet, MGMT, { CurrentAccountType: 'delegated-admin' }));
    // The whole list (for uninstall's count) and one filtered query per unsuccessful detailed status.
    cfn.on(ListStackInstancesCommand).resolves({
      Summaries: [
        {
          Account: HUB,
          Region: REGION,
          Status: 'CURRENT',
          StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' },
        },
      ],
    });
    for (const status of ['CANCELLED', 'INOPERABLE', 'FAILED_IMPORT', 'SKIPPED_SUSPENDED_ACCOUNT']) {
      cfn
        .on(ListStackInstancesCommand, { Filters: [{ Name: 'DETAILED_STATUS', Values: status }] })
        .resolves({ Summaries: [] });
    }
    cfn.on(ListStackInstancesCommand, { Filters: [{ Name: 'DETAILED_STATUS', Values: 'FAILED' }] }).resolves({
      Summaries: [
        {
          Account: MEMBER,
          Region: REGION,
          Status: 'OUTDATED',
          StatusReason: 'explicit deny in a service control policy',
          StackInstanceStatus: { DetailedStatus: 'FAILED' },
          OrganizationalUnitId: 'ou-ab12-cdef3456',
        },
      ],
    });
    cfn.on(DescribeOrganizationsAccessCommand).resolves({ Status: 'ENABLED' });
    sc.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
    org.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [{ Id: HUB }] });
    sc.on(DescribePortfolioSharesCommand).resolves({ PortfolioShareDetails: [] });
    sc.on(DescribePortfolioSharesCommand, { Type: 'ACCOUNT' }).resolves({
      PortfolioShareDetails: [
        { PrincipalId: MEMBER, Type: 'ACCOUNT', Accepted: false, SharePrincipals: false },
      ],
    });
    sc.on(ListProvisioningArtifactsCommand).resolves({
      ProvisioningArtifactDetails: [
        {
          Id: 'pa-2',
          Name: 'v2',
          Active: true,
          Guidance: 'DEFAULT',
          CreatedTime: new Date('2025-03-04T05:00:00Z'),
        },
        {
          Id: 'pa-1',
          Name: 'v1',
          Active: true,
          Guidance: 'DEPRECATED',
          CreatedTime: new Date('2025-01-10T09:00:00Z'),
        },
      ],
    });
    sc.on(SearchProvisionedProductsCommand).resolves({ ProvisionedProducts: [] });

    const creds = { secretAccessKey: 'secret' };
    const hub = await createAwsContext({ region: REGION, credentials: { accessKeyId: 'hub', ...creds } });
    const management = await createAwsContext({
      region: REGION,
      credentials: { accessKeyId: 'management', ...creds },
    });
    const facts = await gatherInstallationFacts({
      hub,
      hubAccountId: HUB,
      management,
      managementAccountId: MGMT,
      stackNames: names,
      permissionSetRegion: REGION,
    });
    hub.destroy();
    management.destroy();

    const filtered = cfn
      .commandCalls(ListStackInstancesCommand)
      .map((c) => c.args[0].input)
      .filter((input) => input.Filters);
    expect(filtered).toEqual(
      ['FAILED', 'CANCELLED', 'INOPERABLE', 'FAILED_IMPORT', 'SKIPPED_SUSPENDED_ACCOUNT'].map((status) => ({
        StackSetName: 'Security-Hub-Notifications-Product-IAM-Roles',
        CallAs: 'DELEGATED_ADMIN',
        Filters: [{ Name: 'DETAILED_STATUS', Values: status }],
      })),
    );
    expect(facts.management?.unsuccessfulInstances).toEqual({
      state: 'present',
      value: [
        {
          account: MEMBER,
          region: REGION,
          status: 'OUTDATED',
          detailedStatus: 'FAILED',
          statusReason: 'explicit deny in a service control policy',
        },
      ],
    });
    expect(sc.commandCalls(ListProvisioningArtifactsCommand)[0]?.args[0].input).toEqual({
      ProductId: 'prod-xyz789',
    });

    const report = evaluateStatus(facts, { options: defaultOptions });
    expect(report.parts.find((p) => p.id === 'launch-roles')?.problems).toEqual([
      `no launch role: ${MEMBER} ${REGION} FAILED: explicit deny in a service control policy`,
    ]);
    expect(report.lists.map((l) => l.rows)).toEqual([
      [`${MEMBER} ${REGION} FAILED: explicit deny in a service control policy`],
      [
        `${MEMBER} not accepted yet: the recipient must accept (import) the share and associate its principals`,
      ],
      ['v1  2025-01-10  deprecated', 'v2  2025-03-04  current'],
    ]);
  });
});
