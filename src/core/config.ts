// Loads a saved configuration file (JSON or YAML) into raw options; unknown keys are errors so that a
// typo never silently falls back to a default.
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { UsageError } from './errors.js';
import { assertNesting, CONFIG_MAX_BYTES, isTooDeep, readInputFileSync, tooDeep } from './input-file.js';
import { optionSpecs, type RawOptions, type SecnotifyOptions, type SourcedRaw } from './options.js';
import { settingsOf } from './render/settings.js';

/** Keys of the config file beyond the installer's questions: where to act. */
export const connectionKeys = [
  'profile',
  'region',
  'managementProfile',
  'managementRoleArn',
  'endpointUrl',
] as const;
export type ConnectionKey = (typeof connectionKeys)[number];

export interface LoadedConfig {
  options: SourcedRaw;
  connection: Partial<Record<ConnectionKey, string>>;
}

export function loadConfigFile(file: string): LoadedConfig {
  // A regular file, size-limited, UTF-8 (see input-file.ts); nesting is checked after parsing.
  const text = readInputFileSync(file, { field: '--config', maxBytes: CONFIG_MAX_BYTES });
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    if (isTooDeep(error)) throw tooDeep('--config', file);
    throw new UsageError(
      `--config: ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
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
  const optionKeys = optionSpecs.map((s) => s.key as string);
  const values: RawOptions = {};
  const connection: Partial<Record<ConnectionKey, string>> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (optionKeys.includes(key)) {
      (values as Record<string, unknown>)[key] = value;
    } else if ((connectionKeys as readonly string[]).includes(key)) {
      if (typeof value !== 'string') {
        throw new UsageError(`${key} (in ${file}): expected a string.`, { field: `${key} (in ${file})` });
      }
      connection[key as ConnectionKey] = value;
    } else {
      throw new UsageError(
        `${key} (in ${file}): unknown key; accepted keys are ${[...optionKeys, ...connectionKeys].join(', ')}.`,
        { field: `${key} (in ${file})` },
      );
    }
  }
  const sources = Object.fromEntries(Object.keys(values).map((k) => [k, { kind: 'config', file }]));
  return { options: { values, sources }, connection };
}

/** The YAML a `--save-config` writes: the answers, in the same keys `--config` reads. */
export function configToYaml(
  options: SecnotifyOptions,
  connection: Partial<Record<ConnectionKey, string>> = {},
): string {
  const doc: Record<string, unknown> = {
    ...connection,
    ...settingsOf(options),
    stackNames: options.stackNames,
  };
  return `# secnotify configuration: pass with --config; flags given on the command line win.\n${stringifyYaml(doc)}`;
}
