// The options model: every installer question as a flag and a config key, merged (flags win over the
// config file, then defaults) and validated into one object. Errors name the field, the value and the
// accepted form, and are raised before any AWS client exists.
import { z } from 'zod';
import { UsageError } from './errors.js';
import { isKnownTimeZone, type Pattern, patterns } from './patterns.js';

export type Formatter = 'lambda' | 'eventbridge';
export type PrincipalType = 'identity-center' | 'iam-role';

export type ShareTarget =
  | { kind: 'organization' }
  | { kind: 'ou'; id: string }
  | { kind: 'account'; id: string }
  /** An OU given by name or path (e.g. Workloads/Prod); install looks its ID up in the organization. */
  | { kind: 'ou-path'; path: string };

/** A share target with every OU given by ID. */
export type ResolvedShareTarget = Exclude<ShareTarget, { kind: 'ou-path' }>;

/** How a share target is written in flags and config files. */
export function shareTargetText(t: ShareTarget): string {
  if (t.kind === 'organization') return 'org';
  return t.kind === 'ou-path' ? t.path : t.id;
}

/** Something that tries to be an ID (and must then be a valid one) rather than an OU name or path. */
function looksLikeId(value: string): boolean {
  return /^(ou|o|r)-/i.test(value) || /^\d+$/.test(value);
}

/** An OU name or a path of names from the root, e.g. `Workloads/Prod`: no commas, no empty segments. */
export function isOuPath(value: string): boolean {
  if (looksLikeId(value) || /[\p{Cc},]/u.test(value) || value.length > 1000) return false;
  const segments = value.replace(/^\/+|\/+$/g, '').split('/');
  return segments.every((seg) => seg.trim().length > 0 && seg.length <= 128);
}

export interface StackNames {
  bucket: string;
  portfolio: string;
  launchRoleStackSet: string;
  permissionSet: string;
}

export interface SecnotifyOptions {
  formatter: Formatter;
  /** IANA zone for email dates (Lambda mode). */
  timezone: string;
  providerName: string;
  /** Explicit product version; undefined means automatic (v1, v2, … on content change). */
  productVersion?: string;
  launchRole: boolean;
  principalType: PrincipalType;
  /** Identity Center access-portal subdomain; turns on deep links (Lambda mode with Identity Center). */
  idcSubdomain?: string;
  /** Identity Center home region; undefined means looked up (or the current region offline). */
  idcRegion?: string;
  /** Permission set names or IAM role names allowed to launch the product. */
  principals: string[];
  /** Empty means no share. */
  share: ShareTarget[];
  /** `root`, OU IDs (root ID `r-…` also accepted) or OU names/paths for the launch-role StackSet. */
  stacksetTargets: string[];
  skipRepeatedFindings: boolean;
  /** Name of the permission set the permission-set stack creates. */
  permissionSetName: string;
  stackNames: StackNames;
  /** The product offers an "All accounts" subscription (org-wide findings); off: own account only. */
  allowOrgWideSubscriptions: boolean;
  /** Subscribers may name only addresses at these domains; empty: any domain. */
  allowedEmailDomains: string[];
}

export const DEFAULT_PERMISSION_SET = 'SubscribeToSecurityNotifications';

export const defaultOptions: SecnotifyOptions = {
  formatter: 'lambda',
  timezone: 'UTC',
  providerName: 'Security',
  productVersion: undefined,
  launchRole: true,
  principalType: 'identity-center',
  idcSubdomain: undefined,
  idcRegion: undefined,
  principals: [DEFAULT_PERMISSION_SET],
  share: [{ kind: 'organization' }],
  stacksetTargets: ['root'],
  skipRepeatedFindings: true,
  permissionSetName: DEFAULT_PERMISSION_SET,
  stackNames: {
    bucket: 'SecurityNotifications-SC-Bucket',
    portfolio: 'SecurityNotifications-Service-Catalog',
    launchRoleStackSet: 'SecurityNotifications-IAM-roles-StackSet',
    permissionSet: 'SecurityNotifications-PermissionSet',
  },
  allowOrgWideSubscriptions: false,
  allowedEmailDomains: [],
};

