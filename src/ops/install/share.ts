// The portfolio shares from the hub (delegated administrator): organization, OUs, accounts.

import { type ShareResult, sharePortfolio, unsharePortfolio } from '../../aws/catalog.js';
import { readOrganizationTree } from '../../aws/organization-tree.js';
import { hintCommand } from '../../cli/io/command-name.js';
import { recipientCommands } from '../../core/account-shares.js';
import { OperationError } from '../../core/errors.js';
import {
  type AccountWithoutLaunchRole,
  accountsWithoutLaunchRole,
  describeAccountsWithoutLaunchRole,
} from '../../core/launch-coverage.js';
import { MSG } from '../../core/messages.js';
import { type ResolvedShareTarget, shareTargetText } from '../../core/options.js';
import { principalArnPatterns } from '../../core/principals.js';
import type { InstallContext, InstallDone, InstallRun, PortfolioOutput } from './context.js';
import { deployedPortfolioIds } from './portfolio.js';

/**
 * The accounts the shares reach that will have no launch role (the management account at least, accounts
 * outside the StackSet targets); needs the management account to read the organization.
 */
async function accountsWithoutLaunchRoleOf(
  ctx: Pick<InstallContext, 'options' | 'management' | 'organization'>,
): Promise<AccountWithoutLaunchRole[]> {
  if (!ctx.options.launchRole || !ctx.management || !ctx.organization) return [];
  const tree = await readOrganizationTree(await ctx.management.organizations());
  return accountsWithoutLaunchRole({
    shareTargets: ctx.options.share,
    stacksetTargets: ctx.options.stacksetTargets.map((t) => (t === 'root' ? tree.rootId : t)),
    tree,
    managementAccountId: ctx.organization.managementAccountId,
  });
}

const targetName = (target: ResolvedShareTarget, organizationId: string | undefined) =>
  target.kind === 'organization'
    ? `organization ${organizationId ?? ''}`.trim()
    : `${target.kind === 'ou' ? 'OU' : 'account'} ${target.id}`;

export async function share(
  ctx: Pick<
    InstallContext,
    | 'options'
    | 'hub'
    | 'hubCaller'
    | 'management'
    | 'organization'
    | 'idcHomeRegion'
    | 'dryRun'
    | 'pollIntervalMs'
    | 'sharesToRemove'
  >,
  run: Pick<InstallRun, 'io' | 'signal'> & { portfolio?: PortfolioOutput },
): Promise<InstallDone<'share'>> {
  const portfolioId = run.portfolio?.portfolioId ?? (await deployedPortfolioIds(ctx)).portfolioId;
  if (!portfolioId) {
    throw new OperationError('No portfolio to share: the portfolio stack is not deployed.', {
      hint: `Run the portfolio step first: ${hintCommand('install --steps portfolio,share')}`,
    });
  }
  const targets = ctx.options.share;
  if (ctx.dryRun) {
    return {
      outcome: 'dry-run',
      detail: `would share portfolio ${portfolioId} with ${targets.map((t) => (t.kind === 'organization' ? 'the organization' : shareTargetText(t))).join(', ')}`,
      output: { stacks: [], shares: [], recipients: [], withoutLaunchRole: [] },
    };
  }
  const sc = await ctx.hub.serviceCatalog();
  const lines: string[] = [];
  const shares: ShareResult[] = [];
  let failed = 0;
  // One at a time: Service Catalog runs one organization-node share operation per portfolio at once.
  for (const target of targets) {
    const result = await sharePortfolio(sc, portfolioId, target, {
      organizationId: ctx.organization?.id,
      signal: run.signal,
      ...(ctx.pollIntervalMs ? { pollIntervalMs: ctx.pollIntervalMs } : {}),
      onStatus: (status) =>
        run.io.notify({
          level: 'debug',
          code: 'SN_SHARE_STATUS',
          text: `share ${shareTargetText(target)}: ${status}`,
        }),
    });
    shares.push(result);
    const name = targetName(target, ctx.organization?.id);
    lines.push(`${name}: ${result.outcome}`);
    for (const e of result.errors) {
      failed += 1;
      run.io.notify({
        level: 'error',
        code: 'SN_SHARE_ERROR',
        text: `Share with ${name}: ${e.message}${e.accounts.length ? ` (accounts ${e.accounts.join(', ')})` : ''}`,
      });
    }
  }
  // Shares no longer wanted go after the wanted ones are in place (the plan listed them, the user confirmed).
  let removed = 0;
  for (const extra of ctx.sharesToRemove ?? []) {
    const result = await unsharePortfolio(sc, portfolioId, extra, {
      signal: run.signal,
      ...(ctx.pollIntervalMs ? { pollIntervalMs: ctx.pollIntervalMs } : {}),
    });
    const name = `${extra.type.toLowerCase().replaceAll('_', ' ')} ${extra.principalId}`;
    lines.push(`${name}: ${result.outcome}`);
    if (result.outcome === 'removed') removed += 1;
    for (const e of result.errors) {
      failed += 1;
      run.io.notify({
        level: 'error',
        code: 'SN_SHARE_ERROR',
        text: `Removing the share with ${name}: ${e.message}`,
      });
    }
    if (result.outcome === 'removed')
      run.io.notify(MSG.SHARE_REMOVED.msg(`Removed the share with ${name} (no longer wanted).`));
  }
  if (failed > 0) {
    throw new OperationError(`Sharing the portfolio reported ${failed} error(s): ${lines.join('; ')}.`, {
      hint: 'Fix the cause named above, then run the same command again; shares that succeeded are kept.',
    });
  }
  const recipients = targets.flatMap((t) =>
    t.kind === 'account'
      ? [
          recipientCommands({
            accountId: t.id,
            portfolioId,
            hubRegion: ctx.hub.region,
            principalPatterns: principalArnPatterns(ctx.options, ctx.idcHomeRegion, ctx.hubCaller.partition),
          }),
        ]
      : [],
  );
  for (const r of recipients) {
    run.io.notify({
      level: 'info',
      code: 'SN_ACCOUNT_SHARE_RECIPIENT',
      text: [
        `Account ${r.accountId} must accept the share and grant its own principals (account shares carry no principals), in that account:`,
        ...r.steps.map((step) => `  ${step.command}`),
        `  or: ${r.consolePath}`,
      ].join('\n'),
    });
  }
  const withoutRole = await accountsWithoutLaunchRoleOf(ctx);
  if (withoutRole.length > 0) {
    run.io.notify({
      level: 'warn',
      code: 'SN_SHARED_WITHOUT_LAUNCH_ROLE',
      text: `The shares reach accounts that have no launch role, where launching the product fails:\n${describeAccountsWithoutLaunchRole(
        withoutRole,
      )
        .map((l) => `  ${l}`)
        .join('\n')}`,
    });
  }
  const changed = removed > 0 || shares.some((r) => r.outcome === 'created' || r.outcome === 'updated');
  return {
    outcome: changed ? 'done' : 'no-changes',
    detail: lines.join('; '),
    output: { stacks: [], shares, recipients, withoutLaunchRole: withoutRole },
  };
}
