// What every command receives: the IO host, the global options, an abort signal wired to Ctrl-C, and
// helpers to turn flags + config file into validated options before any AWS client exists.
import { type ConnectionKey, loadConfigFile } from '../core/config.js';
import type { IoHost } from '../core/io.js';
import {
  optionSpecs,
  type RawOptions,
  resolveOptions,
  type SecnotifyOptions,
  type SourcedRaw,
} from '../core/options.js';

export interface GlobalOptions {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  managementProfile?: string;
  config?: string;
  yes: boolean;
  json: boolean;
  color: boolean;
  debug: boolean;
}

export interface CommandContext {
  io: IoHost;
  globals: GlobalOptions;
  /** Aborted on the first Ctrl-C; long operations stop at their next safe point. */
  signal: AbortSignal;
  /** Where a command option's value came from (`cli`, `default`, `env`, …); unset when run without commander. */
  optionSource?: (key: string) => string | undefined;
}

/** The installer options that commander parsed for a command (undefined when not given). */
export function flagLayer(cmdOpts: Record<string, unknown>): SourcedRaw {
  const values: RawOptions = {};
  for (const spec of optionSpecs) {
    const v = cmdOpts[spec.key];
    if (v !== undefined) (values as Record<string, unknown>)[spec.key] = v;
  }
  return { values, sources: Object.fromEntries(Object.keys(values).map((k) => [k, { kind: 'flag' }])) };
}

export interface GatheredOptions {
  options: SecnotifyOptions;
  /** Connection settings: flags win over the config file. */
  connection: Partial<Record<ConnectionKey, string>>;
  /** The layers, for commands that merge in deployed values before re-resolving. */
  layers: { config?: SourcedRaw; flags: SourcedRaw };
}

/** Config file (if any) < flags; validation errors are UsageErrors naming the field. */
export function gatherOptions(
  globals: GlobalOptions,
  cmdOpts: Record<string, unknown>,
  extra: SourcedRaw[] = [],
): GatheredOptions {
  const loaded = globals.config ? loadConfigFile(globals.config) : undefined;
  const flags = flagLayer(cmdOpts);
  const layers = [...extra, ...(loaded ? [loaded.options] : []), flags];
  const connection: Partial<Record<ConnectionKey, string>> = { ...(loaded?.connection ?? {}) };
  if (globals.profile) connection.profile = globals.profile;
  if (globals.region) connection.region = globals.region;
  if (globals.endpointUrl) connection.endpointUrl = globals.endpointUrl;
  if (globals.managementProfile) connection.managementProfile = globals.managementProfile;
  return { options: resolveOptions(...layers), connection, layers: { config: loaded?.options, flags } };
}

/** SECNOTIFY_POLL_MS: how often stack, share and StackSet waits poll (tests use a short interval). */
export function pollIntervalFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const ms = env.SECNOTIFY_POLL_MS ? Number(env.SECNOTIFY_POLL_MS) : Number.NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
