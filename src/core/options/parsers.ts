// Parsers of the options whose values have structure: share targets, StackSet targets, stack names,
// principals (with the limits that decide how many fit) and email domains.
import { UsageError } from '../errors.js';
import { patterns } from '../patterns.js';
import { isDomainName } from './email.js';
import { type ShareTarget, type StackNames, shareTargetText } from './model.js';
import type { ParseContext } from './registry.js';
import { asList, fail, quote, rejectLookAlikeDigits, type ValueContext } from './values.js';

/** Something that tries to be an ID (and must then be a valid one) rather than an OU name or path. */
function looksLikeId(value: string): boolean {
  return /^(ou|o|r)-/i.test(value) || /^\p{Nd}+$/u.test(value);
}

/** An OU name or a path of names from the root, e.g. `Workloads/Prod`: no commas, no empty segments. */
export function isOuPath(value: string): boolean {
  if (looksLikeId(value) || /[\p{Cc}\p{Cf},]/u.test(value) || value.length > 1000) return false;
  const segments = value.replace(/^\/+|\/+$/g, '').split('/');
  return segments.every((seg) => seg.trim().length > 0 && seg.length <= 128);
}

/** `Root`, `ROOT`, …: the organization root is spelled `root`; anything else would be looked up as an OU. */
function rejectMisspelledRoot(ctx: ValueContext, item: string, allowed: string): void {
  if (item.toLowerCase() === 'root' && item !== 'root') {
    throw new UsageError(
      `${ctx.field}: ${quote(item)} is not valid; ${allowed} (an OU that is really named ${item} is written /${item}).`,
      { field: ctx.field },
    );
  }
}

const SHARE_FORM = `org, none, or a comma list of OU IDs (${patterns.ouId.form}), OU names or paths (e.g. Workloads/Prod) and 12-digit account IDs`;

