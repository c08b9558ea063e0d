// The portfolio shares from the hub (delegated administrator): organization, OUs, accounts.
import { type ShareResult, sharePortfolio } from '../../aws/catalog.js';
import { OperationError } from '../../core/errors.js';
import { type ResolvedShareTarget, shareTargetText } from '../../core/options.js';
import type { InstallContext, InstallDone, InstallRun, PortfolioOutput } from './context.js';
import { deployedPortfolioIds } from './portfolio.js';

const targetName = (target: ResolvedShareTarget, organizationId: string | undefined) =>
  target.kind === 'organization'
    ? `organization ${organizationId ?? ''}`.trim()
    : `${target.kind === 'ou' ? 'OU' : 'account'} ${target.id}`;

export async function share(
  ctx: Pick<InstallContext, 'options' | 'hub' | 'organization' | 'dryRun' | 'pollIntervalMs'>,
  run: Pick<InstallRun, 'io' | 'signal'> & { portfolio?: PortfolioOutput },
): Promise<InstallDone<'share'>> {
  const portfolioId = run.portfolio?.portfolioId ?? (await deployedPortfolioIds(ctx)).portfolioId;
  if (!portfolioId) {
    throw new OperationError('No portfolio to share: the portfolio stack is not deployed.', {
      hint: 'Run the portfolio step first: secnotify install --steps portfolio,share',
    });
  }
  const targets = ctx.options.share;
  if (ctx.dryRun) {
    return {
      outcome: 'dry-run',
      detail: `would share portfolio ${portfolioId} with ${targets.map((t) => (t.kind === 'organization' ? 'the organization' : shareTargetText(t))).join(', ')}`,
      output: { stacks: [], shares: [] },
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
  if (failed > 0) {
    throw new OperationError(`Sharing the portfolio reported ${failed} error(s): ${lines.join('; ')}.`, {
      hint: 'Fix the cause named above, then run the same command again; shares that succeeded are kept.',
    });
  }
  const changed = shares.some((r) => r.outcome === 'created' || r.outcome === 'updated');
  return {
    outcome: changed ? 'done' : 'no-changes',
    detail: lines.join('; '),
    output: { stacks: [], shares },
  };
}
