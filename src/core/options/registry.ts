// The option registry: every installer option declared once, with its flag, config key, help, default,
// parser, how a config file stores it and, when the installer asks for it, its question. Commander flags
// (cli/installer-options.ts), config-file keys (core/config.ts), the questions (cli/install/questions.ts),
// the stored settings (core/render/settings.ts) and validation (resolve.ts) are all derived from this list.
import { UsageError } from '../errors.js';
import { isKnownTimeZone, patterns } from '../patterns.js';
import { isDomainName } from './email.js';
import {
  DEFAULT_PERMISSION_SET,
  type OptionKey,
  type SecnotifyOptions,
  type ShareTarget,
  type StackNames,
  shareTargetText,
} from './model.js';
import {
  asBoolean,
  asList,
  asString,
  fail,
  matching,
  oneOf,
  quote,
  rejectLookAlikeDigits,
  templateText,
  type ValueContext,
} from './values.js';

/** What a parser is given besides the raw value. */
export interface ParseContext extends ValueContext {
  /** The options resolved so far: every option declared earlier in the registry is final. */
  current: Readonly<SecnotifyOptions>;
}

/**
 * A question as data: the cli turns it into a prompt (select, confirm or text input), its answer goes
 * through the option's parser like a flag would.
 */
export interface QuestionSpec {
  /** Stable code of the request, e.g. SN_ASK_TIMEZONE. */
  code: string;
  kind: 'input' | 'select' | 'confirm';
  message: string | ((current: SecnotifyOptions) => string);
  choices?: { value: string; name: string }[];
  /** Whether the question applies to the answers so far (default: always). */
  applies?: (current: SecnotifyOptions) => boolean;
  /**
   * What an empty text answer stands for, recorded as the answer so that it is remembered (e.g. `none`).
   * Without it, an empty answer is validated like any other.
   */
  emptyAnswer?: string;
}

export interface OptionDef<K extends OptionKey = OptionKey> {
  key: K;
  /** The key in --config files and in the settings stored with the deployed stacks. */
  configKey: string;
  /** The flag, e.g. `--timezone`; undefined for options only a config file can set. */
  flag?: string;
  /** Commander's value placeholder, e.g. `<zone>`; undefined for a boolean switch. */
  valueName?: string;
  help: string;
  /** Help of the `--no-…` form of a boolean switch, when it has one. */
  negatedHelp?: string;
  /** Values commander offers and checks itself (the parser checks them again for config files). */
  choices?: readonly string[];
  default: SecnotifyOptions[K];
  /** The default when the option is not given, worked out from the options declared before it. */
  defaultFrom?: (current: Readonly<SecnotifyOptions>) => SecnotifyOptions[K];
  parse(raw: unknown, ctx: ParseContext): SecnotifyOptions[K];
  /**
   * The value as a config file (and the stored settings) hold it; undefined leaves the key out. Must read
   * back through `parse` to the same value.
   */
  toConfig(value: SecnotifyOptions[K], options: SecnotifyOptions): unknown;
  question?: QuestionSpec;
}

export function defineOption<K extends OptionKey>(def: OptionDef<K>): OptionDef<K> {
  return def;
}

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

