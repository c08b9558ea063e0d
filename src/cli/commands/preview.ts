// `secnotify preview --event FILE|-`: exactly the emails a subscriber would receive for an EventBridge event
// or a bare finding (ASFF or OCSF), offline. Lambda mode runs the formatter the Lambda runs; eventbridge mode
// applies the input transformer of the rendered product template. `--all` previews every *.json in a folder.
// `--channel chat`: the chat messages (Amazon Q Developer custom notifications) instead; `--digest`: the one
// digest the events would produce together (Lambda formatter).
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
import { type ChatNotification, chatNotificationFor, eventbridgeChatMessages } from '../../notify/chat.js';
import { type DigestEntry, digestChat, digestEmail, digestEntryOf } from '../../notify/digest.js';
import { deliveriesFor, type Email, type EmailSettings, planEmails } from '../../notify/format.js';
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

// --- chat channels and digests ---
type Channel = 'email' | 'chat';

function channelOf(value: unknown): Channel {
  if (value === undefined || value === 'email' || value === 'chat') return (value ?? 'email') as Channel;
  throw new UsageError(`--channel: "${String(value)}" is not a channel; use email or chat.`, {
    field: '--channel',
  });
}

function settingsOf(options: SecnotifyOptions, permissionSet: string): EmailSettings {
  return {
    timeZone: options.timezone,
    idcSubdomain: options.idcSubdomain,
    permissionSet: options.idcSubdomain ? permissionSet : undefined,
    skipRepeated: options.skipRepeatedFindings,
  };
}

/** The chat messages of one input, exactly as they are published (lambda: as the handler sends them). */
function chatDocuments(
  input: unknown,
  file: string,
  options: SecnotifyOptions,
  settings: EmailSettings,
): unknown[] {
  try {
    if (options.formatter === 'eventbridge') {
      const rendered = renderProductTemplate(options, { lambdaCode: '' }).template;
      return eventbridgeChatMessages(input, rendered).map((m) => JSON.parse(m) as unknown);
    }
    return deliveriesFor(planEmails(input, settings), settings).map((d) =>
      d.summary
        ? digestChat(
            d.plans.map((p) => digestEntryOf(p.finding)),
            settings,
          )
        : chatNotificationFor(d.plans[0]!.finding, settings),
    );
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--event: ${file}: ${(error as Error).message}`, { field: '--event' });
  }
}

/** A chat message as text: what the card shows, in order. */
function chatText(document: unknown, label: string): string {
  const d = document as Partial<ChatNotification>;
  const lines = [`--- ${label} ---`, `Title: ${d.content?.title ?? '-'}`, '', d.content?.description ?? ''];
  for (const step of d.content?.nextSteps ?? []) lines.push(`> ${step}`);
  if (d.metadata?.threadId) lines.push('', `(thread ${d.metadata.threadId})`);
  return lines.join('\n');
}

/** The findings of the inputs that would be sent, as the digest queue would hold them. */
async function digestEntries(files: string[], settings: EmailSettings): Promise<DigestEntry[]> {
  const entries: DigestEntry[] = [];
  for (const file of files) {
    const input = await readJson(file);
    try {
      for (const p of planEmails(input, settings)) if (p.email) entries.push(digestEntryOf(p.finding));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--event: ${file}: ${(error as Error).message}`, { field: '--event' });
    }
  }
  return entries;
}

/** `--channel chat` and `--digest`; false when neither was asked for. */
async function previewChatOrDigest(
  ctx: CommandContext,
  flags: PreviewFlags,
  options: SecnotifyOptions,
  settings: EmailSettings,
  files: string[],
  all: boolean,
): Promise<boolean> {
  const channel = channelOf(flags.channel);
  if (flags.digest) {
    if (options.formatter === 'eventbridge') {
      throw new UsageError(
        '--digest: digests need the Lambda formatter; leave out --formatter eventbridge.',
        {
          field: '--digest',
        },
      );
    }
    const entries = await digestEntries(files, settings);
    if (entries.length === 0) {
      ctx.io.result(
        [],
        '--- no digest: none of these findings would be sent, so nothing is sent for the period ---',
      );
      return true;
    }
    const period = { period: 'the previewed events' };
    if (channel === 'chat') {
      const card = digestChat(entries, settings, period);
      ctx.io.result([card], chatText(card, 'digest chat message'));
      return true;
    }
    const email = digestEmail(entries, settings, period);
    ctx.io.result(
      [{ subject: email.subject, message: email.message }],
      `--- digest email (${entries.length} queued findings) ---\nSubject: ${email.subject}\n\n${email.message}`,
    );
    return true;
  }
  if (channel !== 'chat') return false;
  const documents: { file: string; list: unknown[] }[] = [];
  for (const file of files) {
    documents.push({ file, list: chatDocuments(await readJson(file), file, options, settings) });
  }
  const total = documents.reduce((n, d) => n + d.list.length, 0);
  let index = 0;
  const text = documents.flatMap(({ file, list }) =>
    list.length === 0
      ? [`--- no chat message${all ? ` for ${file}` : ''} ---`]
      : list.map((d) => chatText(d, `chat message ${++index} of ${total}${all ? ` (${file})` : ''}`)),
  );
  ctx.io.result(
    documents.flatMap(({ list }) => list),
    text.join('\n\n'),
  );
  return true;
}
// --- end of chat channels and digests ---

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
  if (await previewChatOrDigest(ctx, flags, options, settingsOf(options, permissionSet), files, all)) return;
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
