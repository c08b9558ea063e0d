// `secnotify doctor`: checks the accounts, organization and Security Hub setup the installation needs, and
// says for each problem what to run or where to click. Exit 1 when any check fails.

import { doctorSettings, formatDoctorReport } from '../../core/doctor.js';
import { OperationError, UsageError } from '../../core/errors.js';
import type { DoctorFlags } from '../command-options.js';
import { type CommandContext, gatherOptions } from '../context.js';
import { hintCommand, spellCommands } from '../io/command-name.js';
import { withElapsed } from '../io/wait-progress.js';

export async function run(ctx: CommandContext, flags: DoctorFlags): Promise<void> {
  const { options, connection } = gatherOptions(ctx, flags);
  const { openAccounts } = await import('../../aws/accounts.js');
  const { diagnose } = await import('../../aws/diagnose.js');

  // An account that cannot be opened is a finding of the checks; a malformed --endpoint-url is bad usage.
  const { hub, management, close } = await openAccounts(connection, {
    keepErrors: (error) => !(error instanceof UsageError && error.field === '--endpoint-url'),
  });

  let report: Awaited<ReturnType<typeof diagnose>>;
  try {
    // A spinner with the elapsed time on a terminal; "still checking … (N s)" lines in CI.
    report = await withElapsed(ctx.io, 'Checking credentials, organization, Security Hub and stacks', () =>
      diagnose({ hub, ...(management ? { management } : {}) }, doctorSettings(options)),
    );
  } finally {
    close();
  }

  // Remedies name commands the way this installation runs them (`npx secnotify …` off PATH).
  const spelled = {
    ...report,
    checks: report.checks.map((c) => (c.remedy ? { ...c, remedy: spellCommands(c.remedy) } : c)),
  };
  ctx.io.result(spelled, formatDoctorReport(spelled));
  if (!report.ok) {
    throw new OperationError(`doctor: ${report.counts.fail} check(s) failed.`, {
      hint: `Apply the remedies shown for each failed check, then run \`${hintCommand('doctor')}\` again.`,
    });
  }
}
