// What a subscriber receives in eventbridge mode, computed offline for `secnotify preview`: the rendered
// rule target's InputTransformer applied to an event the way EventBridge applies it, then published to SNS
// with no subject of our own.
import type { CfnTemplate } from '../core/cfn-yaml.js';

/** SNS's subject for a message published without one (what EventBridge targets send). */
export const SNS_DEFAULT_SUBJECT = 'AWS Notification Message';

export interface InputTransformer {
  InputPathsMap: Record<string, string>;
  InputTemplate: string;
}

export interface TransformerRule {
  /** Logical ID of the rule in the rendered template. */
  ruleId: string;
  /** The detail-type the rule's pattern names (one per rule in the product template). */
  detailType: string;
  transformer: InputTransformer;
}

const MISSING = Symbol('missing');

/**
 * Resolves the JSONPath subset EventBridge documents for InputPathsMap: `$`, dot notation and array indices
 * (`$.detail.findings[0].Severity.Label`). A path that leads nowhere is MISSING.
 */
export function resolveInputPath(event: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new Error(`input path ${path} does not start with $`);
  const steps = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)];
  if (steps.map((m) => m[0]).join('') !== path.slice(1)) {
    throw new Error(`input path ${path} uses syntax EventBridge does not support here`);
  }
  let node: unknown = event;
  for (const [, key, index] of steps) {
    if (index !== undefined) {
      if (!Array.isArray(node) || Number(index) >= node.length) return MISSING;
      node = node[Number(index)];
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, key!)) {
        return MISSING;
      }
      node = (node as Record<string, unknown>)[key!];
    }
  }
  return node;
}

/**
 * Fills an InputTemplate. Inside a quoted string a string value goes in as is (EventBridge does not escape
 * extracted values) and any other value as minified JSON; outside quotes every value goes in as JSON. A
 * variable whose path is not in the event is never created, so its placeholder leaves nothing inside a string
 * and `null` outside one.
 */
export function applyInputTransformer(transformer: InputTransformer, event: unknown): string {
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(transformer.InputPathsMap))
    values.set(name, resolveInputPath(event, path));
  const template = transformer.InputTemplate;
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === '\\' && inString) {
      out += ch + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    if (ch === '<') {
      const end = template.indexOf('>', i);
      const name = end > i ? template.slice(i + 1, end) : '';
      if (values.has(name)) {
        const value = values.get(name);
        if (value === MISSING) out += inString ? '' : 'null';
        else if (inString && typeof value === 'string') out += value;
        else out += JSON.stringify(value);
        i = end;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

/** The rules of a rendered product template that carry an InputTransformer (eventbridge mode). */
export function transformerRules(rendered: CfnTemplate): TransformerRule[] {
  const rules: TransformerRule[] = [];
  for (const [ruleId, resource] of Object.entries(rendered.Resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const targets = (resource.Properties?.Targets ?? []) as { InputTransformer?: InputTransformer }[];
    const transformer = targets.find((t) => t.InputTransformer)?.InputTransformer;
    if (!transformer) continue;
    const patternText = JSON.stringify(resource.Properties?.EventPattern ?? '');
    const detailType = /detail-type\\*"\s*:\s*\[\\*"([^"\\]+)\\*"\]/.exec(patternText)?.[1];
    if (!detailType) throw new Error(`rule ${ruleId} names no detail-type in its event pattern`);
    rules.push({ ruleId, detailType, transformer });
  }
  return rules;
}

/**
 * The emails a subscriber gets for `event` in eventbridge mode: one per rule whose detail-type is the event's
 * (the subscriber's severity, tag and product filters are not applied here).
 */
export function eventbridgeEmails(
  event: unknown,
  rendered: CfnTemplate,
): { subject: string; message: string }[] {
  const rules = transformerRules(rendered);
  if (rules.length === 0) {
    throw new Error(
      'the rendered product template has no input transformer: render it with --formatter eventbridge.',
    );
  }
  const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
  return rules
    .filter((r) => r.detailType === detailType)
    .map((r) => ({ subject: SNS_DEFAULT_SUBJECT, message: applyInputTransformer(r.transformer, event) }));
}
