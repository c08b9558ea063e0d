// Portfolio shares against moto. moto records account and organization shares (CreatePortfolioShare,
// DescribePortfolioShares, DeletePortfolioShare) but does not implement DescribePortfolioShareStatus, so an
// organization share is created there but its completion cannot be confirmed: the tool must say exactly that.
import { CreatePortfolioCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { beforeAll, describe, expect, it } from 'vitest';
import { EndpointNotImplementedError } from '../../src/aws/aws-errors.js';
import {
  findPortfolioByName,
  listAccountShareAcceptance,
  listPortfolioShares,
  sharePortfolio,
  unsharePortfolio,
} from '../../src/aws/catalog.js';
import { type MotoAccount, motoAccount, randomAccountId } from '../support/aws.js';

const DISPLAY_NAME = 'Subscribe to AWS Security Hub notifications';
let hub: MotoAccount;
let sc: ServiceCatalogClient;
let portfolioId: string;

beforeAll(async () => {
  hub = await motoAccount('eu-west-1');
  // Few attempts: moto's "not implemented" is an HTTP 500, which the SDK would otherwise retry.
  sc = new ServiceCatalogClient({ ...hub.clientConfig, maxAttempts: 1 });
  const out = await sc.send(
    new CreatePortfolioCommand({ DisplayName: DISPLAY_NAME, ProviderName: 'Security' }),
  );
  portfolioId = out.PortfolioDetail!.Id!;
});

describe('portfolio shares (moto)', () => {
  it('finds the portfolio by its display name', async () => {
    expect(await findPortfolioByName(sc, DISPLAY_NAME)).toMatchObject({
      id: portfolioId,
      providerName: 'Security',
    });
    expect(await findPortfolioByName(sc, 'Not there')).toBeUndefined();
  });

  it('shares with an account, lists it, says already on a second run, and removes it', async () => {
    const account = randomAccountId();
    const first = await sharePortfolio(sc, portfolioId, { kind: 'account', id: account });
    expect(first.outcome).toBe('created');
    const shares = await listPortfolioShares(sc, portfolioId);
    expect(shares).toContainEqual({
      type: 'ACCOUNT',
      principalId: account,
      accepted: true,
      sharePrincipals: false,
    });

    const second = await sharePortfolio(sc, portfolioId, { kind: 'account', id: account });
    expect(second.outcome).toBe('already');
    expect(
      (await listPortfolioShares(sc, portfolioId)).filter((s) => s.principalId === account),
    ).toHaveLength(1);

    const share = shares.find((s) => s.principalId === account)!;
    expect((await unsharePortfolio(sc, portfolioId, share)).outcome).toBe('removed');
    expect((await listPortfolioShares(sc, portfolioId)).some((s) => s.principalId === account)).toBe(false);
  });

  it('reports the acceptance of account shares only (moto accepts at once; AWS waits for the recipient)', async () => {
    const account = randomAccountId();
    await sharePortfolio(sc, portfolioId, { kind: 'account', id: account });
    // moto marks every share Accepted; real AWS says false until the recipient runs AcceptPortfolioShare
    // (asserted with an SDK mock in test/unit/account-shares.test.ts).
    expect(await listAccountShareAcceptance(sc, portfolioId)).toContainEqual({
      accountId: account,
      state: 'accepted',
    });
    expect(
      (await listAccountShareAcceptance(sc, portfolioId)).every((a) => /^\d{12}$/.test(a.accountId)),
    ).toBe(true);
  });

  it('creates an organization share with principals, but cannot confirm it where the status call is missing', async () => {
    const organizationId = 'o-abcdefghij12';
    const error = await sharePortfolio(
      sc,
      portfolioId,
      { kind: 'organization' },
      { organizationId, pollIntervalMs: 0 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointNotImplementedError);
    expect((error as EndpointNotImplementedError).operation).toBe(
      'servicecatalog:DescribePortfolioShareStatus',
    );

    // The share itself was recorded, with principal sharing on: a re-run finds it and needs no status call.
    const shares = await listPortfolioShares(sc, portfolioId);
    expect(shares).toContainEqual({
      type: 'ORGANIZATION',
      principalId: organizationId,
      accepted: true,
      sharePrincipals: true,
    });
    const again = await sharePortfolio(
      sc,
      portfolioId,
      { kind: 'organization' },
      { organizationId, pollIntervalMs: 0 },
    );
    expect(again.outcome).toBe('already');
  });
});
