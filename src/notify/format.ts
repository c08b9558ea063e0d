// Finding → e-mail (SNS Subject + Message), used by the formatter Lambda and by `secnotify preview`.
// SNS rejects subjects that are not ASCII, contain line breaks or are not "less than 100 characters long"
// (SNS API reference, Publish, Subject), and messages over 256 KB; the original formatter ignored all four.
// Finding text is data, never layout: anyone who can import a finding (a custom product, a third-party
// integration) writes its title, description and links, so single-line fields are folded and cleaned,
// multi-line text is prefixed line by line, and only labelled http(s) links from a finding are printed.
import { fromAsff, isAsffFinding } from './asff.js';
import { type Finding, get, isObject, type JsonObject, str } from './model.js';
import { fromOcsf, isOcsfFinding } from './ocsf.js';

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

/** SNS Publish: subjects must be "less than 100 characters long" (API reference, Publish, Subject). */
export const SUBJECT_MAX_CHARS = 99;
/** SNS allows 262144 bytes per message; a little is kept back for the subject and attributes. */
export const MESSAGE_MAX_BYTES = 256 * 1024 - 1024;
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

// ---------------------------------------------------------------------------------------------------
// Finding text is data: cleaning single-line fields, setting multi-line text apart, checking links.

/**
 * Characters that change how text is shown without being seen: bidi embeddings, overrides and isolates
 * (U+202A-202E, U+2066-2069), the marks U+200E, U+200F and U+061C, zero-width space, joiners and word
 * joiner (U+200B-200D, U+2060), the BOM (U+FEFF), and every other Unicode format character (Cf).
 */
const INVISIBLE = /[\p{Cf}\u200b-\u200f\u202a-\u202e\u2060-\u2069\u061c\ufeff]/gu;

/** Prefix of every line of multi-line text taken from a finding (description, recommendation). */
export const QUOTE_PREFIX = '  \u2502 ';

/** A single-line field of a finding as the e-mail shows it: invisible characters removed, folded to one line. */
export function cleanLine(text: string): string {
  return foldWhitespace(text.replace(INVISIBLE, ''));
}

/**
 * Multi-line text of a finding as the e-mail shows it: invisible and control characters removed, every
 * kind of line break made a line break, and every line prefixed with QUOTE_PREFIX so that nothing in it
 * can pass for one of the e-mail's own sections or links.
 */
export function quoteBlock(text: string): string {
  const lines = text
    .replace(INVISIBLE, '')
    .replace(/\r\n?|[\u2028\u2029\u0085\v\f]/g, '\n')
    .replace(/\t/g, '  ')
    .replace(/(?!\n)\p{Cc}/gu, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\s*\n|\n\s*$/g, '')
    .split('\n');
  return lines.map((line) => `${QUOTE_PREFIX}${line}`.trimEnd()).join('\n');
}

/**
 * A link taken from a finding, as printed: only absolute http:// and https:// URLs without user info
 * (`https://console.aws.amazon.com@evil.example/` would read as an AWS link), normalised by the WHATWG
 * URL parser (spaces and line breaks percent-encoded, international host names in punycode).
 */
