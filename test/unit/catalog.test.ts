// Portfolio shares, versions and subscribers against aws-sdk-client-mock: the asynchronous share status,
// principal sharing, UpdatePortfolioShare and provisioned products are not implemented by moto.
import {
  CreatePortfolioShareCommand,
  DeletePortfolioShareCommand,
  DescribePortfolioShareStatusCommand,
  DescribePortfolioSharesCommand,
  DuplicateResourceException,
  InvalidStateException,
  ListPortfoliosCommand,
  ListProvisioningArtifactsCommand,
  ResourceNotFoundException,
  SearchProvisionedProductsCommand,
  ServiceCatalogClient,
  UpdatePortfolioShareCommand,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  findPortfolioByName,
  listPortfolioShares,
  listProvisionedProductsForProduct,
  listProvisioningArtifacts,
  nextProductVersion,
  sharePortfolio,
  unsharePortfolio,
} from '../../src/aws/catalog.js';
import { AbortError, OperationError } from '../../src/core/errors.js';

const config = { region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const meta = { $metadata: {} };
const PORTFOLIO = 'port-abcdefghijklm';
const fast = { pollIntervalMs: 0 };

function catalog() {
  const client = new ServiceCatalogClient(config);
  const mock = mockClient(client);
  // No shares unless a test says otherwise.
  mock.on(DescribePortfolioSharesCommand).resolves({ PortfolioShareDetails: [] });
  return { client, mock };
}

describe('sharePortfolio', () => {
  it('shares with the organization, principals included, and waits until COMPLETED', async () => {
    const { client, mock } = catalog();
    mock.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-123' });
    mock
      .on(DescribePortfolioShareStatusCommand)
      .resolvesOnce({ Status: 'NOT_STARTED' })
      .resolvesOnce({ Status: 'IN_PROGRESS' })
      .resolves({
        Status: 'COMPLETED',
        ShareDetails: { SuccessfulShares: ['222222222222', '333333333333'] },
      });
    const seen: string[] = [];
    const result = await sharePortfolio(
      client,
      PORTFOLIO,
      { kind: 'organization' },
      {
        ...fast,
        organizationId: 'o-abcdefghij',
        onStatus: (s) => seen.push(s),
      },
    );
    expect(mock.commandCalls(CreatePortfolioShareCommand)[0]!.args[0].input).toEqual({
      PortfolioId: PORTFOLIO,
      OrganizationNode: { Type: 'ORGANIZATION', Value: 'o-abcdefghij' },
      SharePrincipals: true,
    });
    expect(mock.commandCalls(DescribePortfolioShareStatusCommand)).toHaveLength(3);
    expect(mock.commandCalls(DescribePortfolioShareStatusCommand)[0]!.args[0].input).toEqual({
      PortfolioShareToken: 'share-123',
    });
    expect(seen).toEqual(['NOT_STARTED', 'IN_PROGRESS', 'COMPLETED']);
    expect(result).toEqual({
      target: { kind: 'organization' },
      outcome: 'created',
      token: 'share-123',
      successfulShares: ['222222222222', '333333333333'],
      errors: [],
    });
  });

  it('shares with an OU as an ORGANIZATIONAL_UNIT node with principals', async () => {
    const { client, mock } = catalog();
    mock.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-ou' });
    mock.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'COMPLETED' });
    const result = await sharePortfolio(client, PORTFOLIO, { kind: 'ou', id: 'ou-ab12-abcdefgh' }, fast);
    expect(result.outcome).toBe('created');
    expect(mock.commandCalls(CreatePortfolioShareCommand)[0]!.args[0].input).toEqual({
      PortfolioId: PORTFOLIO,
      OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: 'ou-ab12-abcdefgh' },
      SharePrincipals: true,
    });
  });

  it('shares with an account by AccountId, without SharePrincipals (only org and OU shares support it)', async () => {
    const { client, mock } = catalog();
    mock.on(CreatePortfolioShareCommand).resolves({});
    const result = await sharePortfolio(client, PORTFOLIO, { kind: 'account', id: '444444444444' }, fast);
    const input = mock.commandCalls(CreatePortfolioShareCommand)[0]!.args[0].input;
    expect(input).toEqual({ PortfolioId: PORTFOLIO, AccountId: '444444444444' });
    expect(input).not.toHaveProperty('SharePrincipals');
    expect(input).not.toHaveProperty('OrganizationNode');
    expect(result.outcome).toBe('created');
    expect(mock.commandCalls(DescribePortfolioShareStatusCommand)).toHaveLength(0);
    expect(mock.commandCalls(DescribePortfolioSharesCommand)[0]!.args[0].input).toMatchObject({
      Type: 'ACCOUNT',
    });
  });

  it('reports COMPLETED_WITH_ERRORS with the per-account ShareErrors', async () => {
    const { client, mock } = catalog();
    mock.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-e' });
    mock.on(DescribePortfolioShareStatusCommand).resolves({
      Status: 'COMPLETED_WITH_ERRORS',
      ShareDetails: {
        SuccessfulShares: ['222222222222'],
        ShareErrors: [
          { Accounts: ['555555555555'], Error: 'AccessDenied', Message: 'Account is suspended' },
          { Accounts: ['666666666666', '777777777777'], Message: 'Service Catalog is not available' },
        ],
      },
    });
    const result = await sharePortfolio(
      client,
      PORTFOLIO,
      { kind: 'organization' },
      {
        ...fast,
        organizationId: 'o-abcdefghij',
      },
    );
    expect(result.outcome).toBe('completed-with-errors');
    expect(result.successfulShares).toEqual(['222222222222']);
    expect(result.errors).toEqual([
      { accounts: ['555555555555'], error: 'AccessDenied', message: 'Account is suspended' },
      { accounts: ['666666666666', '777777777777'], message: 'Service Catalog is not available' },
    ]);
  });

  it('reports ERROR as failed, with its errors', async () => {
    const { client, mock } = catalog();
    mock.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-x' });
    mock.on(DescribePortfolioShareStatusCommand).resolves({
      Status: 'ERROR',
      ShareDetails: { ShareErrors: [{ Accounts: [], Error: 'InternalError', Message: 'Share failed' }] },
    });
    const result = await sharePortfolio(client, PORTFOLIO, { kind: 'ou', id: 'ou-ab12-abcdefgh' }, fast);
    expect(result.outcome).toBe('failed');
    expect(result.errors).toEqual([{ accounts: [], error: 'InternalError', message: 'Share failed' }]);
  });

  it('does nothing for a share that exists with principals', async () => {
    const { client, mock } = catalog();
    mock.on(DescribePortfolioSharesCommand, { Type: 'ORGANIZATION' }).resolves({
      PortfolioShareDetails: [
        { PrincipalId: 'o-abcdefghij', Type: 'ORGANIZATION', Accepted: true, SharePrincipals: true },
      ],
    });
    const result = await sharePortfolio(
      client,
      PORTFOLIO,
      { kind: 'organization' },
      {
        ...fast,
        organizationId: 'o-abcdefghij',
      },
    );
    expect(result.outcome).toBe('already');
    expect(mock.commandCalls(CreatePortfolioShareCommand)).toHaveLength(0);
    expect(mock.commandCalls(UpdatePortfolioShareCommand)).toHaveLength(0);
  });

  it('turns on principal sharing for an existing OU share made without it (e.g. by hand in the console)', async () => {
    const { client, mock } = catalog();
    mock.on(DescribePortfolioSharesCommand, { Type: 'ORGANIZATIONAL_UNIT' }).resolves({
      PortfolioShareDetails: [
        {
          PrincipalId: 'ou-ab12-abcdefgh',
          Type: 'ORGANIZATIONAL_UNIT',
          Accepted: true,
          SharePrincipals: false,
        },
      ],
    });
    mock.on(UpdatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-upd' });
    mock.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'COMPLETED' });
    const result = await sharePortfolio(client, PORTFOLIO, { kind: 'ou', id: 'ou-ab12-abcdefgh' }, fast);
    expect(result.outcome).toBe('updated');
    expect(mock.commandCalls(UpdatePortfolioShareCommand)[0]!.args[0].input).toEqual({
      PortfolioId: PORTFOLIO,
      OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: 'ou-ab12-abcdefgh' },
      SharePrincipals: true,
    });
    expect(mock.commandCalls(CreatePortfolioShareCommand)).toHaveLength(0);
  });

  it('counts a DuplicateResourceException from CreatePortfolioShare as already shared', async () => {
    const { client, mock } = catalog();
    mock.on(CreatePortfolioShareCommand).rejects(new DuplicateResourceException({ message: 'dup', ...meta }));
    const result = await sharePortfolio(client, PORTFOLIO, { kind: 'account', id: '444444444444' }, fast);
    expect(result.outcome).toBe('already');
  });

  it('explains an organization share refused for want of Organizations access', async () => {
    const { client, mock } = catalog();
    mock
      .on(CreatePortfolioShareCommand)
      .rejects(new InvalidStateException({ message: 'AWSOrganizationsAccess is not enabled', ...meta }));
    const error = await sharePortfolio(
      client,
      PORTFOLIO,
      { kind: 'organization' },
      {
        ...fast,
        organizationId: 'o-abcdefghij',
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toContain('the organization o-abcdefghij');
    expect((error as OperationError).hint).toContain('delegated administrator');
  });

  it('stops waiting after the timeout with an error naming the token', async () => {
    const { client, mock } = catalog();
    mock.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-slow' });
    mock.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'IN_PROGRESS' });
    await expect(
      sharePortfolio(
        client,
        PORTFOLIO,
        { kind: 'ou', id: 'ou-ab12-abcdefgh' },
        { pollIntervalMs: 5, timeoutMs: 20 },
      ),
    ).rejects.toThrow(/share-slow is still IN_PROGRESS/);
  });

  it('stops polling when aborted', async () => {
    const { client, mock } = catalog();
    mock.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-slow' });
    mock.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'IN_PROGRESS' });
    const controller = new AbortController();
    const pending = sharePortfolio(
      client,
      PORTFOLIO,
      { kind: 'ou', id: 'ou-ab12-abcdefgh' },
      {
        pollIntervalMs: 60_000,
        signal: controller.signal,
      },
    );
    setTimeout(() => controller.abort(), 20);
    // An AbortError (exit 130), not the signal's raw DOMException ("Unexpected error", exit 1).
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    await expect(pending).rejects.toThrow(
      /Interrupted while waiting for the portfolio share operation share-slow/,
    );
  });
});

