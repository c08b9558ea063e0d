// `secnotify doctor`: checks the accounts, organization and Security Hub setup the installation needs, and
// says for each problem what to run or where to click. Exit 1 when any check fails.

import type { AwsContext } from '../../aws/clients.js';
import { doctorSettings, formatDoctorReport } from '../../core/doctor.js';
import { OperationError, UsageError } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { gatherOptions } from '../context.js';

export async function run(ctx: CommandContext, opts: Record<string, unknown>): Promise<void> {
  const { options, connection } = gatherOptions(ctx.globals, opts);
  const { createAwsContext } = await import('../../aws/clients.js');
  const { diagnose } = await import('../../aws/diagnose.js');

  const created: AwsContext[] = [];
  const attempt = async (make: () => Promise<AwsContext>): Promise<AwsContext | { error: unknown }> => {
    try {
      const c = await make();
      created.push(c);
      return c;
    } catch (error) {
      // A malformed --endpoint-url is bad usage, not a finding about the account.
      if (error instanceof UsageError && error.field === '--endpoint-url') throw error;
      return { error };
    }
  };
  const hub = await attempt(() =>
    createAwsContext({
      ...(connection.profile ? { profile: connection.profile } : {}),
      ...(connection.region ? { region: connection.region } : {}),
      ...(connection.endpointUrl ? { endpointUrl: connection.endpointUrl } : {}),
    }),
  );
  const region = 'error' in hub ? connection.region : hub.region;
  const management = connection.managementProfile
    ? await attempt(() =>
        createAwsContext({
          profile: connection.managementProfile,
          ...(region ? { region } : {}),
          ...(connection.endpointUrl ? { endpointUrl: connection.endpointUrl } : {}),
          flags: { profile: '--management-profile' },
        }),
      )
    : undefined;

  const activity = ctx.io.activity('Checking credentials, organization, Security Hub and stacks…');
  let report: Awaited<ReturnType<typeof diagnose>>;
  try {
    report = await diagnose({ hub, ...(management ? { management } : {}) }, doctorSettings(options));
    activity.stop();
  } catch (error) {
    activity.fail('The checks could not run.');
    throw error;
  } finally {
    for (const c of created) c.destroy();
  }

  ctx.io.result(report, formatDoctorReport(report));
  if (!report.ok) {
    throw new OperationError(`doctor: ${report.counts.fail} check(s) failed.`, {
      hint: 'Apply the remedies shown for each failed check, then run `secnotify doctor` again.',
    });
  }
}