function parseStacksetTargets(value: unknown, ctx: ValueContext): string[] {
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

const DEFAULT_STACK_NAMES: StackNames = {
  bucket: 'SecurityNotifications-SC-Bucket',
  portfolio: 'SecurityNotifications-Service-Catalog',
  launchRoleStackSet: 'SecurityNotifications-IAM-roles-StackSet',
  permissionSet: 'SecurityNotifications-PermissionSet',
};
const STACK_NAME_KEYS = Object.keys(DEFAULT_STACK_NAMES) as (keyof StackNames)[];

function parseStackNames(value: unknown, ctx: ValueContext): StackNames {
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
 * resources plus one PortfolioPrincipalAssociation per principal. test/unit/options-limits.test.ts renders
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

function parsePrincipals(value: unknown, ctx: ParseContext): string[] {
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

function parseDomains(value: unknown, ctx: ValueContext): string[] {
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

const TIMEZONE_FORM = 'an IANA time zone name such as Europe/Berlin or Australia/Melbourne, or UTC';

/** Every installer option, in the order they are resolved and asked. */
export const OPTIONS: readonly OptionDef[] = [
  defineOption({
    key: 'formatter',
    configKey: 'formatter',
    flag: '--formatter',
    valueName: '<mode>',
    help: 'how emails are formatted (default: lambda)',
    choices: ['lambda', 'eventbridge'],
    default: 'lambda',
    parse: (raw, ctx) => oneOf(ctx, raw, ['lambda', 'eventbridge'] as const),
    toConfig: (v) => v,
    question: {
      code: 'SN_ASK_FORMATTER',
      kind: 'select',
      message: 'How should emails be formatted?',
      choices: [
        {
          value: 'lambda',
          name: 'Lambda formatter (recommended: readable subject, local times, sign-in links)',
        },
        { value: 'eventbridge', name: 'EventBridge input transformer (no Lambda, no IAM roles at launch)' },
      ],
    },
  }),
  defineOption({
    key: 'timezone',
    configKey: 'timezone',
    flag: '--timezone',
    valueName: '<zone>',
    help: 'IANA time zone for email dates, Lambda formatter only (default: UTC)',
    default: 'UTC',
    parse: (raw, ctx) => {
      const tz = asString(ctx, raw, TIMEZONE_FORM);
      if (tz === '' || !isKnownTimeZone(tz)) fail(ctx, raw, TIMEZONE_FORM);
      return tz;
    },
    toConfig: (v) => v,
    question: {
      code: 'SN_ASK_TIMEZONE',
      kind: 'input',
      message: 'Time zone for dates in emails (IANA name)',
      applies: (o) => o.formatter === 'lambda',
    },
  }),
  defineOption({
    key: 'providerName',
    configKey: 'providerName',
    flag: '--provider-name',
    valueName: '<name>',
    help: 'portfolio provider and product owner shown in Service Catalog (default: Security)',
    default: 'Security',
    parse: (raw, ctx) => templateText(ctx, matching(ctx, raw, patterns.providerName), raw),
    toConfig: (v) => v,
    question: { code: 'SN_ASK_PROVIDER', kind: 'input', message: 'Provider name shown in Service Catalog' },
  }),
  defineOption({
    key: 'productVersion',
    configKey: 'productVersion',
    flag: '--product-version',
    valueName: '<version>',
    help: 'product version name, or "auto" (default: auto: v1, v2, … on template change)',
    default: undefined,
    parse: (raw, ctx) => {
      const v = asString(ctx, raw, patterns.productVersion.form);
      return v.toLowerCase() === 'auto' ? undefined : matching(ctx, v, patterns.productVersion);
    },
    toConfig: (v) => v,
  }),
  defineOption({
    key: 'launchRole',
    configKey: 'launchRole',
    flag: '--launch-role',
    help: 'use the launch-role StackSet: product roles get the permissions boundary (default)',
    negatedHelp: 'do not use the launch-role StackSet',
    default: true,
    parse: (raw, ctx) => asBoolean(ctx, raw),
    toConfig: (v) => v,
    question: {
      code: 'SN_ASK_LAUNCH_ROLE',
      kind: 'confirm',
      message: 'Deploy the launch role to every account (StackSet), so subscribers need no IAM permissions?',
    },
  }),
  defineOption({
    key: 'principalType',
    configKey: 'principalType',
    flag: '--principal-type',
    valueName: '<type>',
    help: 'who may launch the product (default: identity-center)',
    choices: ['identity-center', 'iam-role'],
    default: 'identity-center',
    parse: (raw, ctx) => oneOf(ctx, raw, ['identity-center', 'iam-role'] as const),
    toConfig: (v) => v,
    question: {
      code: 'SN_ASK_PRINCIPAL_TYPE',
      kind: 'select',
      message: 'Who may launch the product?',
      choices: [
        { value: 'identity-center', name: 'IAM Identity Center permission sets' },
        { value: 'iam-role', name: 'IAM roles (federated role names)' },
      ],
    },
  }),
  defineOption({
    key: 'idcSubdomain',
    configKey: 'idcSubdomain',
    flag: '--idc-subdomain',
    valueName: '<subdomain>',
    help: 'IAM Identity Center access-portal subdomain; turns on sign-in deep links in emails ("none": no links)',
    default: undefined,
    parse: (raw, ctx) => {
      if (typeof raw === 'string' && raw.trim().toLowerCase() === 'none') return undefined;
      return matching(ctx, raw, { ...patterns.idcSubdomain, form: `${patterns.idcSubdomain.form}, or none` });
    },
    // "none" is stored too, so that a run that answered "no subdomain" is not asked again.
    toConfig: (v, o) =>
      o.formatter === 'lambda' && o.principalType === 'identity-center' ? (v ?? 'none') : undefined,
    question: {
      code: 'SN_ASK_IDC_SUBDOMAIN',
      kind: 'input',
      message: 'Access-portal subdomain for sign-in links in emails (e.g. d-1234567890; empty for none)',
      applies: (o) => o.formatter === 'lambda' && o.principalType === 'identity-center',
      emptyAnswer: 'none',
    },
  }),
  defineOption({
    key: 'idcRegion',
    configKey: 'idcRegion',
    flag: '--idc-region',
    valueName: '<region>',
    help: 'IAM Identity Center home Region (default: looked up with the management credentials)',
    default: undefined,
    parse: (raw, ctx) => matching(ctx, raw, patterns.region),
    toConfig: (v) => v,
  }),
  defineOption({
    key: 'permissionSetName',
    configKey: 'permissionSetName',
    flag: '--permission-set-name',
    valueName: '<name>',
    help: `name of the permission set to create (default: ${DEFAULT_PERMISSION_SET})`,
    default: DEFAULT_PERMISSION_SET,
    parse: (raw, ctx) => matching(ctx, raw, patterns.permissionSetName),
    toConfig: (v) => v,
  }),
  defineOption({
    key: 'principals',
    configKey: 'principals',
    flag: '--principals',
    valueName: '<names>',
    help: `comma list of permission set or IAM role names allowed to launch, at most ${MAX_PRINCIPALS} (default: ${DEFAULT_PERMISSION_SET})`,
    default: [DEFAULT_PERMISSION_SET],
    // The permission set install creates is the natural principal when another name is given for it.
    defaultFrom: (o) =>
      o.principalType === 'identity-center' ? [o.permissionSetName] : [DEFAULT_PERMISSION_SET],
    parse: parsePrincipals,
    toConfig: (v) => v,
    question: {
      code: 'SN_ASK_PRINCIPALS',
      kind: 'input',
      message: (o) =>
        o.principalType === 'iam-role'
          ? 'IAM role names allowed to launch (comma list)'
          : 'Permission set names allowed to launch (comma list)',
    },
  }),
  defineOption({
    key: 'share',
    configKey: 'share',
    flag: '--share',
    valueName: '<targets>',
    help: 'org, none, or a comma list of OU IDs, OU names or paths (Workloads/Prod) and account IDs (default: org)',
    default: [{ kind: 'organization' }],
    parse: parseShare,
    toConfig: (v) => (v.length === 0 ? 'none' : v.map(shareTargetText)),
    question: {
      code: 'SN_ASK_SHARE',
      kind: 'input',
      message:
        'Share the portfolio with: org, none, or a comma list of OUs (ID, name or path) and account IDs',
    },
  }),
  defineOption({
    key: 'stacksetTargets',
    configKey: 'stacksetTargets',
    flag: '--stackset-targets',
    valueName: '<targets>',
    help: 'launch-role StackSet targets: root, or a comma list of OU IDs, names or paths (default: root)',
    default: ['root'],
    parse: parseStacksetTargets,
    toConfig: (v) => v,
    question: {
      code: 'SN_ASK_STACKSET_TARGETS',
      kind: 'input',
      message: 'Launch-role StackSet targets: root, or OUs (ID, name or path)',
      applies: (o) => o.launchRole,
    },
  }),
  defineOption({
    key: 'skipRepeatedFindings',
    configKey: 'skipRepeatedFindings',
    flag: '--skip-repeated-findings',
    help: 'do not re-send control findings that were merely updated (default, Lambda only)',
    negatedHelp: 'send every update of a control finding',
    default: true,
    parse: (raw, ctx) => asBoolean(ctx, raw),
    toConfig: (v) => v,
    question: {
      code: 'SN_ASK_SKIP_REPEATED',
      kind: 'confirm',
      message: 'Skip control findings that were merely re-evaluated (sent again every 12-24 h otherwise)?',
      applies: (o) => o.formatter === 'lambda',
    },
  }),
  defineOption({
    key: 'allowOrgWideSubscriptions',
    configKey: 'allowOrgWideSubscriptions',
    flag: '--allow-org-wide-subscriptions',
    help: "let subscribers choose findings of every account, not only their own account's (default: off)",
    negatedHelp: 'subscriptions match only the findings of the account they are launched in (default)',
    default: false,
    parse: (raw, ctx) => asBoolean(ctx, raw),
    // Left out while off, so that installations made before this option keep their stored settings.
    toConfig: (v) => (v ? true : undefined),
  }),
  defineOption({
    key: 'allowedEmailDomains',
    configKey: 'allowedEmailDomains',
    flag: '--allowed-email-domains',
    valueName: '<domains>',
    help: 'comma list of domains subscriber addresses must be in, e.g. example.com,example.org (default: none, any domain)',
    default: [],
    parse: parseDomains,
    toConfig: (v) => (v.length > 0 ? v : undefined),
  }),
  defineOption({
    key: 'stackNames',
    configKey: 'stackNames',
    help: 'names of the stacks (config file only)',
    default: DEFAULT_STACK_NAMES,
    parse: parseStackNames,
    toConfig: (v) => v,
  }),
];

export function optionDef(key: OptionKey): OptionDef {
  const def = OPTIONS.find((d) => d.key === key);
  if (!def) throw new Error(`no option ${key}`);
  return def;
}

/** The flag an option is known by in messages (a config-only option by its config key). */
export function optionFlag(key: OptionKey): string {
  const def = optionDef(key);
  return def.flag ?? `${def.configKey} (config file)`;
}

/** The defaults, derived from the registry. */
export const defaultOptions = Object.fromEntries(
  OPTIONS.map((d) => [d.key, d.default]),
) as unknown as SecnotifyOptions;

/** The options as a config file holds them (also the settings stored with the deployed stacks). */
export function optionsToConfig(options: SecnotifyOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of OPTIONS) {
    const value = def.toConfig(options[def.key] as never, options);
    if (value !== undefined) out[def.configKey] = value;
  }
  return out;
}
