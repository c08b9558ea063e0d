// The installer's answers travel with the stacks they produced: each rendered stack carries them in its
// template Metadata, so a re-run (from any machine) offers the deployed values as defaults and an update is
// a run of the same command. The original read them back from stack parameters, which most answers are not.
import { type CfnTemplate, dumpCfnYaml, parseCfnYaml } from '../cfn-yaml.js';
import { optionsToConfig, type RawOptions, type SecnotifyOptions } from '../options.js';
import type { RenderedStack } from './infrastructure.js';

export const SETTINGS_METADATA_KEY = 'SecnotifySettings';

/** The answers as config-file values (the same keys `--config` reads), as the option registry writes them. */
export function settingsOf(options: SecnotifyOptions): RawOptions {
  const { stackNames: _stackNames, ...settings } = optionsToConfig(options);
  return settings as RawOptions;
}

/** Adds the answers to a rendered stack's template Metadata (and its YAML body). */
export function withSettings(stack: RenderedStack, options: SecnotifyOptions): RenderedStack {
  const template: CfnTemplate = structuredClone(stack.template);
  template.Metadata = { ...(template.Metadata ?? {}), [SETTINGS_METADATA_KEY]: settingsOf(options) };
  return { ...stack, template, body: dumpCfnYaml(template) };
}

/** The answers stored in a deployed template body, if it has them. */
export function settingsFromTemplate(body: string): RawOptions | undefined {
  let template: CfnTemplate;
  try {
    template = parseCfnYaml(body);
  } catch {
    // Deployed templates come back as JSON or YAML; a template we cannot read simply offers no defaults.
    return undefined;
  }
  const stored = template.Metadata?.[SETTINGS_METADATA_KEY];
  return stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as RawOptions) : undefined;
}