describe('listPortfolioShares and unsharePortfolio', () => {
  it('lists every type, page by page, with organization-node ARNs reduced to IDs', async () => {
    const { client, mock } = catalog();
    mock.on(DescribePortfolioSharesCommand).callsFake((input: { Type: string; PageToken?: string }) => {
      if (input.Type === 'ACCOUNT' && !input.PageToken) {
        return {
          PortfolioShareDetails: [{ PrincipalId: '444444444444', Type: 'ACCOUNT', Accepted: false }],
          NextPageToken: 'p2',
        };
      }
      if (input.Type === 'ACCOUNT') {
        return { PortfolioShareDetails: [{ PrincipalId: '888888888888', Type: 'ACCOUNT', Accepted: true }] };
      }
      if (input.Type === 'ORGANIZATION') {
        return {
          PortfolioShareDetails: [
            {
              PrincipalId: 'arn:aws:organizations::111111111111:organization/o-abcdefghij',
              Type: 'ORGANIZATION',
              Accepted: true,
              SharePrincipals: true,
            },
          ],
        };
      }
      return { PortfolioShareDetails: [] };
    });
    const shares = await listPortfolioShares(client, PORTFOLIO);
    expect(shares).toEqual([
      { type: 'ACCOUNT', principalId: '444444444444', accepted: false, sharePrincipals: false },
      { type: 'ACCOUNT', principalId: '888888888888', accepted: true, sharePrincipals: false },
      { type: 'ORGANIZATION', principalId: 'o-abcdefghij', accepted: true, sharePrincipals: true },
    ]);
    const types = mock.commandCalls(DescribePortfolioSharesCommand).map((c) => c.args[0].input.Type);
    expect(new Set(types)).toEqual(
      new Set(['ACCOUNT', 'ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ORGANIZATION_MEMBER_ACCOUNT']),
    );
  });

  it('removes an organization share and waits for the asynchronous removal', async () => {
    const { client, mock } = catalog();
    mock.on(DeletePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-del' });
    mock
      .on(DescribePortfolioShareStatusCommand)
      .resolvesOnce({ Status: 'IN_PROGRESS' })
      .resolves({ Status: 'COMPLETED' });
    const share = {
      type: 'ORGANIZATION' as const,
      principalId: 'o-abcdefghij',
      accepted: true,
      sharePrincipals: true,
    };
    const result = await unsharePortfolio(client, PORTFOLIO, share, fast);
    expect(result).toEqual({ share, outcome: 'removed', token: 'share-del', errors: [] });
    expect(mock.commandCalls(DeletePortfolioShareCommand)[0]!.args[0].input).toEqual({
      PortfolioId: PORTFOLIO,
      OrganizationNode: { Type: 'ORGANIZATION', Value: 'o-abcdefghij' },
    });
    expect(mock.commandCalls(DescribePortfolioShareStatusCommand)).toHaveLength(2);
  });

  it('removes account and member-account shares with the right input shape', async () => {
    const { client, mock } = catalog();
    mock.on(DeletePortfolioShareCommand).resolves({});
    await unsharePortfolio(client, PORTFOLIO, {
      type: 'ACCOUNT',
      principalId: '444444444444',
      accepted: true,
      sharePrincipals: false,
    });
    await unsharePortfolio(client, PORTFOLIO, {
      type: 'ORGANIZATION_MEMBER_ACCOUNT',
      principalId: '555555555555',
      accepted: true,
      sharePrincipals: false,
    });
    const inputs = mock.commandCalls(DeletePortfolioShareCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { PortfolioId: PORTFOLIO, AccountId: '444444444444' },
      { PortfolioId: PORTFOLIO, OrganizationNode: { Type: 'ACCOUNT', Value: '555555555555' } },
    ]);
  });

  it('treats a share that is already gone as absent, so uninstall can run twice', async () => {
    const { client, mock } = catalog();
    mock.on(DeletePortfolioShareCommand).rejects(new ResourceNotFoundException({ message: 'gone', ...meta }));
    const result = await unsharePortfolio(client, PORTFOLIO, {
      type: 'ORGANIZATIONAL_UNIT',
      principalId: 'ou-ab12-abcdefgh',
      accepted: true,
      sharePrincipals: true,
    });
    expect(result.outcome).toBe('absent');
  });
});

