// The install share step against a scripted Service Catalog: what moto cannot do (organization shares are
// asynchronous; DescribePortfolioShareStatus; ShareErrors per account).
import {
  CreatePortfolioShareCommand,
  DescribePortfolioShareStatusCommand,
  DescribePortfolioSharesCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsContext } from '../../src/aws/clients.js';
import { type InstallState, STEP_RUNNERS } from '../../src/cli/install/steps.js';
import { OperationError } from '../../src/core/errors.js';
import { MSG } from '../../src/core/messages.js';
import { resolveOptions } from '../../src/core/options.js';
import { TestIoHost } from '../support/io-host.js';

const sc = mockClient(ServiceCatalogClient);

function state(share: string, io: TestIoHost): InstallState {
  const client = new ServiceCatalogClient({ region: 'eu-west-1' });
  const hub = { region: 'eu-west-1', serviceCatalog: async () => client } as unknown as AwsContext;
  return {
    options: resolveOptions({ values: { share }, sources: {} }),
    hub,
    hubCaller: { accountId: '222222222222', arn: 'arn:aws:iam::222222222222:role/x', partition: 'aws' },
    organization: { id: 'o-abcdefghij', arn: '', managementAccountId: '111111111111', featureSet: 'ALL' },
    io,
    signal: new AbortController().signal,
    dryRun: false,
    color: false,
    pollIntervalMs: 1,
    portfolioId: 'port-abc123',
    productId: 'prod-abc123',
    shares: [],
    stacks: [],
  };
}

const step = {
  id: 'share' as const,
  account: 'hub' as const,
  region: 'eu-west-1',
  title: 'Portfolio shares',
  run: true,
};

beforeEach(() => {
  sc.reset();
  sc.on(DescribePortfolioSharesCommand).resolves({ PortfolioShareDetails: [] });
});

describe('install share step', () => {
  it('shares with the organization with principal sharing and waits for the asynchronous share', async () => {
    sc.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-token-1' });
    sc.on(DescribePortfolioShareStatusCommand)
      .resolvesOnce({ Status: 'IN_PROGRESS' })
      .resolves({ Status: 'COMPLETED', ShareDetails: { SuccessfulShares: ['333333333333'] } });
    const io = new TestIoHost();
    const outcome = await STEP_RUNNERS.share(state('org', io), step);
    expect(outcome.outcome).toBe('done');
    expect(sc.commandCalls(CreatePortfolioShareCommand)[0]!.args[0].input).toEqual({
      PortfolioId: 'port-abc123',
      OrganizationNode: { Type: 'ORGANIZATION', Value: 'o-abcdefghij' },
      SharePrincipals: true,
    });
    expect(sc.commandCalls(DescribePortfolioShareStatusCommand)).toHaveLength(2);
  });

  it('reports a share that ends in ERROR per account, and fails the step with a way to resume', async () => {
    sc.on(CreatePortfolioShareCommand).resolves({ PortfolioShareToken: 'share-token-2' });
    sc.on(DescribePortfolioShareStatusCommand).resolves({
      Status: 'ERROR',
      ShareDetails: {
        ShareErrors: [{ Accounts: ['444444444444'], Message: 'Account is suspended', Error: 'InvalidState' }],
      },
    });
    const io = new TestIoHost();
    const run = STEP_RUNNERS.share(state('ou-ab12-abcdefgh', io), step);
    await expect(run).rejects.toBeInstanceOf(OperationError);
    await expect(run).rejects.toThrow(/reported 1 error/);
    const reported = io.ofType(MSG.SHARE_ERROR).map((m) => m.text);
    expect(reported).toEqual([
      'Share with OU ou-ab12-abcdefgh: Account is suspended (accounts 444444444444)',
    ]);
  });
});
