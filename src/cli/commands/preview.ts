// `secnotify preview --event FILE|-`: exactly the emails a subscriber would receive for an EventBridge event
// or a bare finding (ASFF or OCSF), offline. Lambda mode runs the formatter the Lambda runs; eventbridge mode
// applies the input transformer of the rendered product template. `--all` previews every *.json in a folder.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { assertNesting, EVENT_MAX_BYTES, isTooDeep, readInput, tooDeep } from '../../core/input-file.js';
import {
  DEFAULT_PERMISSION_SET,
  nonEmptyPath,
  resolveOptions,
  type SecnotifyOptions,
} from '../../core/options.js';
import { patterns } from '../../core/patterns.js';
import { renderProductTemplate } from '../../core/render/product.js';
import { type Email, planEmails } from '../../notify/format.js';
import { eventbridgeEmails } from '../../notify/transformer.js';
import type { PreviewFlags } from '../command-options.js';
import type { CommandContext } from '../context.js';

interface Preview {
  file?: string;
  emails: Email[];
  /** Findings that produce no email, with the reason. */
  skipped: { findingId: string; reason: string }[];
}

/** A regular file or stdin, size-limited and UTF-8 (input-file.ts), then JSON of a sane depth. */
async function readJson(path: string): Promise<unknown> {
  const text = await readInput(path, { field: '--event', maxBytes: EVENT_MAX_BYTES });
  const name = path === '-' ? 'standard input' : path;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    if (isTooDeep(error)) throw tooDeep('--event', name);
    throw new UsageError(`--event: ${name} is not JSON (${(error as Error).message.slice(0, 200)}).`, {
      field: '--event',
    });
  }
  assertNesting(data, '--event', name);
  return data;
}

function inputFiles(event: string, all: boolean): string[] {
  const isDir = event !== '-' && statSafe(event)?.isDirectory();
  if (all) {
    if (!isDir) throw new UsageError(`--all: ${event} is not a folder.`, { field: '--all' });
    const files = readdirSync(event)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => join(event, f));
    if (files.length === 0) throw new UsageError(`--all: ${event} holds no .json files.`, { field: '--all' });
    return files;
  }
  if (isDir)
    throw new UsageError(`--event: ${event} is a folder; add --all to preview every event in it.`, {
      field: '--event',
    });
  return [event];
}

function statSafe(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function previewOne(input: unknown, file: string, options: SecnotifyOptions, permissionSet: string): Preview {
  try {
    if (options.formatter === 'eventbridge') {
      const rendered = renderProductTemplate(options, { lambdaCode: '' }).template;
      return { emails: eventbridgeEmails(input, rendered), skipped: [] };
    }
    const plans = planEmails(input, {
      timeZone: options.timezone,
      idcSubdomain: options.idcSubdomain,
      permissionSet: options.idcSubdomain ? permissionSet : undefined,
      skipRepeated: options.skipRepeatedFindings,
    });
    return {
      emails: plans.flatMap((p) => (p.email ? [p.email] : [])),
      skipped: plans.flatMap((p) =>
        p.email ? [] : [{ findingId: p.finding.id, reason: p.skipped ?? 'not sent' }],
      ),
    };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--event: ${file}: ${(error as Error).message}`, { field: '--event' });
  }
}

function previewText(p: Preview): string {
  const parts = p.emails.map(
    (e, i) =>
      `--- email ${i + 1} of ${p.emails.length}${p.file ? ` (${p.file})` : ''} ---\nSubject: ${e.subject}\n\n${e.message}`,
  );
  for (const s of p.skipped) parts.push(`--- no email for finding ${s.findingId}: ${s.reason} ---`);
  if (parts.length === 0) parts.push(`--- no email${p.file ? ` for ${p.file}` : ''} ---`);
  return parts.join('\n\n');
}

export async function run(ctx: CommandContext, flags: PreviewFlags): Promise<void> {
  const options = resolveOptions({
    values: {
      formatter: flags.formatter,
      timezone: flags.timezone,
      idcSubdomain: flags.idcSubdomain,
      // Only --no-skip-repeated-findings says something: commander's default (true) is no request, and
      // passing it would make every `--formatter eventbridge` preview a conflict.
      skipRepeatedFindings: flags.skipRepeatedFindings === false ? false : undefined,
    },
    sources: {},
  });
  const permissionSet = flags.permissionSet ?? DEFAULT_PERMISSION_SET;
  if (!patterns.permissionSetName.regex.test(permissionSet)) {
    throw new UsageError(
      `--permission-set: "${permissionSet}" is not valid; expected ${patterns.permissionSetName.form}.`,
      { field: '--permission-set' },
    );
  }
  if (flags.permissionSet !== undefined && !options.idcSubdomain) {
    throw new UsageError('--permission-set: the sign-in link needs --idc-subdomain as well.', {
      field: '--permission-set',
    });
  }
  const all = Boolean(flags.all);
  const files = inputFiles(nonEmptyPath('--event', flags.event)!, all);
  const previews: Preview[] = [];
  for (const file of files) {
    previews.push({
      ...previewOne(await readJson(file), file, options, permissionSet),
      ...(all ? { file } : {}),
    });
  }
  const json = previews.flatMap((p) =>
    p.emails.map((e) => ({ ...(p.file ? { file: p.file } : {}), subject: e.subject, message: e.message })),
  );
  ctx.io.result(json, previews.map(previewText).join('\n\n'));
}
