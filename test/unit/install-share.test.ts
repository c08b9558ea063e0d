// The install share step against a scripted Service Catalog: what moto cannot do (organization shares are
// asynchronous; DescribePortfolioShareStatus; ShareErrors per account).

import {
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  CreatePortfolioShareCommand,
  DescribePortfolioShareStatusCommand,
  DescribePortfolioSharesCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsContext } from '../../src/aws/clients.js';
import { OperationError } from '../../src/core/errors.js';
import type { IoHost, IoMessage } from '../../src/core/io.js';
import { resolveOptions } from '../../src/core/options.js';
import type { ResolvedOptions } from '../../src/ops/install/context.js';
import { share } from '../../src/ops/install/share.js';

const sc = mockClient(ServiceCatalogClient);
const org = mockClient(OrganizationsClient);

function run(shareWith: string, messages: IoMessage[], management?: AwsContext) {
  const client = new ServiceCatalogClient({ region: 'eu-west-1' });
  const hub = { region: 'eu-west-1', serviceCatalog: async () => client } as unknown as AwsContext;
  const io = {
    interactive: false,
    notify: (m: IoMessage) => messages.push(m),
    requestResponse: async () => {
      throw new Error('the share step asks nothing');
    },
    activity: () => ({ update() {}, succeed() {}, fail() {}, stop() {} }),
    result() {},
  } as unknown as IoHost;
  return share(
    {
      options: resolveOptions({
        values: { share: shareWith, principalType: 'iam-role', principals: 'WorkloadAdmin' },
        sources: {},
      }) as ResolvedOptions,
      hub,
      hubCaller: { accountId: '222222222222', arn: 'arn:aws:iam::222222222222:role/x', partition: 'aws' },
      ...(management ? { management } : {}),
      organization: { id: 'o-abcdefghij', arn: '', managementAccountId: '111111111111', featureSet: 'ALL' },
      dryRun: false,
      pollIntervalMs: 1,
    },
    {
      io,
      signal: new AbortController().signal,
      portfolio: { portfolioId: 'port-abc123', productId: 'prod-abc123', productVersion: 'v1', stacks: [] },
    },
  );
}

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
    const messages: IoMessage[] = [];
    const outcome = await run('org', messages);
    expect(outcome.outcome).toBe('done');
    expect(outcome.output?.shares.map((r) => r.outcome)).toEqual(['created']);
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
    const messages: IoMessage[] = [];
    const running = run('ou-ab12-abcdefgh', messages);
    await expect(running).rejects.toBeInstanceOf(OperationError);
    await expect(running).rejects.toThrow(/reported 1 error/);
    const reported = messages.filter((m) => m.code === 'SN_SHARE_ERROR').map((m) => m.text);
    expect(reported).toEqual([
      'Share with OU ou-ab12-abcdefgh: Account is suspended (accounts 444444444444)',
    ]);
  });

  it('an account share prints what the recipient must run; shares reaching the management account are named', async () => {
    sc.on(CreatePortfolioShareCommand).resolves({});
    org.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-ab12', Arn: '', Name: 'Root' }] });
    org.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [] });
    org.on(ListAccountsForParentCommand).resolves({
      Accounts: [
        { Id: '111111111111', Name: 'management' },
        { Id: '333333333333', Name: 'workload' },
      ],
    });
    const orgClient = new OrganizationsClient({ region: 'eu-west-1' });
    const management = { region: 'eu-west-1', organizations: async () => orgClient } as unknown as AwsContext;
    const messages: IoMessage[] = [];
    const outcome = await run('333333333333,111111111111', messages, management);
    const recipient = messages.find(
      (m) => m.code === 'SN_ACCOUNT_SHARE_RECIPIENT' && m.text.includes('333333333333'),
    );
    expect(recipient?.text).toContain(
      'aws servicecatalog accept-portfolio-share --portfolio-id port-abc123 --portfolio-share-type IMPORTED --region eu-west-1',
    );
    expect(recipient?.text).toContain('--principal-arn arn:aws:iam:::role/WorkloadAdmin --region eu-west-1');
    expect(outcome.output?.withoutLaunchRole).toEqual([
      { accountId: '111111111111', name: 'management', reason: 'management-account' },
    ]);
    expect(messages.find((m) => m.code === 'SN_SHARED_WITHOUT_LAUNCH_ROLE')?.text).toContain(
      '111111111111 (management): the management account',
    );
    org.restore();
  });
});
