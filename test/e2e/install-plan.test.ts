// The one plan of install against moto: the management credentials are checked before anything else, a
// dry run on a fresh hub plans every step (later steps say what they would do), shares no longer wanted are
// planned and removed after the confirmation, and a run without management credentials says it is partial.
import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreatePortfolioCommand,
  CreatePortfolioShareCommand,
  DescribePortfolioSharesCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { describe, expect, it } from 'vitest';
import { type MotoAccount, motoOrganization, putLaunchRole } from '../support/aws.js';
import { runCli } from '../support/cli.js';

const FAST = { SECNOTIFY_POLL_MS: '100' };
const roleIn = (accountId: string) => `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`;

async function liveStacks(account: MotoAccount): Promise<string[]> {
  const out = await new CloudFormationClient(account.clientConfig).send(new ListStacksCommand({}));
  return (out.StackSummaries ?? [])
    .filter((s) => s.StackStatus !== 'DELETE_COMPLETE')
    .map((s) => s.StackName!);
}

describe('install: the management credentials', () => {
  it('refuses a member account as management credentials with exit 2, naming both accounts, before any change', async () => {
    const { hub, management, memberId } = await motoOrganization();
    const result = await runCli(
      ['install', '--yes', '--idc-region', 'eu-west-1', '--management-role-arn', roleIn(memberId)],
      { env: { ...hub.env, ...FAST } },
    );
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(
      `The management credentials are account ${memberId}, but the organization's management account is ${management.accountId}`,
    );
    expect(result.stderr).not.toContain('Plan:');
    expect(await liveStacks(hub)).toEqual([]);
  });

  it('lets a member account run launch-roles only when it is a registered StackSets delegated administrator', async () => {
    const { hub, memberId } = await motoOrganization();
    const result = await runCli(
      ['install', '--yes', '--steps', 'launch-roles', '--management-role-arn', roleIn(memberId)],
      { env: { ...hub.env, ...FAST } },
    );
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      /step launch-roles needs the management account or a delegated administrator for member\.org\.stacksets\.cloudformation\.amazonaws\.com/,
    );
  });
});

describe('install: the one confirmation without a terminal', () => {
  it('exits 2 naming --yes when there is no terminal and no --yes, before any change', async () => {
    const { hub } = await motoOrganization();
    const result = await runCli(['install', '--steps', 'templates', '--idc-region', 'eu-west-1'], {
      env: { ...hub.env, ...FAST },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('there is no terminal to confirm on: pass --yes');
    expect(await liveStacks(hub)).toEqual([]);
  });

  it('documents the exit codes of a plan with changes (3) and a declined plan (4) in its help', async () => {
    const help = await runCli(['install', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--detailed-exitcode');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(
      '3 changes pending (--dry-run --detailed-exitcode), 4 plan declined (nothing changed), 130 interrupted',
    );
  });
});

describe('install --dry-run on a fresh hub', () => {
  it('plans every step, the organization setup included, and exits 3 with --detailed-exitcode', async () => {
    const { hub, management } = await motoOrganization();
    const result = await runCli(
      [
        'install',
        '--dry-run',
        '--detailed-exitcode',
        '--yes',
        '--idc-region',
        'eu-west-1',
        '--management-role-arn',
        roleIn(management.accountId),
      ],
      { env: { ...hub.env, ...FAST } },
    );
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toContain('Dry run: nothing was changed. The plan has changes in 6 step(s).');
    // What install fixes itself is "to do by install", not a failure.
    expect(result.stderr).toContain(
      'To do by install: Hub registered as Service Catalog delegated administrator',
    );
    expect(result.stderr).not.toMatch(/✖ Hub registered/);
    // Organization setup is part of the plan, not done unasked.
    expect(result.stderr).toMatch(
      new RegExp(
        `org-setup\\s+changes\\n(.*\\n)*?\\s+registers hub ${hub.accountId} as Service Catalog delegated administrator`,
      ),
    );
    expect(result.stderr).toMatch(
      /launch-roles\s+changes\n\s+SecurityNotifications-IAM-roles-StackSet \(management, eu-west-1\): creates \d+ resource\(s\)/,
    );
    expect(result.stderr).toMatch(
      /creates the portfolio stack SecurityNotifications-Service-Catalog with product version v1/,
    );
    expect(result.stderr).toMatch(/shares the new portfolio with the organization o-/);
    expect(result.stderr).toMatch(
      /creates the permission set \S+ for the product the portfolio step creates/,
    );
    expect(await liveStacks(hub)).toEqual([]);
    expect(await liveStacks(management)).toEqual([]);
  });
});

describe('install: shares and credentials in the summary', () => {
  it('removes a share that is no longer wanted, after listing it in the plan', async () => {
    const { hub, management, memberId } = await motoOrganization();
    // moto skips Service Catalog resources in stacks: the portfolio exists here as the API made it.
    const sc = new ServiceCatalogClient(hub.clientConfig);
    const portfolioId = (
      await sc.send(
        new CreatePortfolioCommand({
          DisplayName: 'Subscribe to AWS Security Hub notifications',
          ProviderName: 'Security',
          IdempotencyToken: 'e2e-plan',
        }),
      )
    ).PortfolioDetail!.Id!;
    await sc.send(new CreatePortfolioShareCommand({ PortfolioId: portfolioId, AccountId: memberId }));
    await putLaunchRole(hub);
    const result = await runCli(
      [
        'install',
        '--yes',
        '--steps',
        'templates,portfolio,share',
        '--management-role-arn',
        roleIn(management.accountId),
        '--share',
        management.accountId,
        '--principal-type',
        'iam-role',
        '--principals',
        'WorkloadAdmin',
      ],
      { env: { ...hub.env, ...FAST } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`adds share with ${management.accountId}`);
    expect(result.stderr).toContain(`removes share with account ${memberId} (no longer wanted)`);
    expect(result.stderr).toContain('Apply this plan? yes (--yes)');
    expect(result.stderr).toContain(`Removed the share with account ${memberId} (no longer wanted).`);
    const shares = await sc.send(
      new DescribePortfolioSharesCommand({ PortfolioId: portfolioId, Type: 'ACCOUNT' }),
    );
    expect(shares.PortfolioShareDetails?.map((d) => d.PrincipalId)).toEqual([management.accountId]);
  });

  it('without management credentials ends "Partly installed", never "Install complete: no changes"', async () => {
    const { hub } = await motoOrganization();
    const args = ['install', '--yes', '--idc-region', 'eu-west-1', '--share', 'none'];
    const first = await runCli(args, { env: { ...hub.env, ...FAST } });
    expect(first.code, first.stderr).toBe(0);
    const again = await runCli(args, { env: { ...hub.env, ...FAST } });
    expect(again.code, again.stderr).toBe(0);
    for (const run of [first, again]) {
      expect(run.stdout).toContain(
        'Partly installed: 3 step(s) need management credentials (org-setup, launch-roles, permission-set).',
      );
      expect(run.stdout).not.toContain('Install complete');
    }
  });
});