/** One option: its flag, its config key, and how a raw value becomes a typed one. */
interface OptionSpec {
  key: keyof RawOptions;
  flag: string;
}

/** What flags and config files may hold before validation (strings, booleans, or lists). */
export interface RawOptions {
  formatter?: unknown;
  timezone?: unknown;
  providerName?: unknown;
  productVersion?: unknown;
  launchRole?: unknown;
  principalType?: unknown;
  idcSubdomain?: unknown;
  idcRegion?: unknown;
  principals?: unknown;
  share?: unknown;
  stacksetTargets?: unknown;
  skipRepeatedFindings?: unknown;
  permissionSetName?: unknown;
  stackNames?: unknown;
}

export const optionSpecs: OptionSpec[] = [
  { key: 'formatter', flag: '--formatter' },
  { key: 'timezone', flag: '--timezone' },
  { key: 'providerName', flag: '--provider-name' },
  { key: 'productVersion', flag: '--product-version' },
  { key: 'launchRole', flag: '--launch-role' },
  { key: 'principalType', flag: '--principal-type' },
  { key: 'idcSubdomain', flag: '--idc-subdomain' },
  { key: 'idcRegion', flag: '--idc-region' },
  { key: 'principals', flag: '--principals' },
  { key: 'share', flag: '--share' },
  { key: 'stacksetTargets', flag: '--stackset-targets' },
  { key: 'skipRepeatedFindings', flag: '--skip-repeated-findings' },
  { key: 'permissionSetName', flag: '--permission-set-name' },
  { key: 'stackNames', flag: '--config stackNames' },
];

/** Where a value came from, for error messages that point at the right place. */
export type Source =
  | { kind: 'flag' }
  | { kind: 'config'; file: string }
  | { kind: 'deployed'; stack: string };

export interface SourcedRaw {
  values: RawOptions;
  sources: Partial<Record<keyof RawOptions, Source>>;
}

function fieldName(key: keyof RawOptions, source: Source | undefined): string {
  const spec = optionSpecs.find((s) => s.key === key);
  if (source?.kind === 'config') return `${key} (in ${source.file})`;
  if (source?.kind === 'deployed') return `${key} (deployed in stack ${source.stack})`;
  return spec?.flag ?? key;
}

function fail(key: keyof RawOptions, source: Source | undefined, value: unknown, form: string): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value ?? null);
  throw new UsageError(`${fieldName(key, source)}: ${shown} is not valid; expected ${form}.`, {
    field: fieldName(key, source),
  });
}

function asString(key: keyof RawOptions, source: Source | undefined, value: unknown, form: string): string {
  if (typeof value !== 'string') fail(key, source, value, form);
  return value.trim();
}

function asList(key: keyof RawOptions, source: Source | undefined, value: unknown, form: string): string[] {
  const items = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(',')
      : fail(key, source, value, form);
  const list = items.map((item) => {
    if (typeof item !== 'string') fail(key, source, value, form);
    return item.trim();
  });
  if (list.length === 0 || list.some((item) => item === '')) fail(key, source, value, form);
  return list;
}

function asBoolean(key: keyof RawOptions, source: Source | undefined, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['yes', 'true', 'y', '1', 'on'].includes(v)) return true;
    if (['no', 'false', 'n', '0', 'off'].includes(v)) return false;
  }
  return fail(key, source, value, 'true or false (yes/no)');
}

function matching(
  key: keyof RawOptions,
  source: Source | undefined,
  value: unknown,
  pattern: Pattern,
): string {
  const s = asString(key, source, value, pattern.form);
  if (!pattern.regex.test(s)) fail(key, source, value, pattern.form);
  return s;
}

function oneOf<T extends string>(
  key: keyof RawOptions,
  source: Source | undefined,
  value: unknown,
  allowed: readonly T[],
): T {
  const form = `one of ${allowed.join(', ')}`;
  const s = asString(key, source, value, form).toLowerCase();
  if (!(allowed as readonly string[]).includes(s)) fail(key, source, value, form);
  return s as T;
}

