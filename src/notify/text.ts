// Finding text as data: single-line fields folded and cleaned, multi-line text prefixed, only http(s)
// links, ASCII subjects under SNS's limit, dates in the subscriber's time zone, console and sign-in links.
// Shared by the e-mail (format.ts), the summary e-mail, chat cards and digests.
import type { EmailSettings } from './format.js';
import type { Finding } from './model.js';

/** SNS Publish: subjects must be "less than 100 characters long" (API reference, Publish, Subject). */
export const SUBJECT_MAX_CHARS = 99;
/** SNS allows 262144 bytes per message; a little is kept back for the subject and attributes. */
export const MESSAGE_MAX_BYTES = 256 * 1024 - 1024;

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
export function accountLabel(f: Finding, settings?: Pick<EmailSettings, 'accountScope'>): string {
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

export function formatterFor(timeZone: string): Intl.DateTimeFormat {
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
