// Turning one raw value (a flag, a config-file entry, an environment variable, a typed answer) into a typed
// one. Every failure is a UsageError that names where the value came from, quotes at most about 100
// characters of it, and says which form is accepted.
import { UsageError } from '../errors.js';
import type { Pattern } from '../patterns.js';
import type { Source } from './model.js';

/** How long a quoted value may get in a message before it is cut. */
export const QUOTE_LIMIT = 100;

/** A value as a message shows it: JSON-quoted, cut after QUOTE_LIMIT characters with the rest counted. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value ?? null) ?? String(value));
  const chars = [...text];
  if (chars.length <= QUOTE_LIMIT) return JSON.stringify(text);
  return `${JSON.stringify(chars.slice(0, QUOTE_LIMIT).join(''))}… (${chars.length - QUOTE_LIMIT} more characters)`;
}

/**
 * The name of a value's source as the user knows it: the flag, `key (in file)` for a config file,
 * `key (deployed in stack S)`, or the environment variable.
 */
export function fieldName(flag: string, configKey: string, source: Source | undefined): string {
  switch (source?.kind) {
    case 'config':
      return `${configKey} (in ${source.file})`;
    case 'deployed':
      return `${configKey} (deployed in stack ${source.stack})`;
    case 'env':
      return source.variable;
    default:
      return flag;
  }
}

/** What a parser needs to know about the value it parses. */
export interface ValueContext {
  /** The source's name in messages (see fieldName). */
  field: string;
}

export function fail(ctx: ValueContext, value: unknown, form: string): never {
  throw new UsageError(`${ctx.field}: ${quote(value)} is not valid; expected ${form}.`, { field: ctx.field });
}

export function asString(ctx: ValueContext, value: unknown, form: string): string {
  if (typeof value !== 'string') fail(ctx, value, form);
  return value.trim();
}

/** A comma list (or a YAML/JSON list) of non-empty strings, trimmed. */
export function asList(ctx: ValueContext, value: unknown, form: string): string[] {
  const items = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(',')
      : fail(ctx, value, form);
  const list = items.map((item) => {
    if (typeof item !== 'string') fail(ctx, value, form);
    return item.trim();
  });
  if (list.length === 0 || list.some((item) => item === '')) fail(ctx, value, form);
  return list;
}

export function asBoolean(ctx: ValueContext, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['yes', 'true', 'y', '1', 'on'].includes(v)) return true;
    if (['no', 'false', 'n', '0', 'off'].includes(v)) return false;
  }
  return fail(ctx, value, 'true or false (yes/no)');
}

export function matching(ctx: ValueContext, value: unknown, pattern: Pattern): string {
  const s = asString(ctx, value, pattern.form);
  if (!pattern.regex.test(s)) fail(ctx, value, pattern.form);
  return s;
}

export function oneOf<T extends string>(ctx: ValueContext, value: unknown, allowed: readonly T[]): T {
  const form = `one of ${allowed.join(', ')}`;
  const s = asString(ctx, value, form).toLowerCase();
  if (!(allowed as readonly string[]).includes(s)) fail(ctx, value, form);
  return s as T;
}

/**
 * Characters that must never reach a template or an email as free text: control characters, format
 * characters (bidi overrides and isolates, zero-width joiners, the byte-order mark) and line/paragraph
 * separators, which can make text read differently from what it is.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** A CloudFormation dynamic reference, which CloudFormation would resolve inside any string property. */
const DYNAMIC_REFERENCE = /\{\{\s*resolve\s*:/i;

/**
 * Free text that ends up in a CloudFormation template or parameter: no dynamic references (CloudFormation
 * resolves `{{resolve:ssm:…}}` anywhere in a template, so a name could read a parameter or secret) and no
 * invisible or direction-changing characters.
 */
export function templateText(ctx: ValueContext, text: string, original: unknown): string {
  if (DYNAMIC_REFERENCE.test(text)) {
    throw new UsageError(
      `${ctx.field}: ${quote(original)} contains "{{resolve:", a CloudFormation dynamic reference; plain text only.`,
      { field: ctx.field },
    );
  }
  const bad = INVISIBLE.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new UsageError(
      `${ctx.field}: ${quote(original)} contains the invisible or control character U+${code}; printable text only.`,
      { field: ctx.field },
    );
  }
  return text;
}

/**
 * Decimal digits of any script other than 0-9 (Arabic-Indic, fullwidth, …): they look like an account ID
 * on screen but are not one, and AWS accepts only ASCII digits in IDs.
 */
export function hasLookAlikeDigits(text: string): boolean {
  return /(?![0-9])\p{Nd}/u.test(text);
}

export function rejectLookAlikeDigits(ctx: ValueContext, item: string, original: unknown): void {
  if (hasLookAlikeDigits(item)) {
    throw new UsageError(
      `${ctx.field}: ${quote(original)} contains digits that only look like 0-9 (${[...item].filter((c) => hasLookAlikeDigits(c)).join('')}); type IDs with the digits 0-9.`,
      { field: ctx.field },
    );
  }
}
