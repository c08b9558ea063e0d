// Where to act: the hub and management credentials, Region and endpoint. Declared once like the installer
// options: the same definitions make the commander flags and the config-file keys, and validate values from
// flags, config files and the environment before any AWS client exists.
import { UsageError } from '../errors.js';
import { patterns } from '../patterns.js';
import type { Source } from './model.js';
import { fail, fieldName, type ValueContext } from './values.js';

export interface ConnectionSettings {
  /** Named profile for the hub account; undefined means the default credential chain. */
  profile?: string;
  region?: string;
  endpointUrl?: string;
  managementProfile?: string;
  managementRoleArn?: string;
}
export type ConnectionKey = keyof ConnectionSettings;

export interface ConnectionDef {
  key: ConnectionKey;
  flag: string;
  valueName: string;
  help: string;
  /** Environment variables the SDK reads for the same setting, checked when neither flag nor config sets it. */
  env?: string[];
  parse(raw: unknown, ctx: ValueContext): string;
}

/** A non-empty string without control characters; an empty one is a mistake worth naming. */
function nonEmpty(ctx: ValueContext, raw: unknown, what: string): string {
  if (typeof raw !== 'string') fail(ctx, raw, what);
  const value = raw.trim();
  if (value === '') {
    throw new UsageError(`${ctx.field}: the value is empty; expected ${what}, or leave it out.`, {
      field: ctx.field,
    });
  }
  if (/[\p{Cc}\p{Cf}]/u.test(value)) fail(ctx, raw, what);
  return value;
}

const PROFILE_FORM = 'the name of a profile in ~/.aws/config';
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export const CONNECTION_OPTIONS: readonly ConnectionDef[] = [
  {
    key: 'profile',
    flag: '--profile',
    valueName: '<name>',
    help: 'AWS profile for the hub account (default: the default credential chain)',
    parse: (raw, ctx) => nonEmpty(ctx, raw, PROFILE_FORM),
  },
  {
    key: 'region',
    flag: '--region',
    valueName: '<region>',
    help: 'AWS Region of the hub (default: AWS_REGION or the profile)',
    env: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
    parse: (raw, ctx) => {
      const region = nonEmpty(ctx, raw, patterns.region.form);
      if (!patterns.region.regex.test(region)) fail(ctx, raw, patterns.region.form);
      return region;
    },
  },
  {
    key: 'endpointUrl',
    flag: '--endpoint-url',
    valueName: '<url>',
    help: 'AWS endpoint override, e.g. an emulator (default: AWS_ENDPOINT_URL)',
    env: ['AWS_ENDPOINT_URL'],
    parse: (raw, ctx) => {
      const form = 'an http:// or https:// URL';
      const url = nonEmpty(ctx, raw, form);
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return fail(ctx, raw, form);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail(ctx, raw, form);
      return url;
    },
  },
  {
    key: 'managementProfile',
    flag: '--management-profile',
    valueName: '<name>',
    help: 'AWS profile for the organization management account',
    parse: (raw, ctx) => nonEmpty(ctx, raw, PROFILE_FORM),
  },
  {
    key: 'managementRoleArn',
    flag: '--management-role-arn',
    valueName: '<arn>',
    help: 'role to assume for the management account (instead of --management-profile)',
    parse: (raw, ctx) => {
      const form = 'an IAM role ARN such as arn:aws:iam::111122223333:role/OrganizationAccountAccessRole';
      const arn = nonEmpty(ctx, raw, form);
      if (!ROLE_ARN.test(arn)) fail(ctx, raw, form);
      return arn;
    },
  },
];

export const connectionKeys = CONNECTION_OPTIONS.map((d) => d.key);

/** One layer of connection values (flags, or a config file) and where they came from. */
export interface ConnectionLayer {
  values: Partial<Record<ConnectionKey, unknown>>;
  source: Source;
}

/**
 * Validates the layers (later wins) into connection settings; where neither sets a value the SDK would
 * read from the environment, that variable is checked too and named in the message.
 */
export function resolveConnection(
  layers: readonly ConnectionLayer[],
  env: NodeJS.ProcessEnv = process.env,
): ConnectionSettings {
  const settings: ConnectionSettings = {};
  for (const def of CONNECTION_OPTIONS) {
    let found: { raw: unknown; source: Source } | undefined;
    for (const layer of layers) {
      const raw = layer.values[def.key];
      if (raw !== undefined) found = { raw, source: layer.source };
    }
    if (found) {
      settings[def.key] = def.parse(found.raw, { field: fieldName(def.flag, def.key, found.source) });
      continue;
    }
    const variable = def.env?.find((v) => env[v] !== undefined && env[v]!.trim() !== '');
    if (variable) def.parse(env[variable], { field: variable });
  }
  return settings;
}

/** `--config ''`, `--out ''` and the like: an empty path is never what was meant. */
export function nonEmptyPath(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') {
    throw new UsageError(`${flag}: the value is empty; expected a file name, or leave ${flag} out.`, {
      field: flag,
    });
  }
  return value;
}
