// `secnotify uninstall`: look at what is installed in both accounts → the exact list of what will be
// deleted → one confirmation (--yes answers it; no TTY and no --yes is exit 2) → the steps in reverse
// install order → one result. Absent parts are skipped, so a second run says "nothing to remove".
import { gatherInstallationFactsOf } from '../../aws/installation.js';
import { AbortError } from '../../core/errors.js';
import { MSG, REQ } from '../../core/messages.js';
import { formatRemovalPlan, planRemoval, type RemovalChoices } from '../../core/removal.js';
import { runUninstall } from '../../ops/uninstall/index.js';
import { deployedOptions, openAccounts, readCommandOptions } from '../accounts.js';
import type { UninstallFlags } from '../command-options.js';
import type { CommandContext } from '../context.js';
import { withElapsed } from '../io/wait-progress.js';

export async function run(ctx: CommandContext, flags: UninstallFlags): Promise<void> {
  const { io } = ctx;
  const read = readCommandOptions(ctx, flags);
  const choices: RemovalChoices = {
    keepShares: Boolean(flags.keepShares),
    keepPortfolio: Boolean(flags.keepPortfolio),
    keepBuckets: Boolean(flags.keepBuckets),
    keepPermissionSet: Boolean(flags.keepPermissionSet),
    keepLaunchRoles: Boolean(flags.keepLaunchRoles),
    includeOrgSetup: Boolean(flags.includeOrgSetup),
  };
  const dryRun = Boolean(flags.dryRun);

  const accounts = await openAccounts(read);
  try {
    // Listing stacks, shares and every object version of the buckets can take a while: show it.
    const facts = await withElapsed(
      io,
      'Working out what to remove',
      async () => gatherInstallationFactsOf(accounts, await deployedOptions(accounts, read, io)),
      { done: () => 'Worked out what to remove' },
    );
    const plan = planRemoval(facts, choices);
    const base = {
      hubAccountId: accounts.hubCaller.accountId,
      managementAccountId: accounts.managementCaller?.accountId,
      region: accounts.hub.region,
      plan: plan.steps,
      notes: plan.notes,
    };
    if (plan.nothingToRemove) {
      for (const note of plan.notes) io.notify({ level: 'info', code: MSG.UNINSTALL_NOTE.code, text: note });
      io.result(
        { ...base, dryRun, nothingToRemove: true, removed: [] },
        `Nothing to remove in hub account ${accounts.hubCaller.accountId} (${accounts.hub.region}).`,
      );
      return;
    }
    io.notify({ level: 'info', code: MSG.UNINSTALL_PLAN.code, text: formatRemovalPlan(plan) });
    if (dryRun) {
      io.result({ ...base, dryRun, nothingToRemove: false, removed: [] }, 'Dry run: nothing was removed.');
      return;
    }
    // No is the default (as `sam delete` and the install plan's "Apply this plan? (y/N)"): Enter alone
    // deletes nothing. --yes is the one way to answer yes without a terminal (CI).
    const message = 'Delete everything listed above? This cannot be undone.';
    let confirmed: boolean;
    if (ctx.globals.yes) {
      io.notify(
        MSG.AUTO_CONFIRMED.msg(`${message} yes (--yes)`, {
          request: REQ.CONFIRM_UNINSTALL.code,
          response: true,
        }),
      );
      confirmed = true;
    } else {
      confirmed = await io.requestResponse({
        kind: 'confirm',
        code: REQ.CONFIRM_UNINSTALL.code,
        message,
        defaultResponse: false,
        flag: '--yes',
      });
    }
    if (!confirmed) throw new AbortError('Cancelled: nothing was removed.');

    const state = {
      hub: accounts.hub,
      ...(accounts.management ? { management: accounts.management } : {}),
      facts,
      io,
      signal: ctx.signal,
      color: ctx.color,
      ...(ctx.globals.pollInterval !== undefined
        ? { pollIntervalMs: ctx.globals.pollInterval, settleMs: ctx.globals.pollInterval }
        : {}),
    };
    const { reports: outcomes } = await runUninstall(plan.steps, state);
    const summary = [
      'Uninstall complete.',
      ...outcomes.map((o) => `  ${o.id.padEnd(15)} ${o.outcome.padEnd(8)} ${o.detail}`),
      ...plan.notes.map((n) => `Note: ${n}`),
    ];
    io.result(
      { ...base, dryRun, nothingToRemove: false, removed: outcomes.map(({ ms: _ms, ...o }) => o) },
      summary.join('\n'),
    );
  } finally {
    accounts.close();
  }
}
