// `secnotify preview --event FILE|-`: exactly the emails a subscriber would receive for an EventBridge event
// or a bare finding (ASFF or OCSF), offline. Lambda mode runs the formatter the Lambda runs; eventbridge mode
// applies the input transformer of the rendered product template. `--all` previews every *.json in a folder.
// `--channel chat`: the chat messages (Amazon Q Developer custom notifications) instead; `--digest`: the one
// digest the events would produce together (Lambda formatter).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_PERMISSION_SET, resolveOptions, type SecnotifyOptions } from '../../core/options.js';
import { patterns } from '../../core/patterns.js';
import { renderProductTemplate } from '../../core/render/product.js';
import { type ChatNotification, chatNotificationFor, eventbridgeChatMessages } from '../../notify/chat.js';
import { type DigestEntry, digestChat, digestEmail, digestEntryOf } from '../../notify/digest.js';
import { deliveriesFor, type Email, type EmailSettings, planEmails } from '../../notify/format.js';
import { eventbridgeEmails } from '../../notify/transformer.js';
import type { CommandContext } from '../context.js';

interface Preview {
  file?: string;
  emails: Email[];
  /** Findings that produce no email, with the reason. */
  skipped: { findingId: string; reason: string }[];
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`--event: cannot read ${path} (${(error as Error).message}).`, { field: '--event' });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--event: ${path} is not JSON (${(error as Error).message}).`, { field: '--event' });
  }
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
function digestEntries(files: string[], settings: EmailSettings): DigestEntry[] {
  return files.flatMap((file) => {
    try {
      return planEmails(readJson(file), settings)
        .filter((p) => p.email)
        .map((p) => digestEntryOf(p.finding));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--event: ${file}: ${(error as Error).message}`, { field: '--event' });
    }
  });
}
// --- end of chat channels and digests ---

export async function run(ctx: CommandContext, opts: Record<string, unknown>): Promise<void> {
  const options = resolveOptions({
    values: {
      formatter: opts.formatter,
      timezone: opts.timezone,
      idcSubdomain: opts.idcSubdomain,
      skipRepeatedFindings: opts.skipRepeatedFindings,
    },
    sources: {},
  });
  const permissionSet = typeof opts.permissionSet === 'string' ? opts.permissionSet : DEFAULT_PERMISSION_SET;
  if (!patterns.permissionSetName.regex.test(permissionSet)) {
    throw new UsageError(
      `--permission-set: "${permissionSet}" is not valid; expected ${patterns.permissionSetName.form}.`,
      { field: '--permission-set' },
    );
  }
  if (opts.permissionSet !== undefined && !options.idcSubdomain) {
    throw new UsageError('--permission-set: the sign-in link needs --idc-subdomain as well.', {
      field: '--permission-set',
    });
  }
  const all = Boolean(opts.all);
  const files = inputFiles(String(opts.event), all);
  // --- chat channels and digests ---
  const channel = channelOf(opts.channel);
  const settings = settingsOf(options, permissionSet);
  if (opts.digest) {
    if (options.formatter === 'eventbridge') {
      throw new UsageError(
        '--digest: digests need the Lambda formatter; leave out --formatter eventbridge.',
        {
          field: '--digest',
        },
      );
    }
    const entries = digestEntries(files, settings);
    if (entries.length === 0) {
      ctx.io.result(
        [],
        '--- no digest: none of these findings would be sent, so nothing is sent for the period ---',
      );
      return;
    }
    if (channel === 'chat') {
      const card = digestChat(entries, settings, { period: 'the previewed events' });
      ctx.io.result([card], chatText(card, 'digest chat message'));
      return;
    }
    const email = digestEmail(entries, settings, { period: 'the previewed events' });
    ctx.io.result(
      [{ subject: email.subject, message: email.message }],
      `--- digest email (${entries.length} queued findings) ---\nSubject: ${email.subject}\n\n${email.message}`,
    );
    return;
  }
  if (channel === 'chat') {
    const documents = files.map((file) => ({
      file,
      documents: chatDocuments(readJson(file), file, options, settings),
    }));
    const total = documents.reduce((n, d) => n + d.documents.length, 0);
    let index = 0;
    const text = documents.flatMap(({ file, documents: list }) =>
      list.length === 0
        ? [`--- no chat message${all ? ` for ${file}` : ''} ---`]
        : list.map((d) => chatText(d, `chat message ${++index} of ${total}${all ? ` (${file})` : ''}`)),
    );
    ctx.io.result(
      documents.flatMap(({ documents: list }) => list),
      text.join('\n\n'),
    );
    return;
  }
  // --- end of chat channels and digests ---
  const previews = files.map((file) => ({
    ...previewOne(readJson(file), file, options, permissionSet),
    ...(all ? { file } : {}),
  }));
  const json = previews.flatMap((p) =>
    p.emails.map((e) => ({ ...(p.file ? { file: p.file } : {}), subject: e.subject, message: e.message })),
  );
  ctx.io.result(json, previews.map(previewText).join('\n\n'));
}
