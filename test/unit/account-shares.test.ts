// Account shares: the recipient accepts the share and associates its principals itself (SharePrincipals
// applies to organization and OU shares only: CreatePortfolioShare), and status reports acceptance.
import { DescribePortfolioSharesCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { listAccountShareAcceptance } from '../../src/aws/catalog.js';
import { accountShareAcceptance, recipientCommands } from '../../src/core/account-shares.js';
import { principalArnPatterns } from '../../src/core/principals.js';

describe('recipientCommands', () => {
  it('gives the exact CLI commands: accept as IMPORTED, then one IAM_PATTERN association per principal', () => {
    const patterns = principalArnPatterns(
      { principalType: 'identity-center', principals: ['SubscribeToSecurityNotifications', "O'Brien"] },
      'eu-central-1',
      'aws-us-gov',
    );
    const out = recipientCommands({
      accountId: '999999999999',
      portfolioId: 'port-abcdefghijklm',
      hubRegion: 'us-gov-west-1',
      principalPatterns: patterns,
    });
    expect(out.accountId).toBe('999999999999');
    expect(out.steps).toEqual([
      {
        what: 'Accept (import) the shared portfolio',
        command:
          'aws servicecatalog accept-portfolio-share --portfolio-id port-abcdefghijklm --portfolio-share-type IMPORTED --region us-gov-west-1',
      },
      {
        what: 'Let AWSReservedSSO_SubscribeToSecurityNotifications_* launch the product',
        command:
          "aws servicecatalog associate-principal-with-portfolio --portfolio-id port-abcdefghijklm --principal-type IAM_PATTERN --principal-arn 'arn:aws-us-gov:iam:::role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_SubscribeToSecurityNotifications_*' --region us-gov-west-1",
      },
      {
        what: "Let AWSReservedSSO_O'Brien_* launch the product",
        command:
          "aws servicecatalog associate-principal-with-portfolio --portfolio-id port-abcdefghijklm --principal-type IAM_PATTERN --principal-arn 'arn:aws-us-gov:iam:::role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_O'\\''Brien_*' --region us-gov-west-1",
      },
    ]);
    expect(out.consolePath).toContain('Imported > port-abcdefghijklm');
  });

  it('refuses CloudFormation patterns, which the CLI would take literally', () => {
    expect(() =>
      recipientCommands({
        accountId: '999999999999',
        portfolioId: 'port-abcdefghijklm',
        hubRegion: 'eu-west-1',
        principalPatterns: principalArnPatterns(
          { principalType: 'iam-role', principals: ['Subscriber'] },
          undefined,
        ),
      }),
    ).toThrow(/literal principal patterns/);
  });
});

describe('account share acceptance', () => {
  it('reports an account share as not accepted until the recipient imports it (DescribePortfolioShares, ACCOUNT)', async () => {
    const sc = new ServiceCatalogClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const mock = mockClient(sc);
    mock.on(DescribePortfolioSharesCommand).resolves({
      PortfolioShareDetails: [
        { PrincipalId: '999999999999', Type: 'ACCOUNT', Accepted: false, SharePrincipals: false },
        { PrincipalId: '888888888888', Type: 'ACCOUNT', Accepted: true, SharePrincipals: false },
      ],
    });
    expect(await listAccountShareAcceptance(sc, 'port-abcdefghijklm')).toEqual([
      { accountId: '888888888888', state: 'accepted' },
      { accountId: '999999999999', state: 'not-accepted' },
    ]);
    expect(
      JSON.parse(JSON.stringify(mock.commandCalls(DescribePortfolioSharesCommand)[0]!.args[0].input)),
    ).toEqual({ PortfolioId: 'port-abcdefghijklm', Type: 'ACCOUNT' });
  });

  it('ignores organization-node shares, which are imported automatically', () => {
    expect(
      accountShareAcceptance([
        { type: 'ORGANIZATION', principalId: 'o-abcdefghij', accepted: true },
        { type: 'ORGANIZATION_MEMBER_ACCOUNT', principalId: '777777777777', accepted: true },
        { type: 'ACCOUNT', principalId: '999999999999', accepted: false },
      ]),
    ).toEqual([{ accountId: '999999999999', state: 'not-accepted' }]);
  });
});