describe('product versions', () => {
  it('numbers the next version after the highest vN, and an explicit version wins', () => {
    expect(nextProductVersion([])).toBe('v1');
    expect(nextProductVersion(['v1', 'v2'])).toBe('v3');
    expect(nextProductVersion(['v2', 'v10', 'v9'])).toBe('v11');
    expect(nextProductVersion(['1.0', 'beta', 'V3'])).toBe('v4');
    expect(nextProductVersion(['v1', 'v2'], '2025-06')).toBe('2025-06');
    expect(nextProductVersion(['v1'], '  ')).toBe('v2');
  });

  it('lists provisioning artifacts oldest first, with guidance and active flags', async () => {
    const { client, mock } = catalog();
    mock.on(ListProvisioningArtifactsCommand).resolves({
      ProvisioningArtifactDetails: [
        {
          Id: 'pa-2',
          Name: 'v2',
          CreatedTime: new Date('2025-02-01T00:00:00Z'),
          Active: true,
          Guidance: 'DEFAULT',
        },
        {
          Id: 'pa-1',
          Name: 'v1',
          CreatedTime: new Date('2025-01-01T00:00:00Z'),
          Active: false,
          Guidance: 'DEPRECATED',
          Description: 'first',
        },
      ],
    });
    const artifacts = await listProvisioningArtifacts(client, 'prod-abcdefghijklm');
    expect(artifacts.map((a) => [a.id, a.name, a.active, a.guidance])).toEqual([
      ['pa-1', 'v1', false, 'DEPRECATED'],
      ['pa-2', 'v2', true, 'DEFAULT'],
    ]);
    expect(mock.commandCalls(ListProvisioningArtifactsCommand)[0]!.args[0].input).toEqual({
      ProductId: 'prod-abcdefghijklm',
    });
    expect(nextProductVersion(artifacts.map((a) => a.name))).toBe('v3');
  });
});

