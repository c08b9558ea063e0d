// Finding → e-mail (SNS Subject + Message), used by the formatter Lambda and by `secnotify preview`.
// SNS rejects subjects that are not ASCII, contain line breaks or are not "less than 100 characters long"
// (SNS API reference, Publish, Subject), and messages over 256 KB; the original formatter ignored all four.
// Finding text is data, never layout: anyone who can import a finding (a custom product, a third-party
// integration) writes its title, description and links, so single-line fields are folded and cleaned,
// multi-line text is prefixed line by line, and only labelled http(s) links from a finding are printed.
import { fromAsff, isAsffFinding } from './asff.js';
import { type Finding, get, isObject, type JsonObject, str } from './model.js';
import { fromOcsf, isOcsfFinding } from './ocsf.js';
import {
  accountLabel,
  cleanLine,
  cutToBytes,
  displayFinding,
  findingLink,
  findingUrl,
  fitSubject,
  formatTime,
  formatterFor,
  MESSAGE_MAX_BYTES,
  quoteBlock,
  stateWords,
  subjectFor,
  utf8Bytes,
} from './text.js';

// The text rules and the summary e-mail live beside this file; importers keep one entry point.
export * from './summary.js';
export * from './text.js';

export type AccountScope = 'own' | 'organization';

export interface EmailSettings {
  /** IANA time zone for the dates in the body. */
  timeZone: string;
  /**
   * `own` (the default): only findings of `subscriptionAccountId` are e-mailed, others are skipped.
   * `organization`: every account's findings, and the subject names the account by ID as well.
   */
  accountScope?: AccountScope;
  /** The account the subscription was launched in; with `own` scope the only account e-mailed. */
  subscriptionAccountId?: string;
  /** Identity Center access-portal subdomain (`d-abcd1234` or a custom alias). */
  idcSubdomain?: string;
  /** Permission set the deep link signs in with; the deep link needs both. */
  permissionSet?: string;
  /** Skip Security Hub control findings that are merely re-evaluated (NEW, CreatedAt != UpdatedAt). */
  skipRepeated: boolean;
}

export interface Email {
  subject: string;
  message: string;
}

/** What happens to one finding of an event: an e-mail, or the reason there is none. */
export interface EmailPlan {
  finding: Finding;
  email?: Email;
  skipped?: string;
  /** Set when the finding could not be read or formatted: `email` is then the short fallback e-mail. */
  error?: string;
}

/** A description longer than this is cut in the body (the raw JSON below still has what fits). */
const DESCRIPTION_MAX_BYTES = 32 * 1024;

// ---------------------------------------------------------------------------------------------------
// Input: EventBridge events (ASFF or OCSF), GetFindings-like `{Findings: […]}`, or a bare finding.

interface Parsed {
  event?: JsonObject;
  findings: Finding[];
}

