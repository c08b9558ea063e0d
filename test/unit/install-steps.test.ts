// The install steps that moto cannot carry whole: the organization setup (Service Catalog's Organizations
// access is not in moto) against scripted clients, and the permission-set step against moto with the
// product ID that AWS would report from the portfolio stack.
import {
  ActivateOrganizationsAccessCommand,
  CloudFormationClient,
  DescribeOrganizationsAccessCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import {
  AccountAlreadyRegisteredException,
  OrganizationsClient,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import {
  EnableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsContext, createAwsContext } from '../../src/aws/clients.js';
import { type InstallState, STEP_RUNNERS } from '../../src/cli/install/steps.js';
import { parseCfnYaml } from '../../src/core/cfn-yaml.js';
import { MSG, REQ } from '../../src/core/messages.js';
import { resolveOptions } from '../../src/core/options.js';
import type { PlannedStep } from '../../src/core/plan.js';
import { motoAccount } from '../support/aws.js';
import { TestIoHost } from '../support/io-host.js';

const HUB = '222222222222';
const MANAGEMENT = '111111111111';

function baseState(management: AwsContext, hub: AwsContext, io: TestIoHost): InstallState {
  return {
    options: resolveOptions(),
    hub,
    hubCaller: { accountId: HUB, arn: `arn:aws:iam::${HUB}:role/admin`, partition: 'aws' },
    management,
    managementCaller: {
      accountId: MANAGEMENT,
      arn: `arn:aws:iam::${MANAGEMENT}:role/admin`,
      partition: 'aws',
    },
    organization: { id: 'o-abcdefghij', arn: '', managementAccountId: MANAGEMENT, featureSet: 'ALL' },
    io,
    signal: new AbortController().signal,
    dryRun: false,
    color: false,
    pollIntervalMs: 50,
    shares: [],
    stacks: [],
  };
}

describe('org-setup step (scripted clients)', () => {
  const sc = mockClient(ServiceCatalogClient);
  const org = mockClient(OrganizationsClient);
  const cfn = mockClient(CloudFormationClient);
  const clients = {
    sc: new ServiceCatalogClient({ region: 'eu-west-1' }),
    org: new OrganizationsClient({ region: 'eu-west-1' }),
    cfn: new CloudFormationClient({ region: 'eu-west-1' }),
  };
  const management = {
    region: 'eu-west-1',
    serviceCatalog: async () => clients.sc,
    organizations: async () => clients.org,
    cloudformation: async () => clients.cfn,
  } as unknown as AwsContext;
  const step: PlannedStep = {
    id: 'org-setup',
    account: 'management',
    region: 'eu-west-1',
    title: '',
    run: true,
  };

  beforeEach(() => {
    sc.reset();
    org.reset();
    cfn.reset();
  });
  // mockClient(Class) scripts every instance of the class: give the real clients back to the moto test.
  afterAll(() => {
    sc.restore();
    org.restore();
    cfn.restore();
  });

  it('enables Service Catalog organization access, registers the hub, activates StackSets trusted access', async () => {
    // DISABLED, then UNDER_CHANGE while the change propagates, then ENABLED.
    sc.on(GetAWSOrganizationsAccessStatusCommand)
      .resolvesOnce({ AccessStatus: 'DISABLED' })
      .resolvesOnce({ AccessStatus: 'UNDER_CHANGE' })
      .resolves({ AccessStatus: 'ENABLED' });
    sc.on(EnableAWSOrganizationsAccessCommand).resolves({});
    org.on(RegisterDelegatedAdministratorCommand).callsFake(async () => {
      // The delegated administrator is registered only once the access reads ENABLED.
      expect(sc.commandCalls(GetAWSOrganizationsAccessStatusCommand)).toHaveLength(3);
      return {};
    });
    cfn.on(DescribeOrganizationsAccessCommand).resolves({ Status: 'DISABLED' });
    cfn.on(ActivateOrganizationsAccessCommand).resolves({});
    const io = new TestIoHost();
    const outcome = await STEP_RUNNERS['org-setup'](baseState(management, management, io), step);
    expect(outcome.outcome).toBe('done');
    expect(sc.commandCalls(EnableAWSOrganizationsAccessCommand)).toHaveLength(1);
    // The wait is reported with the status seen and the elapsed time, scoped to the step.
    expect(io.payloads(MSG.ORG_ACCESS_STATUS).map((p) => [p.step, p.state])).toEqual([
      ['org-setup', 'UNDER_CHANGE'],
    ]);
    expect(org.commandCalls(RegisterDelegatedAdministratorCommand)[0]!.args[0].input).toEqual({
      AccountId: HUB,
      ServicePrincipal: 'servicecatalog.amazonaws.com',
    });
    expect(cfn.commandCalls(ActivateOrganizationsAccessCommand)).toHaveLength(1);
  });

  it('counts everything already in place, including an already registered administrator, as no changes', async () => {
    sc.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
    org
      .on(RegisterDelegatedAdministratorCommand)
      .rejects(new AccountAlreadyRegisteredException({ message: 'already registered', $metadata: {} }));
    cfn.on(DescribeOrganizationsAccessCommand).resolves({ Status: 'ENABLED' });
    const outcome = await STEP_RUNNERS['org-setup'](
      baseState(management, management, new TestIoHost()),
      step,
    );
    expect(outcome.outcome).toBe('no-changes');
    expect(outcome.detail).toContain(`account ${HUB} already a Service Catalog delegated administrator`);
    expect(sc.commandCalls(EnableAWSOrganizationsAccessCommand)).toHaveLength(0);
    expect(cfn.commandCalls(ActivateOrganizationsAccessCommand)).toHaveLength(0);
  });
});

describe('permission-set step (moto)', () => {
  it('deploys to the Identity Center home region with the instance it finds and the hub region and product', async () => {
    const account = await motoAccount('us-east-1');
    const management = await createAwsContext({
      credentials: account.credentials,
      endpointUrl: account.endpoint,
      region: 'eu-west-1',
    });
    const hub = await createAwsContext({
      credentials: account.credentials,
      endpointUrl: account.endpoint,
      region: 'eu-central-1',
    });
    const io = new TestIoHost().mockResponse(REQ.CONFIRM_CHANGE_SET, true);
    const state = {
      ...baseState(management, hub, io),
      portfolioId: 'port-abcdefghijklm',
      productId: 'prod-abcdefghijklm',
      idcHomeRegion: 'us-east-1',
    };
    const instances = await (await management.inRegion('us-east-1').ssoAdmin()).send(
      new ListInstancesCommand({}),
    );
    const instanceArn = instances.Instances![0]!.InstanceArn!;

    const step: PlannedStep = {
      id: 'permission-set',
      account: 'management',
      region: 'us-east-1',
      title: '',
      run: true,
    };
    const outcome = await STEP_RUNNERS['permission-set'](state, step);
    expect(outcome.outcome).toBe('done');

    const cfn = new CloudFormationClient(account.clientConfig);
    const stack = (
      await cfn.send(new DescribeStacksCommand({ StackName: 'SecurityNotifications-PermissionSet' }))
    ).Stacks![0]!;
    const params = Object.fromEntries(
      (stack.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]),
    );
    expect(stack.StackId).toContain(':cloudformation:us-east-1:');
    expect(params).toMatchObject({
      InstanceArn: instanceArn,
      ProductId: 'prod-abcdefghijklm',
      PermissionSetName: 'SubscribeToSecurityNotifications',
      HubRegion: 'eu-central-1',
    });
    const template = parseCfnYaml(
      (await cfn.send(new GetTemplateCommand({ StackName: 'SecurityNotifications-PermissionSet' })))
        .TemplateBody!,
    );
    expect(JSON.stringify(template)).not.toContain('arn:aws:');
    management.destroy();
    hub.destroy();
  });
});
