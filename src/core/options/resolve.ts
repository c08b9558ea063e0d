// Merging the layers of raw options (defaults < deployed < config < flags < answers) and validating the
// result, option by option in registry order, then the combinations that cannot mean what the user wants.
import { UsageError } from '../errors.js';
import type { OptionKey, RawOptions, SecnotifyOptions, Source, SourcedRaw } from './model.js';
import { defaultOptions, OPTIONS, type OptionDef } from './registry.js';
import { fieldName } from './values.js';

/** The merged raw values, each with the source it came from. */
export interface MergedRaw {
  values: RawOptions;
  sources: Partial<Record<OptionKey, Source>>;
}

export function mergeLayers(layers: readonly SourcedRaw[]): MergedRaw {
  const values: RawOptions = {};
  const sources: Partial<Record<OptionKey, Source>> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer.values) as [OptionKey, unknown][]) {
      if (v === undefined) continue;
      values[k] = v;
      sources[k] = layer.sources[k] ?? { kind: 'flag' };
    }
  }
  return { values, sources };
}

/** The name of an option's value in messages, after where it came from. */
export function optionField(def: OptionDef, source: Source | undefined): string {
  return fieldName(def.flag ?? `--config ${def.configKey}`, def.configKey, source);
}

function conflict(message: string, field: string): never {
  throw new UsageError(message, { field });
}

/**
 * Merges the layers (later wins: defaults < deployed < config < flags) and validates the result.
 * `layers` are applied in the order given; each value keeps the source it came from.
 */
export function resolveOptions(...layers: SourcedRaw[]): SecnotifyOptions {
  const { values, sources } = mergeLayers(layers);
  const o = structuredClone(defaultOptions) as SecnotifyOptions;
  const given = (k: OptionKey) => values[k] !== undefined;
  const field = (k: OptionKey) => optionField(OPTIONS.find((d) => d.key === k)!, sources[k]);

  for (const def of OPTIONS) {
    const target = o as unknown as Record<OptionKey, unknown>;
    if (given(def.key)) {
      target[def.key] = def.parse(values[def.key], { field: field(def.key), current: o });
    } else if (def.defaultFrom) {
      target[def.key] = def.defaultFrom(o);
    }
  }

  // Combinations that cannot mean what the user wants. Values stored with the deployed stacks are
  // defaults, not requests, so only what the user said now is refused.
  const explicit = (k: OptionKey) => given(k) && sources[k]?.kind !== 'deployed';
  if (o.formatter === 'eventbridge') {
    if (explicit('timezone') && o.timezone !== 'UTC') {
      conflict(
        `${field('timezone')}: time zones apply to the Lambda formatter only; with --formatter eventbridge emails show UTC. Drop the time zone or use --formatter lambda.`,
        field('timezone'),
      );
    }
    if (explicit('idcSubdomain') && o.idcSubdomain !== undefined) {
      conflict(
        `${field('idcSubdomain')}: sign-in deep links need the Lambda formatter; --formatter eventbridge sends no link. Drop it or use --formatter lambda.`,
        field('idcSubdomain'),
      );
    }
    if (explicit('skipRepeatedFindings') && o.skipRepeatedFindings) {
      conflict(
        `${field('skipRepeatedFindings')}: skipping repeated findings needs the Lambda formatter; --formatter eventbridge cannot deduplicate.`,
        field('skipRepeatedFindings'),
      );
    }
    o.skipRepeatedFindings = false;
    o.timezone = 'UTC';
    o.idcSubdomain = undefined;
  }
  if (o.principalType === 'iam-role') {
    if (explicit('idcSubdomain') && o.idcSubdomain !== undefined) {
      conflict(
        `${field('idcSubdomain')}: applies to --principal-type identity-center only, not iam-role.`,
        field('idcSubdomain'),
      );
    }
    if (explicit('idcRegion')) {
      conflict(
        `${field('idcRegion')}: applies to --principal-type identity-center only, not iam-role.`,
        field('idcRegion'),
      );
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