function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input !== 'object') return `a ${typeof input}`;
  const keys = Object.keys(input).slice(0, 6);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.join(', ')}`;
}

function parseFinding(value: unknown, where: string, eventRegion?: string): Finding {
  if (isAsffFinding(value)) return fromAsff(value, eventRegion);
  if (isOcsfFinding(value)) return fromOcsf(value, eventRegion);
  throw new Error(
    `${where} is not a Security Hub finding: expected ASFF (Id, AwsAccountId, ProductArn) or OCSF (finding_info, cloud.account.uid), got ${describeInput(value)}.`,
  );
}

interface Entry {
  raw: unknown;
  where: string;
  finding?: Finding;
  error?: string;
}

/** The findings of the input, each read on its own so that one unreadable entry does not stop the others. */
function parseEntries(input: unknown): { event?: JsonObject; entries: Entry[] } {
  const read = (raw: unknown, where: string, region?: string): Entry => {
    try {
      return { raw, where, finding: parseFinding(raw, where, region) };
    } catch (error) {
      return { raw, where, error: error instanceof Error ? error.message : String(error) };
    }
  };
  if (isObject(input) && isObject(input.detail) && 'findings' in input.detail) {
    const list = input.detail.findings;
    if (!Array.isArray(list) || list.length === 0) {
      throw new Error('The EventBridge event has no findings in detail.findings.');
    }
    const region = str(input.region);
    return { event: input, entries: list.map((f, i) => read(f, `detail.findings[${i}]`, region)) };
  }
  if (isObject(input) && (Array.isArray(input.Findings) || Array.isArray(input.findings))) {
    const list = (input.Findings ?? input.findings) as unknown[];
    if (list.length === 0) throw new Error('The input holds an empty list of findings.');
    return { entries: list.map((f, i) => read(f, `findings[${i}]`)) };
  }
  if (isAsffFinding(input) || isOcsfFinding(input)) return { entries: [read(input, 'The input')] };
  throw new Error(
    `The input is neither a Security Hub EventBridge event (detail.findings) nor a finding (ASFF or OCSF): got ${describeInput(input)}.`,
  );
}

/** Every finding of the input; throws on the first entry that is not a finding. */
export function parseFindings(input: unknown): Parsed {
  const { event, entries } = parseEntries(input);
  const bad = entries.find((e) => !e.finding);
  if (bad) throw new Error(bad.error);
  return { event, findings: entries.map((e) => e.finding!) };
}

function firstLine(f: Finding): string {
  const where = `account ${f.accountName ? `${f.accountName} (${f.accountId})` : f.accountId} in ${f.region}`;
  const state = stateWords(f);
  if (state.length === 0) {
    return `New ${f.severity} severity finding from ${f.productName} in ${where}: ${f.title}`;
  }
  return `The ${f.severity} severity finding from ${f.productName} in ${where} is now ${state.join(' and ')}: ${f.title}`;
}

function statusLine(f: Finding): string {
  return f.format === 'ocsf'
    ? `${f.recordState === 'ACTIVE' ? f.workflowStatus : f.recordState}`
    : `${f.workflowStatus} (record state ${f.recordState})`;
}

function timeLine(iso: string | undefined, timeZone: string): string {
  return iso ? cleanLine(formatTime(iso, timeZone)) || '-' : '-';
}

/** Multi-line text from the finding under a heading that says who wrote it, cut to `maxBytes`. */
function quotedSection(heading: string, text: string | undefined, maxBytes: number): string[] {
  if (text === undefined || cleanLine(text) === '') return [heading, '  -'];
  let body = text;
  let cutNote: string | undefined;
  if (utf8Bytes(body) > maxBytes) {
    const total = utf8Bytes(body);
    body = cutToBytes(body, maxBytes);
    cutNote = `  [${heading.split(' ')[0]!.toLowerCase()} cut: ${maxBytes} of ${total} bytes shown]`;
  }
  return [heading, quoteBlock(body), ...(cutNote ? [cutNote] : [])];
}

function bodyHead(original: Finding, settings: EmailSettings, eventFindings: number): string {
  const f = displayFinding(original);
  const by = `supplied by ${f.productName}`;
  const lines: string[] = [firstLine(f), ''];
  lines.push(
    'Account',
    `  ID:      ${f.accountId}`,
    `  Name:    ${accountLabel(f)}`,
    `  Region:  ${f.region}`,
    '',
    'Finding',
    `  Product:     ${f.productName}`,
    `  Title:       ${f.title}`,
    `  Severity:    ${f.severity}`,
    `  Status:      ${statusLine(f)}`,
    `  Types:       ${f.types.length > 0 ? f.types.join('; ') : '-'}`,
    `  Created:     ${timeLine(f.createdAt, settings.timeZone)}`,
    `  Updated:     ${timeLine(f.updatedAt, settings.timeZone)}`,
    `  Finding ID:  ${f.id}`,
    '',
    ...quotedSection(`Description (text ${by})`, f.description, DESCRIPTION_MAX_BYTES),
    '',
    ...quotedSection(`Recommendation (text ${by})`, f.recommendationText, DESCRIPTION_MAX_BYTES),
  );
  if (f.recommendationUrl) {
    const url = findingUrl(f.recommendationUrl);
    lines.push(
      url ? `  Link ${by}: ${url}` : `  (A link ${by} is left out: only web links (http, https) are shown.)`,
    );
  }
  lines.push('', `Resources (${f.resources.length})`);
  if (f.resources.length === 0) lines.push('  -');
  f.resources.forEach((r, i) => {
    lines.push(`  ${i + 1}. ${r.type}`, `     ID:     ${r.id}`, `     Region: ${r.region ?? f.region}`);
    lines.push(`     Tags:   ${r.tags.length > 0 ? r.tags.map(([k, v]) => `${k}=${v}`).join(', ') : '-'}`);
  });
  const signIn = settings.idcSubdomain && settings.permissionSet;
  lines.push(
    '',
    signIn
      ? `Open the finding in the Security Hub console (signs you in with IAM Identity Center, permission set ${settings.permissionSet}):`
      : 'Open the finding in the Security Hub console:',
    findingLink(original, settings),
  );
  if (eventFindings > 1) {
    lines.push(
      '',
      `This event held ${eventFindings} findings; this e-mail and the JSON below are about this one.`,
    );
  }
  return lines.join('\n');
}

/**
 * JSON for the end of an e-mail: characters that could reorder or break lines in a mail reader (format
 * characters, U+2028/2029, NEL) are written as \u escapes, which only ever occur inside JSON strings.
 * With `maxDepth`, objects nested deeper are replaced by a marker instead of overflowing the stack.
 */
export function jsonForEmail(value: unknown, maxDepth?: number): string {
  let text: string;
  if (maxDepth === undefined) {
    text = JSON.stringify(value, null, 2);
  } else {
    const depth = new WeakMap<object, number>();
    text = JSON.stringify(
      value,
      function (this: unknown, _key: string, v: unknown) {
        if (typeof v !== 'object' || v === null) return v;
        const d = (typeof this === 'object' && this !== null ? (depth.get(this) ?? 0) : 0) + 1;
        if (d > maxDepth) return `[nested deeper than ${maxDepth} levels: cut]`;
        depth.set(v, d);
        return v;
      },
      2,
    );
  }
  return (text ?? 'null').replace(
    /[\p{Cf}\u2028\u2029\u0085]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The event as the e-mail shows it: only this finding in detail.findings, and, when the event held several,
 * only this finding's entries in the envelope's `resources` (Security Hub lists every finding's ARN there,
 * and the others may belong to accounts this subscription does not receive).
 */
function rawDocument(event: JsonObject | undefined, f: Finding, eventFindings: number): unknown {
  if (!event) return f.raw;
  const detail = event.detail as JsonObject;
  const document: JsonObject = { ...event, detail: { ...detail, findings: [f.raw] } };
  if (eventFindings > 1 && Array.isArray(event.resources)) {
    document.resources = event.resources.filter((r) => typeof r === 'string' && r.includes(f.id));
  }
  return document;
}

export function emailFor(
  f: Finding,
  settings: EmailSettings,
  raw: unknown = f.raw,
  eventFindings = 1,
): Email {
  const subject = subjectFor(f, settings);
  let head = bodyHead(f, settings, eventFindings);
  const rawJson = jsonForEmail(raw);
  const rawLabel = raw === f.raw ? 'Raw finding JSON' : 'Raw event JSON';
  const budget = MESSAGE_MAX_BYTES - utf8Bytes(subject);

  const whole = `${head}\n\n${rawLabel}:\n${rawJson}`;
  if (utf8Bytes(whole) <= budget) return { subject, message: whole };

  // Too big for SNS: keep the readable part whole (it was bounded above unless there are very many
  // resources) and cut the JSON, saying so where the reader will look.
  const reserve = 512;
  if (utf8Bytes(head) > budget / 2) {
    head = `${cutToBytes(head, budget / 2)}\n[... e-mail text cut to stay within the SNS 256 KB limit]`;
  }
  const rawBytes = utf8Bytes(rawJson);
  const room = Math.max(0, budget - utf8Bytes(head) - reserve);
  const cut = cutToBytes(rawJson, room);
  const marker = `[... raw JSON cut: ${utf8Bytes(cut)} of ${rawBytes} bytes shown, to stay within the SNS 256 KB limit]`;
  return {
    subject,
    message: `${head}\n\n${rawLabel} (cut, see the end):\n${cut}\n${marker}`,
  };
}

/** How much of the raw JSON a fallback e-mail shows. */
export const FALLBACK_JSON_MAX_BYTES = 16 * 1024;

/**
 * The short e-mail for a finding that could not be read or formatted: what went wrong, its ID and
 * account where they can be found, and the raw JSON cut to FALLBACK_JSON_MAX_BYTES.
 */
export function fallbackEmail(finding: Finding, error: string): Email {
  const f = displayFinding(finding);
  let json: string;
  try {
    json = jsonForEmail(finding.raw, 64);
  } catch (e) {
    json = `(the raw JSON could not be written: ${e instanceof Error ? e.message : String(e)})`;
  }
  const total = utf8Bytes(json);
  const shown = cutToBytes(json, FALLBACK_JSON_MAX_BYTES);
  const lines = [
    'A Security Hub finding arrived that this formatter could not turn into its usual e-mail; the other',
    'findings of the same event were sent as usual. Open Security Hub to read it, or see the JSON below.',
    '',
    `  Finding ID:  ${f.id}`,
    `  Account:     ${f.accountId}`,
    `  Region:      ${f.region}`,
    `  Problem:     ${cleanLine(error).slice(0, 500)}`,
    '',
    `Raw finding JSON${shown.length < json.length ? ` (cut: ${utf8Bytes(shown)} of ${total} bytes shown)` : ''}:`,
    shown,
  ];
  return {
    subject: fitSubject(`Security Hub finding on ${f.accountId} could not be formatted: ${f.id}`),
    message: lines.join('\n'),
  };
}

/** A Finding with only what can be read from an entry that is not a readable finding. */
function unreadableFinding(raw: unknown, region?: string): Finding {
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  const o = isObject(raw) ? raw : {};
  const id =
    text(o.Id) ?? text(get(o, 'finding_info', 'uid')) ?? text(get(o, 'metadata', 'uid')) ?? '(no ID)';
  const accountId = text(o.AwsAccountId) ?? text(get(o, 'cloud', 'account', 'uid')) ?? '(unknown account)';
  const findingRegion = text(o.Region) ?? text(get(o, 'cloud', 'region')) ?? region ?? '-';
  return {
    format: 'asff',
    id,
    accountId,
    region: findingRegion,
    partition: 'aws',
    productName: text(o.ProductName) ?? text(get(o, 'metadata', 'product', 'name')) ?? 'Unknown product',
    title: text(o.Title) ?? text(get(o, 'finding_info', 'title')) ?? '(no title)',
    description: '',
    severity: 'Unknown',
    types: [],
    workflowStatus: 'NEW',
    recordState: 'ACTIVE',
    resources: [],
    raw: o,
  };
}

/** Whether the finding is a Security Hub control finding that was only re-evaluated, not new. */
export function isRepeatedControlFinding(f: Finding): boolean {
  if (f.productName !== 'Security Hub' || f.workflowStatus !== 'NEW' || f.recordState !== 'ACTIVE')
    return false;
  if (!f.createdAt || !f.updatedAt) return false;
  const created = Date.parse(f.createdAt);
  const updated = Date.parse(f.updatedAt);
  if (Number.isNaN(created) || Number.isNaN(updated)) return f.createdAt !== f.updatedAt;
  return created !== updated;
}

/** Why a finding is not e-mailed to this subscription because of its account, if it is not. */
function outsideScope(f: Finding, settings: EmailSettings): string | undefined {
  if (settings.accountScope === 'organization' || settings.subscriptionAccountId === undefined)
    return undefined;
  if (f.accountId === settings.subscriptionAccountId) return undefined;
  return `finding of account ${cleanLine(f.accountId).slice(0, 64)}; this subscription receives account ${settings.subscriptionAccountId} only (ACCOUNT_SCOPE=own)`;
}

/**
 * One plan per finding of the input, in order: the e-mail, or why none is sent. An entry that is not a
 * readable finding, or whose e-mail cannot be written (deep nesting, odd types), gets the fallback e-mail
 * and an `error`; the others are not affected. Throws only when the input is not an event or finding.
 */
export function planEmails(input: unknown, settings: EmailSettings): EmailPlan[] {
  formatterFor(settings.timeZone);
  const { event, entries } = parseEntries(input);
  const eventRegion = event ? str(event.region) : undefined;
  return entries.map((entry): EmailPlan => {
    const finding = entry.finding ?? unreadableFinding(entry.raw, eventRegion);
    const scope = outsideScope(finding, settings);
    if (scope) return { finding, skipped: scope };
    if (entry.error !== undefined) {
      return { finding, error: entry.error, email: fallbackEmail(finding, entry.error) };
    }
    if (settings.skipRepeated && isRepeatedControlFinding(finding)) {
      return {
        finding,
        skipped: `repeated Security Hub control finding (created ${cleanLine(finding.createdAt ?? '')}, updated ${cleanLine(finding.updatedAt ?? '')})`,
      };
    }
    try {
      return {
        finding,
        email: emailFor(finding, settings, rawDocument(event, finding, entries.length), entries.length),
      };
    } catch (e) {
      const error = `the e-mail could not be written: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      return { finding, error, email: fallbackEmail(finding, error) };
    }
  });
}

/** The e-mails for an EventBridge event (ASFF or OCSF) or a bare finding; throws on anything else. */
export function emailsForEvent(event: unknown, settings: EmailSettings): Email[] {
  return planEmails(event, settings).flatMap((plan) => (plan.email ? [plan.email] : []));
}
