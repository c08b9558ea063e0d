// `secnotify status`: every part of the installation, present or absent, its stack status, version and
// last update, and what looks wrong. A table on a terminal, one JSON document with --json. Exit 0 whatever
// is installed; exit 1 only when a part could not be looked at.
import { gatherInstallationFactsOf } from '../../aws/installation.js';
import { OperationError } from '../../core/errors.js';
import { MSG } from '../../core/messages.js';
import { partitionOfRegion } from '../../core/principals.js';
import { renderProductTemplate } from '../../core/render/product.js';
import { evaluateStatus } from '../../core/status.js';
import { deployedOptions, openAccounts, readCommandOptions } from '../accounts.js';
import type { StatusFlags } from '../command-options.js';
import type { CommandContext } from '../context.js';
import { spellCommands } from '../io/command-name.js';
import { formatTable } from '../io/stack-progress.js';
import { terminalWidth } from '../io/table.js';
import { withElapsed } from '../io/wait-progress.js';
import { formatStatus, installedVerdict } from '../status/report.js';

export async function run(ctx: CommandContext, flags: StatusFlags): Promise<void> {
  const { io } = ctx;
  const read = readCommandOptions(ctx, flags);
  const accounts = await openAccounts(read);
  try {
    const options = await deployedOptions(accounts, read, io);
    let productTemplateHash: string | undefined;
    try {
      productTemplateHash = renderProductTemplate(options, {
        partition: partitionOfRegion(accounts.hub.region),
      }).sha256.slice(0, 16);
    } catch (error) {
      io.notify({
        level: 'warn',
        code: MSG.STATUS_NO_RENDER.code,
        text: `Cannot render the product template to compare versions: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    const facts = await withElapsed(io, 'Looking at the installation', () =>
      gatherInstallationFactsOf(accounts, options),
    );
    const evaluated = evaluateStatus(facts, {
      ...(productTemplateHash ? { productTemplateHash } : {}),
      options,
    });
    // Problems name commands the way this installation runs them (`npx secnotify …` off PATH).
    const report = {
      ...evaluated,
      problems: evaluated.problems.map((p) => spellCommands(p)),
      parts: evaluated.parts.map((p) => ({ ...p, problems: p.problems.map((q) => spellCommands(q)) })),
    };
    io.result(
      // `installed` says "unknown" when nothing was found because lookups failed, never "none".
      { ...report, installed: installedVerdict(report) === 'unknown' ? 'unknown' : report.installed },
      formatStatus(report, (header, rows) =>
        formatTable(header, rows, ctx.color && io.interactive, terminalWidth()),
      ),
    );
    if (report.couldNotCheck.length > 0) {
      throw new OperationError(`Could not look at: ${report.couldNotCheck.join(', ')} (reasons above).`, {
        hint: 'Check the credentials and permissions of the account named for each part.',
      });
    }
  } finally {
    accounts.close();
  }
}