describe('listProvisionedProductsForProduct', () => {
  it('searches the account for this product, page by page, keeping only its provisioned products', async () => {
    const { client, mock } = catalog();
    mock
      .on(SearchProvisionedProductsCommand)
      .resolvesOnce({
        ProvisionedProducts: [
          {
            Name: 'team-a-alerts',
            Id: 'pp-aaaaaaaaaaaaa',
            Arn: 'arn:aws:servicecatalog:eu-west-1:222222222222:stack/team-a-alerts/pp-aaaaaaaaaaaaa',
            Status: 'AVAILABLE',
            ProductId: 'prod-abcdefghijklm',
            ProvisioningArtifactName: 'v2',
            CreatedTime: new Date('2025-03-01T10:00:00Z'),
          },
        ],
        NextPageToken: 'next',
      })
      .resolves({
        ProvisionedProducts: [
          { Name: 'other', Id: 'pp-bbbbbbbbbbbbb', Status: 'AVAILABLE', ProductId: 'prod-zzzzzzzzzzzzz' },
          {
            Name: 'broken',
            Id: 'pp-ccccccccccccc',
            Status: 'TAINTED',
            StatusMessage: 'update failed',
            ProductId: 'prod-abcdefghijklm',
          },
        ],
      });
    const found = await listProvisionedProductsForProduct(client, 'prod-abcdefghijklm');
    expect(found).toEqual([
      {
        name: 'team-a-alerts',
        id: 'pp-aaaaaaaaaaaaa',
        status: 'AVAILABLE',
        accountId: '222222222222',
        createdTime: new Date('2025-03-01T10:00:00Z'),
        versionName: 'v2',
      },
      { name: 'broken', id: 'pp-ccccccccccccc', status: 'TAINTED', statusMessage: 'update failed' },
    ]);
    const calls = mock.commandCalls(SearchProvisionedProductsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.args[0].input).toMatchObject({
      AccessLevelFilter: { Key: 'Account', Value: 'self' },
      Filters: { SearchQuery: ['productId:prod-abcdefghijklm'] },
    });
  });
});

