// `secnotify preview <event.json|->`: the e-mails the formatter Lambda would send for an EventBridge event
// or a bare finding (ASFF or OCSF), offline. Input that is not a finding is bad input (exit 2).
import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { isKnownTimeZone } from '../../core/patterns.js';
import { type EmailSettings, planEmails } from '../../notify/format.js';
import type { CommandContext } from '../context.js';

function readInput(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`${path}: cannot read the file (${(error as Error).message}).`, { field: 'FILE' });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not JSON (${(error as Error).message}).`, { field: 'FILE' });
  }
}

export async function run(ctx: CommandContext, opts: Record<string, unknown>, args: string[]): Promise<void> {
  const path = args[0];
  if (!path)
    throw new UsageError('preview: give the event or finding JSON file, or - for stdin.', { field: 'FILE' });
  const timeZone = String(opts.timezone ?? 'UTC');
  if (!isKnownTimeZone(timeZone)) {
    throw new UsageError(
      `--timezone: "${timeZone}" is not valid; expected an IANA time zone such as UTC or Europe/Berlin.`,
      {
        field: '--timezone',
      },
    );
  }
  const settings: EmailSettings = {
    timeZone,
    idcSubdomain: typeof opts.idcSubdomain === 'string' ? opts.idcSubdomain : undefined,
    permissionSet: typeof opts.permissionSet === 'string' ? opts.permissionSet : undefined,
    skipRepeated: opts.skipRepeated !== false,
  };
  const input = readInput(path);
  let plans: ReturnType<typeof planEmails>;
  try {
    plans = planEmails(input, settings);
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`, { field: 'FILE' });
  }
  const text = plans
    .map((plan, i) =>
      plan.email
        ? `--- e-mail ${i + 1} of ${plans.length} ---\nSubject: ${plan.email.subject}\n\n${plan.email.message}`
        : `--- finding ${i + 1} of ${plans.length}: no e-mail (${plan.skipped}) ---`,
    )
    .join('\n\n');
  ctx.io.result(
    {
      emails: plans.map((plan) => ({
        findingId: plan.finding.id,
        subject: plan.email?.subject,
        message: plan.email?.message,
        skipped: plan.skipped,
      })),
    },
    text,
  );
}
