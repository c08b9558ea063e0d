// Saved configuration files (JSON or YAML): the same keys as the option registry's config keys plus the
// connection keys. Unknown keys are errors, so that a typo never silently falls back to a default.
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { UsageError } from './errors.js';
import { assertNesting, CONFIG_MAX_BYTES, isTooDeep, readInputFileSync, tooDeep } from './input-file.js';
import {
  type ConnectionKey,
  type ConnectionSettings,
  connectionKeys,
  OPTIONS,
  type OptionKey,
  optionsToConfig,
  type RawOptions,
  type SecnotifyOptions,
  type SourcedRaw,
} from './options.js';

export { type ConnectionKey, connectionKeys };

/** The file read when no --config is given and it exists in the current folder (like samconfig.toml). */
export const DEFAULT_CONFIG_FILE = 'secnotify.yaml';

export interface LoadedConfig {
  file: string;
  options: SourcedRaw;
  /** Connection values as the file holds them; validated with the flags (resolveConnection). */
  connection: Partial<Record<ConnectionKey, unknown>>;
}

/** A regular file, size-limited, UTF-8 (see input-file.ts): `/dev/zero` or a FIFO never hangs the read. */
function readConfigText(file: string): string {
  return readInputFileSync(file, { field: '--config', maxBytes: CONFIG_MAX_BYTES });
}

/** Reads and parses a config file; `shownAs` is how messages name it (default: the path given). */
export function loadConfigFile(file: string, shownAs: string = file): LoadedConfig {
  return parseConfigText(readConfigText(file), shownAs);
}

/** The options and connection values a config file's text holds, every key checked against the registry. */
export function parseConfigText(text: string, file: string): LoadedConfig {
  const json = /\.json$/i.test(file);
  let data: unknown;
  try {
    data = json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    if (isTooDeep(error)) throw tooDeep('--config', file);
    throw new UsageError(
      `--config: ${file} is not valid ${json ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
      { field: '--config' },
    );
  }
  assertNesting(data, '--config', file);
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`--config: ${file} must hold a mapping of option names to values.`, {
      field: '--config',
    });
  }
  const byConfigKey = new Map<string, OptionKey>(OPTIONS.map((d) => [d.configKey, d.key]));
  const values: RawOptions = {};
  const connection: Partial<Record<ConnectionKey, unknown>> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const option = byConfigKey.get(key);
    if (option) {
      values[option] = value;
    } else if ((connectionKeys as readonly string[]).includes(key)) {
      connection[key as ConnectionKey] = value;
    } else {
      const accepted = [...byConfigKey.keys(), ...connectionKeys].join(', ');
      throw new UsageError(`${key.slice(0, 100)} (in ${file}): unknown key; accepted keys are ${accepted}.`, {
        field: `${key.slice(0, 100)} (in ${file})`,
      });
    }
  }
  const sources = Object.fromEntries(Object.keys(values).map((k) => [k, { kind: 'config' as const, file }]));
  return { file, options: { values, sources }, connection };
}

/** The YAML a `--save-config` writes: the answers, in the same keys `--config` reads. */
export function configToYaml(options: SecnotifyOptions, connection: ConnectionSettings = {}): string {
  const doc: Record<string, unknown> = { ...connection, ...optionsToConfig(options) };
  return `# secnotify configuration: read from ./${DEFAULT_CONFIG_FILE} or --config FILE; flags given on the command line win.\n${stringifyYaml(doc)}`;
}
