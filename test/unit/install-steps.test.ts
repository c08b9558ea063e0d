// Install steps against scripted clients (no moto): the organization setup (Service Catalog's
// Organizations access is not in moto) and where the hub's launch role comes from before the portfolio.
import {
  ActivateOrganizationsAccessCommand,
  CloudFormationClient,
  DescribeOrganizationsAccessCommand,
} from '@aws-sdk/client-cloudformation';
import {
  AccountAlreadyRegisteredException,
  ListParentsCommand,
  OrganizationsClient,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import {
  EnableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsContext } from '../../src/aws/clients.js';
import { OperationError } from '../../src/core/errors.js';
import { MSG } from '../../src/core/messages.js';
import { resolveOptions } from '../../src/core/options.js';
import type { InstallContext, ResolvedOptions } from '../../src/ops/install/context.js';
import { ensureHubLaunchRole, LAUNCH_ROLE_NAME } from '../../src/ops/install/hub-launch-role.js';
import { orgSetup } from '../../src/ops/install/org-setup.js';
import { TestIoHost } from '../support/io-host.js';

const HUB = '222222222222';
const MANAGEMENT = '111111111111';

const sc = mockClient(ServiceCatalogClient);
const org = mockClient(OrganizationsClient);
const cfn = mockClient(CloudFormationClient);
const clients = {
  sc: new ServiceCatalogClient({ region: 'eu-west-1' }),
  org: new OrganizationsClient({ region: 'eu-west-1' }),
  cfn: new CloudFormationClient({ region: 'eu-west-1' }),
};
const account = {
  region: 'eu-west-1',
  serviceCatalog: async () => clients.sc,
  organizations: async () => clients.org,
  cloudformation: async () => clients.cfn,
  inRegion: () => account,
} as unknown as AwsContext;

function context(values: Record<string, unknown> = {}, management = true): InstallContext {
  return {
    options: resolveOptions({ values, sources: {} }) as ResolvedOptions,
    hub: account,
    hubCaller: { accountId: HUB, arn: `arn:aws:iam::${HUB}:role/admin`, partition: 'aws' },
    ...(management
      ? {
          management: account,
          managementCaller: {
            accountId: MANAGEMENT,
            arn: `arn:aws:iam::${MANAGEMENT}:role/admin`,
            partition: 'aws',
          },
        }
      : {}),
    organization: { id: 'o-abcdefghij', arn: '', managementAccountId: MANAGEMENT, featureSet: 'ALL' },
    dryRun: false,
    pollIntervalMs: 1,
    view: { changeTable: () => '' },
  };
}

beforeEach(() => {
  sc.reset();
  org.reset();
  cfn.reset();
});
afterAll(() => {
  sc.restore();
  org.restore();
  cfn.restore();
});

describe('org-setup step', () => {
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
    const outcome = await orgSetup(context(), { io, signal: new AbortController().signal }, 'eu-west-1');
    // The wait is reported with the status seen and the elapsed time, scoped to the step.
    expect(io.payloads(MSG.ORG_ACCESS_STATUS).map((p) => [p.step, p.state])).toEqual([
      ['org-setup', 'UNDER_CHANGE'],
    ]);
    expect(outcome.outcome).toBe('done');
    expect(sc.commandCalls(EnableAWSOrganizationsAccessCommand)).toHaveLength(1);
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
    const outcome = await orgSetup(
      context(),
      { io: new TestIoHost(), signal: new AbortController().signal },
      'eu-west-1',
    );
    expect(outcome.outcome).toBe('no-changes');
    expect(outcome.detail).toContain(`account ${HUB} already a Service Catalog delegated administrator`);
    expect(sc.commandCalls(EnableAWSOrganizationsAccessCommand)).toHaveLength(0);
    expect(cfn.commandCalls(ActivateOrganizationsAccessCommand)).toHaveLength(0);
  });

  it('a newly activated StackSets trusted access alone is a change', async () => {
    sc.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
    org
      .on(RegisterDelegatedAdministratorCommand)
      .rejects(new AccountAlreadyRegisteredException({ message: 'already registered', $metadata: {} }));
    cfn.on(DescribeOrganizationsAccessCommand).resolves({ Status: 'DISABLED' });
    cfn.on(ActivateOrganizationsAccessCommand).resolves({});
    expect(
      (await orgSetup(context(), { io: new TestIoHost(), signal: new AbortController().signal }, 'eu-west-1'))
        .outcome,
    ).toBe('done');
  });
});

describe('the launch role in the hub before the portfolio (LaunchRoleConstraint LocalRoleName)', () => {
  const run = () => ({ io: new TestIoHost(), signal: new AbortController().signal });

  it('goes on at once when the role is already in the hub', async () => {
    const looked: string[] = [];
    const result = await ensureHubLaunchRole(context(), run(), {
      roleExists: async (name) => {
        looked.push(name);
        return true;
      },
    });
    expect(result.source).toBe('present');
    expect(looked).toEqual([LAUNCH_ROLE_NAME]);
  });

  it('waits for the role itself while the StackSet covering the hub still runs, not for the StackSet', async () => {
    let polls = 0;
    const never = new Promise<boolean>(() => {});
    const result = await ensureHubLaunchRole(context({ stacksetTargets: 'root' }), run(), {
      roleExists: async () => ++polls >= 3,
      stackSet: { settled: never },
    });
    expect(result.source).toBe('stackset');
    expect(polls).toBe(3);
  });

  it('stops naming the role when the StackSet step fails before the role appears', async () => {
    let fail: (ok: boolean) => void = () => {};
    const settled = new Promise<boolean>((r) => {
      fail = r;
    });
    const waiting = ensureHubLaunchRole(context({ stacksetTargets: 'root' }), run(), {
      roleExists: async () => false,
      stackSet: { settled },
    });
    fail(false);
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toContain(
      `${LAUNCH_ROLE_NAME} is not in hub account ${HUB}: the launch-roles step failed`,
    );
  });

  it('gives up after the bounded wait', async () => {
    const error = await ensureHubLaunchRole(context({ stacksetTargets: 'root' }), run(), {
      roleExists: async () => false,
      stackSet: { settled: new Promise<boolean>(() => {}) },
      waitTimeoutMs: 5,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/is not in hub account 222222222222 after \d+ s/);
  });

  it('stops with the remedy when the StackSet covers the hub (an OU above it) but does not run now', async () => {
    org
      .on(ListParentsCommand, { ChildId: HUB })
      .resolves({ Parents: [{ Id: 'ou-ab12-security', Type: 'ORGANIZATIONAL_UNIT' }] })
      .on(ListParentsCommand, { ChildId: 'ou-ab12-security' })
      .resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
    const error = await ensureHubLaunchRole(context({ stacksetTargets: 'ou-ab12-security' }), run(), {
      roleExists: async () => false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as OperationError).hint).toContain('secnotify install --steps launch-roles');
    expect(cfn.calls()).toHaveLength(0);
  });
});