export function parseShare(value: unknown, ctx: ValueContext): ShareTarget[] {
  const items = asList(ctx, value, SHARE_FORM);
  if (items.length === 1 && items[0]!.toLowerCase() === 'none') return [];
  const targets: ShareTarget[] = [];
  for (const raw of items) {
    const item = raw.toLowerCase();
    if (item === 'none') {
      throw new UsageError(
        `${ctx.field}: "none" cannot be combined with other share targets (${quote(items.join(','))}).`,
        { field: ctx.field },
      );
    }
    rejectLookAlikeDigits(ctx, raw, raw);
    if (item === 'root') {
      throw new UsageError(
        `${ctx.field}: ${quote(raw)} is not valid; share with the whole organization is written org.`,
        { field: ctx.field },
      );
    }
    if (item === 'org' || item === 'organization' || patterns.organizationId.regex.test(item)) {
      targets.push({ kind: 'organization' });
    } else if (patterns.ouId.regex.test(item)) {
      targets.push({ kind: 'ou', id: item });
    } else if (patterns.accountId.regex.test(raw)) {
      targets.push({ kind: 'account', id: raw });
    } else if (isOuPath(raw)) {
      targets.push({ kind: 'ou-path', path: raw });
    } else {
      fail(ctx, raw, SHARE_FORM);
    }
  }
  const seen = new Set<string>();
  return targets.filter((t) => {
    const id = shareTargetText(t);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

const STACKSET_TARGETS_FORM = `root, a root ID (${patterns.rootId.form}), or a comma list of OU IDs (${patterns.ouId.form}) or OU names or paths (e.g. Workloads/Prod)`;

export function parseStacksetTargets(value: unknown, ctx: ValueContext): string[] {
  const items = asList(ctx, value, STACKSET_TARGETS_FORM);
  const isRoot = (i: string) => i === 'root' || patterns.rootId.regex.test(i);
  for (const item of items) {
    rejectLookAlikeDigits(ctx, item, item);
    rejectMisspelledRoot(ctx, item, 'the organization root is written root, in lower case');
    if (!isRoot(item) && !patterns.ouId.regex.test(item) && !isOuPath(item))
      fail(ctx, item, STACKSET_TARGETS_FORM);
  }
  if (items.length > 1 && items.some(isRoot)) {
    throw new UsageError(
      `${ctx.field}: the organization root already covers every OU; give root alone or OUs alone.`,
      { field: ctx.field },
    );
  }
  return [...new Set(items)];
}

export const DEFAULT_STACK_NAMES: StackNames = {
  bucket: 'SecurityNotifications-SC-Bucket',
  portfolio: 'SecurityNotifications-Service-Catalog',
  launchRoleStackSet: 'SecurityNotifications-IAM-roles-StackSet',
  permissionSet: 'SecurityNotifications-PermissionSet',
};
const STACK_NAME_KEYS = Object.keys(DEFAULT_STACK_NAMES) as (keyof StackNames)[];

export function parseStackNames(value: unknown, ctx: ValueContext): StackNames {
  const form = `an object with any of ${STACK_NAME_KEYS.join(', ')} (stack names)`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(ctx, value, form);
  const names = { ...DEFAULT_STACK_NAMES };
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(STACK_NAME_KEYS as string[]).includes(k) || typeof v !== 'string') fail(ctx, value, form);
    names[k as keyof StackNames] = v;
  }
  for (const [k, v] of Object.entries(names)) {
    if (!patterns.stackName.regex.test(v)) fail(ctx, `${k}=${v}`, patterns.stackName.form);
  }
  return names;
}

/**
 * How many principals the portfolio can carry. Service Catalog associates at most 10 principals of type
 * IAM_PATTERN with a portfolio (AssociatePrincipalWithPortfolio API reference), and CloudFormation allows
 * 500 resources per template (CloudFormation quotas); the portfolio template has PORTFOLIO_FIXED_RESOURCES
 * resources plus one PortfolioPrincipalAssociation per principal. test/unit/options-registry.test.ts renders
 * the template to keep these numbers honest.
 */
export const SERVICE_CATALOG_MAX_PATTERN_PRINCIPALS = 10;
export const CLOUDFORMATION_MAX_RESOURCES = 500;
export const PORTFOLIO_FIXED_RESOURCES = 4;
export const PORTFOLIO_RESOURCES_PER_PRINCIPAL = 1;
export const MAX_PRINCIPALS = Math.min(
  SERVICE_CATALOG_MAX_PATTERN_PRINCIPALS,
  Math.floor((CLOUDFORMATION_MAX_RESOURCES - PORTFOLIO_FIXED_RESOURCES) / PORTFOLIO_RESOURCES_PER_PRINCIPAL),
);

export function parsePrincipals(value: unknown, ctx: ParseContext): string[] {
  const iam = ctx.current.principalType === 'iam-role';
  const pattern = iam ? patterns.iamRoleName : patterns.permissionSetName;
  const what = iam ? 'IAM role names' : 'permission set names';
  const list = [...new Set(asList(ctx, value, `a comma list of ${what}`))];
  for (const p of list) {
    if (!pattern.regex.test(p)) fail(ctx, p, `${what}: ${pattern.form} each`);
  }
  if (list.length > MAX_PRINCIPALS) {
    throw new UsageError(
      `${ctx.field}: ${list.length} ${what} given; a portfolio takes at most ${MAX_PRINCIPALS} (Service Catalog allows ${SERVICE_CATALOG_MAX_PATTERN_PRINCIPALS} name-pattern principals per portfolio). Use fewer, shared permission sets or roles.`,
      { field: ctx.field },
    );
  }
  return list;
}

export function parseDomains(value: unknown, ctx: ValueContext): string[] {
  const form = 'none, or a comma list of domain names such as example.com,example.org';
  if (typeof value === 'string' && value.trim().toLowerCase() === 'none') return [];
  if (Array.isArray(value) && value.length === 0) return [];
  const domains = asList(ctx, value, form).map((d) => d.toLowerCase());
  for (const d of domains) {
    if (d.startsWith('@') || d.includes('://'))
      fail(ctx, d, `${form} (the part after the @, without @ or a scheme)`);
    rejectLookAlikeDigits(ctx, d, d);
    if (!isDomainName(d)) fail(ctx, d, form);
  }
  return [...new Set(domains)];
}