const SHARE_FORM = `org, none, or a comma list of OU IDs (${patterns.ouId.form}), OU names or paths (e.g. Workloads/Prod) and 12-digit account IDs`;

export function parseShare(value: unknown, source?: Source): ShareTarget[] {
  const items = asList('share', source, value, SHARE_FORM);
  if (items.length === 1 && items[0]!.toLowerCase() === 'none') return [];
  const targets: ShareTarget[] = [];
  for (const raw of items) {
    const item = raw.toLowerCase();
    if (item === 'none') {
      throw new UsageError(
        `--share: "none" cannot be combined with other share targets (${items.join(',')}).`,
        {
          field: fieldName('share', source),
        },
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
      fail('share', source, raw, SHARE_FORM);
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

function parseStacksetTargets(value: unknown, source?: Source): string[] {
  const items = asList('stacksetTargets', source, value, STACKSET_TARGETS_FORM);
  const isRoot = (i: string) => i === 'root' || patterns.rootId.regex.test(i);
  for (const item of items) {
    if (!isRoot(item) && !patterns.ouId.regex.test(item) && !isOuPath(item))
      fail('stacksetTargets', source, item, STACKSET_TARGETS_FORM);
  }
  if (items.length > 1 && items.some(isRoot)) {
    throw new UsageError(
      `${fieldName('stacksetTargets', source)}: the organization root already covers every OU; give root alone or OUs alone.`,
      { field: fieldName('stacksetTargets', source) },
    );
  }
  return [...new Set(items)];
}

const stackNamesSchema = z
  .object({
    bucket: z.string(),
    portfolio: z.string(),
    launchRoleStackSet: z.string(),
    permissionSet: z.string(),
  })
  .partial()
  .strict();

function parseStackNames(value: unknown, source?: Source): StackNames {
  const parsed = stackNamesSchema.safeParse(value);
  if (!parsed.success) {
    fail(
      'stackNames',
      source,
      value,
      'an object with any of bucket, portfolio, launchRoleStackSet, permissionSet (stack names)',
    );
  }
  const names = { ...defaultOptions.stackNames, ...parsed.data };
  for (const [k, v] of Object.entries(names)) {
    if (!patterns.stackName.regex.test(v)) fail('stackNames', source, `${k}=${v}`, patterns.stackName.form);
  }
  return names;
}

function conflict(message: string, field: string): never {
  throw new UsageError(message, { field });
}

/**
 * Merges the layers (later wins: defaults < deployed < config < flags) and validates the result.
 * `layers` are applied in the order given; each value keeps the source it came from.
 */
export function resolveOptions(...layers: SourcedRaw[]): SecnotifyOptions {
  const values: RawOptions = {};
  const sources: Partial<Record<keyof RawOptions, Source>> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer.values) as [keyof RawOptions, unknown][]) {
      if (v === undefined) continue;
      values[k] = v;
      sources[k] = layer.sources[k] ?? { kind: 'flag' };
    }
  }
  const src = (k: keyof RawOptions) => sources[k];
  const given = (k: keyof RawOptions) => values[k] !== undefined;
  const o: SecnotifyOptions = structuredClone(defaultOptions);

  if (given('formatter'))
    o.formatter = oneOf('formatter', src('formatter'), values.formatter, ['lambda', 'eventbridge']);
  if (given('timezone')) {
    const form = 'an IANA time zone name such as Europe/Berlin or Australia/Melbourne, or UTC';
    const tz = asString('timezone', src('timezone'), values.timezone, form);
    if (tz === '') fail('timezone', src('timezone'), values.timezone, form);
    if (!isKnownTimeZone(tz)) fail('timezone', src('timezone'), values.timezone, form);
    o.timezone = tz;
  }
  if (given('providerName')) {
    o.providerName = matching(
      'providerName',
      src('providerName'),
      values.providerName,
      patterns.providerName,
    );
  }
  if (given('productVersion')) {
    const v = asString(
      'productVersion',
      src('productVersion'),
      values.productVersion,
      patterns.productVersion.form,
    );
    o.productVersion =
      v.toLowerCase() === 'auto'
        ? undefined
        : matching('productVersion', src('productVersion'), v, patterns.productVersion);
  }
  if (given('launchRole')) o.launchRole = asBoolean('launchRole', src('launchRole'), values.launchRole);
  if (given('principalType')) {
    o.principalType = oneOf('principalType', src('principalType'), values.principalType, [
      'identity-center',
      'iam-role',
    ]);
  }
  if (given('idcSubdomain')) {
    o.idcSubdomain = matching(
      'idcSubdomain',
      src('idcSubdomain'),
      values.idcSubdomain,
      patterns.idcSubdomain,
    );
  }
  if (given('idcRegion'))
    o.idcRegion = matching('idcRegion', src('idcRegion'), values.idcRegion, patterns.region);
  if (given('permissionSetName')) {
    o.permissionSetName = matching(
      'permissionSetName',
      src('permissionSetName'),
      values.permissionSetName,
      patterns.permissionSetName,
    );
  }
  if (given('principals')) {
    const pattern = o.principalType === 'iam-role' ? patterns.iamRoleName : patterns.permissionSetName;
    const what = o.principalType === 'iam-role' ? 'IAM role names' : 'permission set names';
    const list = asList('principals', src('principals'), values.principals, `a comma list of ${what}`);
    for (const p of list) {
      if (!pattern.regex.test(p)) fail('principals', src('principals'), p, `${what}: ${pattern.form} each`);
    }
    o.principals = [...new Set(list)];
  } else if (given('permissionSetName') && o.principalType === 'identity-center') {
    o.principals = [o.permissionSetName];
  }
  if (given('share')) o.share = parseShare(values.share, src('share'));
  if (given('stacksetTargets'))
    o.stacksetTargets = parseStacksetTargets(values.stacksetTargets, src('stacksetTargets'));
  if (given('skipRepeatedFindings')) {
    o.skipRepeatedFindings = asBoolean(
      'skipRepeatedFindings',
      src('skipRepeatedFindings'),
      values.skipRepeatedFindings,
    );
  }
  if (given('stackNames')) o.stackNames = parseStackNames(values.stackNames, src('stackNames'));

  // Combinations that cannot mean what the user wants.
  const explicit = (k: keyof RawOptions) => given(k) && src(k)?.kind !== 'deployed';
  if (o.formatter === 'eventbridge') {
    if (explicit('timezone') && o.timezone !== 'UTC') {
      conflict(
        `${fieldName('timezone', src('timezone'))}: time zones apply to the Lambda formatter only; with --formatter eventbridge emails show UTC. Drop the time zone or use --formatter lambda.`,
        fieldName('timezone', src('timezone')),
      );
    }
    if (explicit('idcSubdomain')) {
      conflict(
        `${fieldName('idcSubdomain', src('idcSubdomain'))}: sign-in deep links need the Lambda formatter; --formatter eventbridge sends no link. Drop it or use --formatter lambda.`,
        fieldName('idcSubdomain', src('idcSubdomain')),
      );
    }
    if (explicit('skipRepeatedFindings') && o.skipRepeatedFindings) {
      conflict(
        `${fieldName('skipRepeatedFindings', src('skipRepeatedFindings'))}: skipping repeated findings needs the Lambda formatter; --formatter eventbridge cannot deduplicate.`,
        fieldName('skipRepeatedFindings', src('skipRepeatedFindings')),
      );
    }
    o.skipRepeatedFindings = false;
    o.timezone = 'UTC';
    o.idcSubdomain = undefined;
  }
  if (o.principalType === 'iam-role') {
    for (const k of ['idcSubdomain', 'idcRegion'] as const) {
      if (explicit(k)) {
        conflict(
          `${fieldName(k, src(k))}: applies to --principal-type identity-center only, not iam-role.`,
          fieldName(k, src(k)),
        );
      }
    }
    o.idcSubdomain = undefined;
    o.idcRegion = undefined;
  }
  return o;
}

/** True when the product template carries the Identity Center deep link (and its PermissionSet parameter). */
export function identityCenterLinks(o: SecnotifyOptions): boolean {
  return o.formatter === 'lambda' && o.principalType === 'identity-center' && o.idcSubdomain !== undefined;
}