export function findingUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const cleaned = cleanLine(text);
  if (!/^https?:\/\//i.test(cleaned)) return undefined;
  try {
    const url = new URL(cleaned);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    if (url.username !== '' || url.password !== '' || url.hostname === '') return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Subject: ASCII only, one line, at most 100 characters.

const ASCII_FOR: Record<string, string> = {
  ß: 'ss',
  ẞ: 'SS',
  Æ: 'AE',
  æ: 'ae',
  Œ: 'OE',
  œ: 'oe',
  Ø: 'O',
  ø: 'o',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Þ: 'Th',
  þ: 'th',
  ı: 'i',
  '‘': "'",
  '’': "'",
  '‚': "'",
  '‛': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '«': '"',
  '»': '"',
  '‹': "'",
  '›': "'",
  '–': '-',
  '—': '-',
  '‐': '-',
  '−': '-',
  '…': '...',
  '•': '*',
  '·': '.',
  '€': 'EUR',
  '£': 'GBP',
  '©': '(c)',
  '®': '(R)',
  '™': '(TM)',
};

/** Folds all whitespace (line breaks, tabs, no-break and ideographic spaces) and control characters. */
export function foldWhitespace(text: string): string {
  return text.replace(/[\s\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();
}

/**
 * ASCII transliteration for the subject: accents are dropped (NFKD + no combining marks), a few
 * letters and punctuation marks get their usual spelling, pictographs disappear, and whatever is left
 * (CJK, Cyrillic, …) becomes one `?` per run; the body keeps the original text.
 */
export function toAscii(text: string): string {
  return foldWhitespace(text)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\x20-\x7e]/g, (ch) => ASCII_FOR[ch] ?? ch)
    .replace(/(?:\p{Extended_Pictographic}|\u200d|\ufe0f)+/gu, '')
    .replace(/[^\x20-\x7e]+/g, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * The finding with every single-line field cleaned for display (cleanLine). Description and
 * recommendation text stay multi-line (quoteBlock prints them); links are built from the original values.
 */
export function displayFinding(f: Finding): Finding {
  // A URL inside a single-line field would be made a link by the mail reader, unlabelled: it is shown
  // defanged (`https[:]//…`); only the labelled recommendation link and the formatter's own are links.
  const line = (text: string) => cleanLine(text).replace(/\b(https?):\/\//gi, '$1[:]//');
  const opt = (text: string | undefined) => {
    const cleaned = text === undefined ? undefined : line(text);
    return cleaned === '' ? undefined : cleaned;
  };
  const req = (text: string, empty: string) => line(text) || empty;
  return {
    ...f,
    id: req(f.id, '(no ID)'),
    accountId: req(f.accountId, '(no account)'),
    accountName: opt(f.accountName),
    region: req(f.region, '-'),
    productName: req(f.productName, 'Unknown product'),
    title: req(f.title, '(no title)'),
    severity: req(f.severity, 'Unknown'),
    types: f.types.map(line).filter((t) => t !== ''),
    workflowStatus: req(f.workflowStatus, 'NEW'),
    recordState: req(f.recordState, 'ACTIVE'),
    resources: f.resources.map((r) => ({
      ...r,
      type: req(r.type, 'Unknown type'),
      id: req(r.id, 'unknown'),
      region: opt(r.region),
      tags: r.tags.map(([k, v]) => [line(k), line(v)] as [string, string]),
    })),
  };
}

/** The account as the e-mail names it: its name, or its ID; with organization scope always its ID too. */
function accountLabel(f: Finding, settings?: Pick<EmailSettings, 'accountScope'>): string {
  if (settings?.accountScope === 'organization' && f.accountName) return `${f.accountName} (${f.accountId})`;
  return f.accountName ?? f.accountId;
}

/** The words for the finding's state: `new`, or what it is now (`resolved`, `archived`, …). */
export function stateWords(f: Finding): string[] {
  const words: string[] = [];
  if (f.workflowStatus !== 'NEW') words.push(f.workflowStatus.replace(/_/g, ' '));
  if (f.recordState !== 'ACTIVE') words.push(f.recordState.replace(/_/g, ' '));
  return words;
}

/** ASCII, one line, at most SUBJECT_MAX_CHARS characters (cut with `...`). */
export function fitSubject(text: string): string {
  const subject = toAscii(text.replace(INVISIBLE, ''));
  if (subject.length <= SUBJECT_MAX_CHARS) return subject;
  return `${subject.slice(0, SUBJECT_MAX_CHARS - 3).trimEnd()}...`;
}

export function subjectFor(f: Finding, settings?: Pick<EmailSettings, 'accountScope'>): string {
  const d = displayFinding(f);
  const state = stateWords(d);
  const status = state.length === 0 ? 'new' : state.join(' and ').toLowerCase();
  return fitSubject(
    `${d.severity} severity ${status} Security Hub finding on ${accountLabel(d, settings)}: ${d.title}`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Times in the subscriber's zone.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'longOffset',
      });
    } catch {
      throw new Error(`Unknown time zone "${timeZone}": use an IANA name such as UTC or Europe/Berlin.`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `2024-03-31 03:00:00 UTC+02:00 (Europe/Berlin)`; text that is not a date is shown as it came. */
export function formatTime(iso: string, timeZone: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(time)) parts[part.type] = part.value;
  const offset =
    parts.timeZoneName === 'GMT' ? 'UTC+00:00' : (parts.timeZoneName ?? '').replace(/^GMT/, 'UTC');
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${offset} (${timeZone})`;
}

// ---------------------------------------------------------------------------------------------------
// Links.

const CONSOLE_HOSTS: Record<string, string> = {
  aws: 'console.aws.amazon.com',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
  'aws-cn': 'console.amazonaws.cn',
};
// The console's finding search takes `<field>=\operator\:EQUALS\:<value>`, URL-encoded twice in the
// hash route (the form AWS's own solutions link with); the value is encoded twice to match.
const EQUALS_FILTER = '%3D%255Coperator%255C%253AEQUALS%255C%253A';

/** The finding in the Security Hub console of its own region (ASFF: CSPM console; OCSF: new console). */
export function consoleUrl(f: Finding): string {
  const host = CONSOLE_HOSTS[f.partition] ?? CONSOLE_HOSTS.aws;
  const value = encodeURIComponent(encodeURIComponent(f.id));
  const region = encodeURIComponent(f.region);
  return f.format === 'ocsf'
    ? `https://${region}.${host}/securityhub/v2/home?region=${region}#/findings?search=finding_info.uid${EQUALS_FILTER}${value}`
    : `https://${region}.${host}/securityhub/home?region=${region}#/findings?search=Id${EQUALS_FILTER}${value}`;
}

/** The console link, through the Identity Center sign-in deep link when both parts are configured. */
export function findingLink(
  f: Finding,
  settings: Pick<EmailSettings, 'idcSubdomain' | 'permissionSet'>,
): string {
  const url = consoleUrl(f);
  if (!settings.idcSubdomain || !settings.permissionSet) return url;
  const portal = f.partition === 'aws-cn' ? 'awsapps.cn' : 'awsapps.com';
  return (
    `https://${settings.idcSubdomain}.${portal}/start/#/console?account_id=${encodeURIComponent(f.accountId)}` +
    `&role_name=${encodeURIComponent(settings.permissionSet)}&destination=${encodeURIComponent(url)}`
  );
}

// ---------------------------------------------------------------------------------------------------
// Body.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, never splitting a character. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  const bytes = encoder.encode(text);
  let end = Math.max(0, maxBytes);
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return decoder.decode(bytes.subarray(0, end));
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

// ---------------------------------------------------------------------------------------------------
// Large events: one summary e-mail instead of one e-mail per finding.

/** An event with more findings to send than this becomes one summary e-mail. */
export const SUMMARY_THRESHOLD = 20;

export const SEVERITY_RANK: Record<string, number> = {
  Fatal: 6,
  Critical: 5,
  High: 4,
  Medium: 3,
  Low: 2,
  Informational: 1,
};

/**
 * One e-mail listing many findings (severity, title, resource, console link each), most severe first, cut
 * to stay within the SNS limit with "and N more".
 */
export function summaryEmail(plans: EmailPlan[], settings: EmailSettings): Email {
  const items = plans
    .map((p, index) => ({ p, index, d: displayFinding(p.finding) }))
    .sort(
      (a, b) => (SEVERITY_RANK[b.d.severity] ?? 0) - (SEVERITY_RANK[a.d.severity] ?? 0) || a.index - b.index,
    );
  const accounts = [...new Set(items.map((i) => i.d.accountId))];
  const names = [...new Set(items.map((i) => accountLabel(i.d, settings)))];
  const counts = new Map<string, number>();
  for (const { d } of items) counts.set(d.severity, (counts.get(d.severity) ?? 0) + 1);
  const countText = [...counts].map(([severity, n]) => `${n} ${severity}`).join(', ');
  const on = accounts.length === 1 ? names[0]! : `${accounts.length} accounts`;
  const subject = fitSubject(`${items.length} Security Hub findings on ${on}: ${countText}`);

  const head = [
    `One event brought ${items.length} Security Hub findings for this subscription (${countText}).`,
    `They are listed in this one e-mail instead of ${items.length} e-mails, most severe first; open each in the console for its details.`,
    '',
  ];
  const budget = MESSAGE_MAX_BYTES - utf8Bytes(subject) - 1024;
  let used = utf8Bytes(head.join('\n'));
  const body: string[] = [];
  let listed = 0;
  for (const { p, d } of items) {
    const first = d.resources[0];
    const more = d.resources.length > 1 ? ` (and ${d.resources.length - 1} more)` : '';
    const entry = [
      `${listed + 1}. ${d.severity}: ${d.title}`,
      `   Account:  ${accountLabel(d, { accountScope: 'organization' })}, ${d.region}`,
      `   Resource: ${first ? `${first.type} ${first.id}${more}` : '-'}`,
      ...(p.error ? [`   Note:     could not be formatted (${cleanLine(p.error).slice(0, 200)})`] : []),
      `   ${findingLink(p.finding, settings)}`,
      '',
    ].join('\n');
    const size = utf8Bytes(entry) + 1;
    if (used + size > budget) break;
    body.push(entry);
    used += size;
    listed++;
  }
  const lines = [...head, ...body];
  if (listed < items.length) {
    lines.push(
      `... and ${items.length - listed} more (not listed, to stay within the SNS 256 KB limit). Security Hub shows them all.`,
    );
  }
  return { subject, message: lines.join('\n').trimEnd() };
}

/** What is published for an event: one e-mail per finding, or one summary above SUMMARY_THRESHOLD. */
export interface Delivery {
  email: Email;
  plans: EmailPlan[];
  summary: boolean;
}

export function deliveriesFor(
  plans: EmailPlan[],
  settings: EmailSettings,
  threshold = SUMMARY_THRESHOLD,
): Delivery[] {
  const toSend = plans.filter((p) => p.email);
  if (toSend.length > threshold) {
    return [{ email: summaryEmail(toSend, settings), plans: toSend, summary: true }];
  }
  return toSend.map((p) => ({ email: p.email!, plans: [p], summary: false }));
}
