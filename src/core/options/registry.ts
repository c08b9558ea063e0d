// The option registry: every installer option declared once, with its flag, config key, help, default,
// parser, how a config file stores it and, when the installer asks for it, its question. Commander flags
// (cli/installer-options.ts), config-file keys (core/config.ts), the questions (cli/install/questions.ts),
// the stored settings (core/render/settings.ts) and validation (resolve.ts) are all derived from this list.

import { REQ, type RequestCodeOf } from '../messages.js';
import { isKnownTimeZone, patterns } from '../patterns.js';
import { DEFAULT_PERMISSION_SET, type OptionKey, type SecnotifyOptions, shareTargetText } from './model.js';
import {
  DEFAULT_STACK_NAMES,
  MAX_PRINCIPALS,
  parseDomains,
  parsePrincipals,
  parseShare,
  parseStackNames,
  parseStacksetTargets,
} from './parsers.js';
import { asBoolean, asString, fail, matching, oneOf, templateText, type ValueContext } from './values.js';

/** What a parser is given besides the raw value. */
export interface ParseContext extends ValueContext {
  /** The options resolved so far: every option declared earlier in the registry is final. */
  current: Readonly<SecnotifyOptions>;
}

/**
 * A question as data: the cli turns it into a prompt (select, confirm or text input), its answer goes
 * through the option's parser like a flag would.
 */
interface QuestionBase {
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

/**
 * A question as data: the cli turns it into a prompt (select, confirm or text input), its answer goes
 * through the option's parser like a flag would. Its code is declared in the message registry (REQ).
 */
export type QuestionSpec = QuestionBase &
  (
    | { kind: 'input'; code: RequestCodeOf<'input'> }
    | { kind: 'select'; code: RequestCodeOf<'select'> }
    | { kind: 'confirm'; code: RequestCodeOf<'confirm'> }
  );

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
      code: REQ.ASK_FORMATTER.code,
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
      code: REQ.ASK_TIMEZONE.code,
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
    question: {
      code: REQ.ASK_PROVIDER.code,
      kind: 'input',
      message: 'Provider name shown in Service Catalog',
    },
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
      code: REQ.ASK_LAUNCH_ROLE.code,
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
      code: REQ.ASK_PRINCIPAL_TYPE.code,
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
      code: REQ.ASK_IDC_SUBDOMAIN.code,
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
      code: REQ.ASK_PRINCIPALS.code,
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
      code: REQ.ASK_SHARE.code,
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
      code: REQ.ASK_STACKSET_TARGETS.code,
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
      code: REQ.ASK_SKIP_REPEATED.code,
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
