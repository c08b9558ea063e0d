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
 * Fills an InputTemplate. Outside quotes every value goes in as JSON; inside a quoted string `inString` says
 * how a value is written (the text and JSON forms differ, see below). A variable whose path is not in the
 * event is never created, so its placeholder leaves nothing inside a string and `null` outside one.
 */
function fillInputTemplate(
  transformer: InputTransformer,
  event: unknown,
  inString: (value: unknown) => string,
): string {
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(transformer.InputPathsMap))
    values.set(name, resolveInputPath(event, path));
  const template = transformer.InputTemplate;
  let out = '';
  let quoted = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === '\\' && quoted) {
      out += ch + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === '<') {
      const end = template.indexOf('>', i);
      const name = end > i ? template.slice(i + 1, end) : '';
      if (values.has(name)) {
        const value = values.get(name);
        if (value === MISSING) out += quoted ? '' : 'null';
        else out += quoted ? inString(value) : JSON.stringify(value);
        i = end;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

/**
 * A text template (the e-mail in eventbridge mode): inside a quoted string a string value goes in as is
 * (EventBridge does not escape extracted values) and any other value as minified JSON.
 */
export function applyInputTransformer(transformer: InputTransformer, event: unknown): string {
  return fillInputTemplate(transformer, event, (value) =>
    typeof value === 'string' ? value : JSON.stringify(value),
  );
}

/**
 * A JSON template (the chat message in eventbridge mode), applied the way EventBridge documents it for JSON
 * output ("EventBridge replaces input transformers at runtime to ensure a valid JSON output", Amazon
 * EventBridge User Guide, input transformation): a value placed inside quotes is escaped as a JSON string.
 */
export function applyJsonTransformer(transformer: InputTransformer, event: unknown): string {
  return fillInputTemplate(transformer, event, (value) =>
    JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value)).slice(1, -1),
  );
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
