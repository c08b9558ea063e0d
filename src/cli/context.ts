// What every command receives: the IO host, the global options, whether to use colour (decided once, at
// the entry), an abort signal wired to Ctrl-C, and helpers to turn flags + config file into validated
// options before any AWS client exists.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsContext } from '../aws/clients.js';
import { DEFAULT_CONFIG_FILE, type LoadedConfig, loadConfigFile } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import type { IoHost } from '../core/io.js';
import { MSG } from '../core/messages.js';
import {
  type ConnectionLayer,
  type ConnectionSettings,
  nonEmptyPath,
  OPTIONS,
  type RawOptions,
  resolveConnection,
  resolveOptions,
  type SecnotifyOptions,
  type SourcedRaw,
  type StackNames,
} from '../core/options.js';
import type { InstallerFlags } from './command-options.js';

export interface GlobalOptions {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  managementProfile?: string;
  config?: string;
  yes: boolean;
  json: boolean;
  /** False with --no-color. Commands read CommandContext.color, which also weighs NO_COLOR and the terminal. */
  color: boolean;
  debug: boolean;
  /** `--poll-interval` (or SECNOTIFY_POLL_MS): milliseconds between polls; each wait's default otherwise. */
  pollInterval?: number;
}

export interface CommandContext {
  io: IoHost;
  globals: GlobalOptions;
  /** Whether output may be coloured: decided once by decideColor. */
  color: boolean;
  /** Aborted on the first Ctrl-C; long operations stop at their next safe point. */
  signal: AbortSignal;
}

/**
 * Colour, decided once for the whole run: off with --no-color, --json, or a non-empty NO_COLOR (which wins
 * over FORCE_COLOR, as no-color.org asks); on with FORCE_COLOR; otherwise on when stderr is a terminal.
 */
export function decideColor(
  globals: Pick<GlobalOptions, 'color' | 'json'>,
  env: NodeJS.ProcessEnv = process.env,
  stderrIsTTY: boolean = Boolean(process.stderr.isTTY),
): boolean {
  if (globals.color === false || globals.json) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stderrIsTTY;
}

/** The installer options that commander parsed for a command (undefined when not given). */
export function flagLayer(flags: InstallerFlags): SourcedRaw {
  const values: RawOptions = {};
  for (const def of OPTIONS) {
    const v = flags[def.key];
    if (v !== undefined) values[def.key] = v;
  }
  return {
    values,
    sources: Object.fromEntries(Object.keys(values).map((k) => [k, { kind: 'flag' as const }])),
  };
}

export interface GatheredOptions {
  options: SecnotifyOptions;
  /** Connection settings, validated: flags win over the config file. */
  connection: ConnectionSettings;
  /** The layers, for commands that merge in deployed values before re-resolving. */
  layers: { config?: SourcedRaw; flags: SourcedRaw };
  /** The config file read (given with --config, or ./secnotify.yaml found in the current folder). */
  configFile?: string;
}

/** The config file to read: --config, else ./secnotify.yaml when the current folder has one. */
export function configFileToRead(
  ctx: Pick<CommandContext, 'globals' | 'io'>,
  cwd: string = process.cwd(),
): LoadedConfig | undefined {
  const given = nonEmptyPath('--config', ctx.globals.config);
  if (given !== undefined) return loadConfigFile(given);
  const local = join(cwd, DEFAULT_CONFIG_FILE);
  if (!existsSync(local) || !statSync(local).isFile()) return undefined;
  ctx.io.notify({
    level: 'info',
    code: MSG.CONFIG_DEFAULT.code,
    text: `Reading options from ./${DEFAULT_CONFIG_FILE} in the current folder (--config FILE reads another file; flags win over it).`,
  });
  const loaded = loadConfigFile(local, DEFAULT_CONFIG_FILE);
  // A file that merely sits in the current folder (a cloned repository, say) must not send signed AWS
  // requests, session token included, to an endpoint of its choosing without being asked to.
  if (loaded.connection.endpointUrl !== undefined && ctx.globals.endpointUrl === undefined) {
    const field = `endpointUrl (in ${DEFAULT_CONFIG_FILE})`;
    throw new UsageError(
      `${field}: a config file read by default may not redirect AWS requests; pass --config ${DEFAULT_CONFIG_FILE} to use this file as it is, or --endpoint-url.`,
      { field },
    );
  }
  return loaded;
}

/**
 * Config file (given, or ./secnotify.yaml) < flags, for the installer options and the connection; every
 * value is validated and an error names the flag, config key or environment variable it came from.
 */
export function gatherOptions(
  ctx: Pick<CommandContext, 'globals' | 'io'>,
  flags: InstallerFlags & { managementRoleArn?: string },
  extra: SourcedRaw[] = [],
): GatheredOptions {
  const loaded = configFileToRead(ctx);
  const flagOptions = flagLayer(flags);
  const g = ctx.globals;
  const connectionLayers: ConnectionLayer[] = [
    ...(loaded
      ? [{ values: loaded.connection, source: { kind: 'config' as const, file: loaded.file } }]
      : []),
    {
      values: {
        profile: g.profile,
        region: g.region,
        endpointUrl: g.endpointUrl,
        managementProfile: g.managementProfile,
        managementRoleArn: flags.managementRoleArn,
      },
      source: { kind: 'flag' },
    },
  ];
  const layers = [...extra, ...(loaded ? [loaded.options] : []), flagOptions];
  return {
    options: resolveOptions(...layers),
    connection: resolveConnection(connectionLayers),
    layers: { ...(loaded ? { config: loaded.options } : {}), flags: flagOptions },
    ...(loaded ? { configFile: loaded.file } : {}),
  };
}

/**
 * The settings stored with the deployed stacks, as the lowest layer of options (what the installation was
 * made with). `tolerant` turns a failed read into a warning (for looking and cleaning up).
 */
export async function deployedLayer(
  hub: AwsContext,
  names: StackNames,
  io: IoHost,
  how: { tolerant: boolean },
): Promise<SourcedRaw | undefined> {
  const { deployedSettings } = await import('../aws/deployed-settings.js');
  try {
    const found = await deployedSettings(await hub.cloudformation(), [names.portfolio, names.bucket]);
    if (!found) return undefined;
    return {
      values: found.values,
      sources: Object.fromEntries(
        Object.keys(found.values).map((k) => [k, { kind: 'deployed' as const, stack: found.stackName }]),
      ),
    };
  } catch (error) {
    if (!how.tolerant) throw error;
    io.notify({
      level: 'warn',
      code: MSG.DEPLOYED_SETTINGS_UNREADABLE.code,
      text: `Could not read the deployed settings (${error instanceof Error ? error.message : String(error)}); using flags, config and defaults.`,
    });
    return undefined;
  }
}

/** The stack a deployed layer came from, for the notice that says its values are the defaults. */
export function deployedStackOf(layer: SourcedRaw | undefined): string | undefined {
  const source = layer ? Object.values(layer.sources)[0] : undefined;
  return source?.kind === 'deployed' ? source.stack : undefined;
}
