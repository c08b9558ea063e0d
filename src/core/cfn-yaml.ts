// CloudFormation YAML through the `yaml` library: short-form intrinsic tags (!Ref, !Sub, !GetAtt, …)
// load into their long JSON form ({"Fn::Sub": …}), which is what the renderer edits and what it writes
// back (long form is valid YAML for CloudFormation, with no custom tags to get wrong).
import { parse, stringify, type Tags } from 'yaml';

const INTRINSICS = [
  'Ref',
  'Condition',
  'Sub',
  'GetAtt',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Join',
  'Select',
  'Split',
  'FindInMap',
  'Base64',
  'Cidr',
  'ImportValue',
  'GetAZs',
  'Transform',
  'ToJsonString',
  'Length',
] as const;

const longName = (name: string) => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`);

function scalarValue(name: string, value: string): unknown {
  // !GetAtt Resource.Attribute → ["Resource", "Attribute"] (the attribute may itself contain dots).
  if (name === 'GetAtt') {
    const dot = value.indexOf('.');
    return dot > 0 ? [value.slice(0, dot), value.slice(dot + 1)] : value;
  }
  return value;
}

const cfnTags: Tags = INTRINSICS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => ({ [longName(name)]: scalarValue(name, value) }) },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (seq: { toJSON(): unknown }) => ({ [longName(name)]: seq.toJSON() }),
  },
  {
    tag: `!${name}`,
    collection: 'map' as const,
    resolve: (map: { toJSON(): unknown }) => ({ [longName(name)]: map.toJSON() }),
  },
]) as unknown as Tags;

export type CfnTemplate = Record<string, unknown> & {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown }>;
  Outputs?: Record<string, Record<string, unknown>>;
};

export function parseCfnYaml(text: string): CfnTemplate {
  const doc = parse(text, { customTags: cfnTags, version: '1.1', uniqueKeys: true });
  if (!doc || typeof doc !== 'object' || !('Resources' in doc)) {
    throw new Error('not a CloudFormation template: no Resources section');
  }
  return doc as CfnTemplate;
}

/** YAML 1.1 output so that strings such as "yes", "no", "on" stay quoted for CloudFormation's parser. */
export function dumpCfnYaml(template: unknown): string {
  return stringify(template, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}
