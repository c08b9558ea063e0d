// What a subscriber's launch makes of the product template, for tests: moto's CloudFormation cannot deploy
// the template's string event pattern, so the intrinsic functions the template uses are evaluated here as
// CloudFormation would at launch (pseudo parameters such as AWS::AccountId are given like launch parameters).
// For moto's matcher, arrayForm spells events out in a form it can see; Event Ruler (support/eventruler.ts)
// takes them as they are.
import type { CfnTemplate } from '../../src/core/cfn-yaml.js';

/** Evaluates the intrinsic functions the product template uses, with the launch parameters given. */
export function evaluate(node: unknown, t: CfnTemplate, params: Record<string, unknown>): unknown {
  const ev = (n: unknown) => evaluate(n, t, params);
  if (Array.isArray(node)) return node.map(ev);
  if (node === null || typeof node !== 'object') return node;
  const [key, arg] = Object.entries(node)[0] ?? [];
  switch (key) {
    case 'Ref':
      if (!((arg as string) in params)) throw new Error(`no value for Ref ${String(arg)}`);
      return params[arg as string];
    case 'Condition':
      return condition(arg as string, t, params);
    case 'Fn::If': {
      const [name, a, b] = arg as [string, unknown, unknown];
      return condition(name, t, params) ? ev(a) : ev(b);
    }
    case 'Fn::Equals': {
      const [a, b] = (arg as unknown[]).map(ev);
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !ev((arg as unknown[])[0]);
    case 'Fn::And':
      return (arg as unknown[]).every((c) => ev(c));
    case 'Fn::Or':
      return (arg as unknown[]).some((c) => ev(c));
    case 'Fn::Join': {
      const [sep, list] = arg as [string, unknown];
      return (ev(list) as string[]).join(sep);
    }
    case 'Fn::Split': {
      const [sep, s] = arg as [string, unknown];
      const text = ev(s);
      if (typeof text !== 'string') throw new Error(`Fn::Split of a ${typeof text}, not a string`);
      return text.split(sep);
    }
    case 'Fn::Select': {
      const [i, list] = arg as [number, unknown];
      const items = ev(list) as unknown[];
      if (i >= items.length) throw new Error('Fn::Select index out of range');
      return items[i];
    }
    case 'Fn::FindInMap': {
      const [m, k1, k2] = (arg as unknown[]).map(ev) as string[];
      return (t.Mappings as Record<string, Record<string, Record<string, unknown>>>)[m!]![k1!]![k2!];
    }
    case 'Fn::Sub': {
      const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
      const scope: Record<string, unknown> = { ...params };
      for (const [k, v] of Object.entries(vars)) scope[k] = ev(v);
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (!(name in scope)) throw new Error(`Fn::Sub has no value for ${name}`);
        return String(scope[name]);
      });
    }
    default:
      if (key?.startsWith('Fn::')) throw new Error(`the evaluator does not know ${key}`);
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, ev(v)]));
  }
}

export function condition(name: string, t: CfnTemplate, params: Record<string, unknown>): boolean {
  const c = t.Conditions?.[name];
  if (c === undefined) throw new Error(`no condition ${name}`);
  return evaluate(c, t, params) as boolean;
}

/**
 * EventBridge's view of arrays, spelled out for moto: moto's matcher does not look inside arrays of objects
 * (detail.findings[]), while EventBridge matches a field against every value under its path across arrays,
 * so each leaf path is given the list of those values.
 */
export function arrayForm(node: unknown): unknown {
  const out: Record<string, unknown> = {};
  const walk = (n: unknown, path: string[]) => {
    if (Array.isArray(n)) {
      for (const item of n) walk(item, path);
    } else if (n !== null && typeof n === 'object' && Object.keys(n).length > 0) {
      for (const [k, v] of Object.entries(n)) walk(v, [...path, k]);
    } else {
      let o = out;
      for (const p of path.slice(0, -1)) {
        o[p] ??= {};
        o = o[p] as Record<string, unknown>;
      }
      const last = path.at(-1)!;
      o[last] = [...((o[last] as unknown[]) ?? []), n];
    }
  };
  walk(node, []);
  return out;
}
