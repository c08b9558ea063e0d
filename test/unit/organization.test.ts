// Organization calls that moto does not implement (Service Catalog Organizations access, StackSets trusted
// access) and failure shapes it cannot produce, against aws-sdk-client-mock.
import {
  ActivateOrganizationsAccessCommand,
  CloudFormationClient,
  DescribeOrganizationsAccessCommand,
  InvalidOperationException,
} from '@aws-sdk/client-cloudformation';
import {
  AccessDeniedException,
  AccountAlreadyRegisteredException,
  AWSOrganizationsNotInUseException,
  DescribeOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import {
  EnableAWSOrganizationsAccessCommand,
  GetAWSOrganizationsAccessStatusCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { EndpointNotImplementedError } from '../../src/aws/aws-errors.js';
import {
  activateStackSetsTrustedAccess,
  callerIsManagementAccount,
  describeOrganization,
  enableServiceCatalogOrgAccess,
  isDelegatedAdmin,
  registerDelegatedAdmin,
  resolveOus,
  serviceCatalogOrgAccessStatus,
  stackSetsTrustedAccess,
} from '../../src/aws/organization.js';
import { AbortError, OperationError, UsageError } from '../../src/core/errors.js';

const config = { region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const meta = { $metadata: {} };

function orgClient() {
  const client = new OrganizationsClient(config);
  return { client, mock: mockClient(client) };
}

/** What moto (or any non-AWS endpoint) does for an operation it lacks: an HTML page the SDK cannot parse. */
function htmlPageError(): Error {
  const error = new SyntaxError(
    'Unexpected token \'<\', "<!doctype "... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
  );
  Object.assign(error, {
    $metadata: { httpStatusCode: 500 },
    $response: { statusCode: 500, headers: { 'content-type': 'text/html; charset=utf-8' } },
  });
  return error;
}

describe('describeOrganization', () => {
  it('maps the organization, including the management account', async () => {
    const { client, mock } = orgClient();
    mock.on(DescribeOrganizationCommand).resolves({
      Organization: {
        Id: 'o-abcdefghij',
        Arn: 'arn:aws:organizations::111111111111:organization/o-abcdefghij',
        FeatureSet: 'ALL',
        MasterAccountId: '111111111111',
      },
    });
    const info = await describeOrganization(client);
    expect(info).toEqual({
      id: 'o-abcdefghij',
      arn: 'arn:aws:organizations::111111111111:organization/o-abcdefghij',
      featureSet: 'ALL',
      managementAccountId: '111111111111',
    });
    expect(callerIsManagementAccount(info, '111111111111')).toBe(true);
    expect(callerIsManagementAccount(info, '222222222222')).toBe(false);
    expect(callerIsManagementAccount(undefined, '111111111111')).toBe(false);
  });

  it('is undefined for an account outside any organization', async () => {
    const { client, mock } = orgClient();
    mock
      .on(DescribeOrganizationCommand)
      .rejects(new AWSOrganizationsNotInUseException({ message: 'no', ...meta }));
    expect(await describeOrganization(client)).toBeUndefined();
  });

  it('turns access denied into an OperationError naming the action', async () => {
    const { client, mock } = orgClient();
    mock.on(DescribeOrganizationCommand).rejects(
      new AccessDeniedException({
        message: 'You don’t have permissions to access this resource.',
        ...meta,
      }),
    );
    const error = await describeOrganization(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toContain('organizations:DescribeOrganization');
  });
});

describe('resolveOus', () => {
  // Root r-root1 → Workloads (ou-root-workload) → Prod (ou-root-prod1111), Dev; Sandbox → Prod (ou-root-prod2222)
  function tree() {
    const { client, mock } = orgClient();
    mock.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-root1', Name: 'Root' }] });
    const pages: Record<string, { OrganizationalUnits: { Id: string; Name: string }[]; NextToken?: string }> =
      {
        'r-root1': {
          OrganizationalUnits: [{ Id: 'ou-root-workload', Name: 'Workloads' }],
          NextToken: 'page2',
        },
        'r-root1 page2': { OrganizationalUnits: [{ Id: 'ou-root-sandbox1', Name: 'Sandbox' }] },
        'ou-root-workload': {
          OrganizationalUnits: [
            { Id: 'ou-root-prod1111', Name: 'Prod' },
            { Id: 'ou-root-dev11111', Name: 'Dev' },
          ],
        },
        'ou-root-sandbox1': { OrganizationalUnits: [{ Id: 'ou-root-prod2222', Name: 'Prod' }] },
      };
    mock.on(ListOrganizationalUnitsForParentCommand).callsFake(
      (input: { ParentId: string; NextToken?: string }) =>
        pages[input.NextToken ? `${input.ParentId} ${input.NextToken}` : input.ParentId] ?? {
          OrganizationalUnits: [],
        },
    );
    return { client, mock };
  }

  it('passes IDs through without any call and resolves root', async () => {
    const { client, mock } = tree();
    expect(await resolveOus(client, ['ou-ab12-abcdefgh', 'r-ab12'])).toEqual(['ou-ab12-abcdefgh', 'r-ab12']);
    expect(mock.calls()).toHaveLength(0);
    expect(await resolveOus(client, ['root'])).toEqual(['r-root1']);
  });

  it('walks paths from the root across pages, in the order given', async () => {
    const { client } = tree();
    expect(await resolveOus(client, ['Sandbox/Prod', 'Workloads/Prod', '/Workloads/dev'])).toEqual([
      'ou-root-prod2222',
      'ou-root-prod1111',
      'ou-root-dev11111',
    ]);
  });

  it('finds a unique bare name anywhere in the tree', async () => {
    const { client } = tree();
    expect(await resolveOus(client, ['Dev'])).toEqual(['ou-root-dev11111']);
  });

  it('rejects an ambiguous bare name, listing the paths that match', async () => {
    const { client } = tree();
    const error = await resolveOus(client, ['Prod'], { field: '--stackset-targets' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).field).toBe('--stackset-targets');
    expect((error as Error).message).toContain('"Prod" is ambiguous');
    expect((error as Error).message).toContain('Workloads/Prod (ou-root-prod1111)');
    expect((error as Error).message).toContain('Sandbox/Prod (ou-root-prod2222)');
  });

  it('rejects a missing path segment, naming the value and the children that exist', async () => {
    const { client } = tree();
    const error = await resolveOus(client, ['Workloads/Staging']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).field).toBe('--share');
    expect((error as Error).message).toContain('"Workloads/Staging" not found');
    expect((error as Error).message).toContain('no OU named "Staging"');
    expect((error as Error).message).toContain('Dev, Prod');
  });

  it('rejects a missing bare name', async () => {
    const { client } = tree();
    await expect(resolveOus(client, ['Security'])).rejects.toThrow('no OU named "Security"');
  });
});

describe('delegated administrator', () => {
  it('registers once, and counts AccountAlreadyRegisteredException as done', async () => {
    const { client, mock } = orgClient();
    mock
      .on(RegisterDelegatedAdministratorCommand)
      .resolvesOnce({})
      .rejects(new AccountAlreadyRegisteredException({ message: 'already', ...meta }));
    expect(await registerDelegatedAdmin(client, '222222222222', 'servicecatalog.amazonaws.com')).toBe(
      'registered',
    );
    expect(await registerDelegatedAdmin(client, '222222222222', 'servicecatalog.amazonaws.com')).toBe(
      'already',
    );
    expect(mock.commandCalls(RegisterDelegatedAdministratorCommand)[0]!.args[0].input).toEqual({
      AccountId: '222222222222',
      ServicePrincipal: 'servicecatalog.amazonaws.com',
    });
  });

  it('looks for the account across pages of delegated administrators of that service', async () => {
    const { client, mock } = orgClient();
    mock
      .on(ListDelegatedAdministratorsCommand)
      .resolvesOnce({ DelegatedAdministrators: [{ Id: '333333333333' }], NextToken: 't' })
      .resolves({ DelegatedAdministrators: [{ Id: '222222222222' }] });
    expect(await isDelegatedAdmin(client, '222222222222', 'servicecatalog.amazonaws.com')).toBe(true);
    // The paginator reuses one input object, so only what both pages share can be asserted per call.
    const calls = mock.commandCalls(ListDelegatedAdministratorsCommand);
    expect(calls).toHaveLength(2);
    for (const call of calls)
      expect(call.args[0].input.ServicePrincipal).toBe('servicecatalog.amazonaws.com');
  });
});

describe('Service Catalog AWS Organizations access', () => {
  it('enables access when it is disabled, with an empty EnableAWSOrganizationsAccess input', async () => {
    const client = new ServiceCatalogClient(config);
    const mock = mockClient(client);
    mock
      .on(GetAWSOrganizationsAccessStatusCommand)
      .resolvesOnce({ AccessStatus: 'DISABLED' })
      .resolves({ AccessStatus: 'ENABLED' });
    mock.on(EnableAWSOrganizationsAccessCommand).resolves({});
    expect(await enableServiceCatalogOrgAccess(client, { pollIntervalMs: 1 })).toBe('enabled');
    const calls = mock.commandCalls(EnableAWSOrganizationsAccessCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({});
  });

  it('waits while the access is UNDER_CHANGE until it reads ENABLED, reporting progress', async () => {
    const client = new ServiceCatalogClient(config);
    const mock = mockClient(client);
    mock
      .on(GetAWSOrganizationsAccessStatusCommand)
      .resolvesOnce({ AccessStatus: 'DISABLED' })
      .resolvesOnce({ AccessStatus: 'UNDER_CHANGE' })
      .resolvesOnce({ AccessStatus: 'UNDER_CHANGE' })
      .resolves({ AccessStatus: 'ENABLED' });
    mock.on(EnableAWSOrganizationsAccessCommand).resolves({});
    const states: (string | undefined)[] = [];
    const result = await enableServiceCatalogOrgAccess(client, {
      pollIntervalMs: 1,
      onProgress: (p) => states.push(p.state),
    });
    expect(result).toBe('enabled');
    expect(states).toEqual(['UNDER_CHANGE', 'UNDER_CHANGE']);
    expect(mock.commandCalls(GetAWSOrganizationsAccessStatusCommand)).toHaveLength(4);
  });

  it('waits for an access already UNDER_CHANGE without enabling it again', async () => {
    const client = new ServiceCatalogClient(config);
    const mock = mockClient(client);
    mock
      .on(GetAWSOrganizationsAccessStatusCommand)
      .resolvesOnce({ AccessStatus: 'UNDER_CHANGE' })
      .resolves({ AccessStatus: 'ENABLED' });
    expect(await enableServiceCatalogOrgAccess(client, { pollIntervalMs: 1 })).toBe('enabled');
    expect(mock.commandCalls(EnableAWSOrganizationsAccessCommand)).toHaveLength(0);
  });

  it('stops waiting at the timeout with an error that says how to check, and Ctrl-C is an AbortError', async () => {
    const client = new ServiceCatalogClient(config);
    const mock = mockClient(client);
    mock.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'UNDER_CHANGE' });
    const timedOut = await enableServiceCatalogOrgAccess(client, { pollIntervalMs: 1, timeoutMs: 10 }).catch(
      (e: unknown) => e,
    );
    expect(timedOut).toBeInstanceOf(OperationError);
    expect((timedOut as OperationError).message).toMatch(/still UNDER_CHANGE after/);
    expect((timedOut as OperationError).hint).toContain('get-aws-organizations-access-status');

    const controller = new AbortController();
    const aborted = enableServiceCatalogOrgAccess(client, {
      pollIntervalMs: 60_000,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
  });

  it('does nothing when access is already enabled', async () => {
    const client = new ServiceCatalogClient(config);
    const mock = mockClient(client);
    mock.on(GetAWSOrganizationsAccessStatusCommand).resolves({ AccessStatus: 'ENABLED' });
    expect(await serviceCatalogOrgAccessStatus(client)).toBe('ENABLED');
    expect(await enableServiceCatalogOrgAccess(client)).toBe('already');
    expect(mock.commandCalls(EnableAWSOrganizationsAccessCommand)).toHaveLength(0);
  });

  it('reports an endpoint without the operation (an HTML error page) as a clear error, not a parse crash', async () => {
    const client = new ServiceCatalogClient(config);
    mockClient(client).on(GetAWSOrganizationsAccessStatusCommand).rejects(htmlPageError());
    const error = await enableServiceCatalogOrgAccess(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointNotImplementedError);
    expect((error as EndpointNotImplementedError).operation).toBe(
      'servicecatalog:GetAWSOrganizationsAccessStatus',
    );
    expect((error as Error).message).toMatch(
      /does not implement servicecatalog:GetAWSOrganizationsAccessStatus/,
    );
  });
});

describe('StackSets trusted access', () => {
  it('asks as the delegated admin when told to', async () => {
    const client = new CloudFormationClient(config);
    const mock = mockClient(client);
    mock.on(DescribeOrganizationsAccessCommand).resolves({ Status: 'ENABLED' });
    expect(await stackSetsTrustedAccess(client, 'DELEGATED_ADMIN')).toBe('ENABLED');
    expect(mock.commandCalls(DescribeOrganizationsAccessCommand)[0]!.args[0].input).toEqual({
      CallAs: 'DELEGATED_ADMIN',
    });
  });

  it('activates from the management account (CallAs SELF) only when not yet enabled', async () => {
    const client = new CloudFormationClient(config);
    const mock = mockClient(client);
    mock
      .on(DescribeOrganizationsAccessCommand)
      .resolvesOnce({ Status: 'DISABLED' })
      .resolves({ Status: 'ENABLED' });
    mock.on(ActivateOrganizationsAccessCommand).resolves({});
    expect(await activateStackSetsTrustedAccess(client)).toBe('activated');
    expect(await activateStackSetsTrustedAccess(client)).toBe('already');
    expect(mock.commandCalls(ActivateOrganizationsAccessCommand)).toHaveLength(1);
    expect(mock.commandCalls(ActivateOrganizationsAccessCommand)[0]!.args[0].input).toEqual({});
    expect(mock.commandCalls(DescribeOrganizationsAccessCommand)[0]!.args[0].input).toEqual({
      CallAs: 'SELF',
    });
  });

  it('explains a refusal to activate', async () => {
    const client = new CloudFormationClient(config);
    const mock = mockClient(client);
    mock.on(DescribeOrganizationsAccessCommand).resolves({ Status: 'DISABLED' });
    mock
      .on(ActivateOrganizationsAccessCommand)
      .rejects(new InvalidOperationException({ message: 'Account is not the management account', ...meta }));
    await expect(activateStackSetsTrustedAccess(client)).rejects.toThrow(/only the management account/);
  });
});