describe('findPortfolioByName', () => {
  it('finds the portfolio across pages, and refuses to guess between two of the same name', async () => {
    const { client, mock } = catalog();
    mock
      .on(ListPortfoliosCommand)
      .resolvesOnce({
        PortfolioDetails: [{ Id: 'port-1', DisplayName: 'Other', ARN: 'arn:1' }],
        NextPageToken: 'n',
      })
      .resolves({
        PortfolioDetails: [
          {
            Id: 'port-2',
            DisplayName: 'Subscribe to AWS Security Hub notifications',
            ARN: 'arn:2',
            ProviderName: 'Security',
          },
        ],
      });
    expect(await findPortfolioByName(client, 'Subscribe to AWS Security Hub notifications')).toEqual({
      id: 'port-2',
      arn: 'arn:2',
      displayName: 'Subscribe to AWS Security Hub notifications',
      providerName: 'Security',
    });

    mock.reset();
    mock.on(ListPortfoliosCommand).resolves({
      PortfolioDetails: [
        { Id: 'port-2', DisplayName: 'Dup' },
        { Id: 'port-3', DisplayName: 'Dup' },
      ],
    });
    await expect(findPortfolioByName(client, 'Dup')).rejects.toThrow(
      /2 portfolios are named "Dup" \(port-2, port-3\)/,
    );
    expect(await findPortfolioByName(client, 'Missing')).toBeUndefined();
  });
});
