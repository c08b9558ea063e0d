// The installer's questions, derived from the option registry: asked on a TTY only for what flags, the
// config file and the deployed stacks do not already answer, each answer validated by the same parser that
// validates the flag. The registry holds questions as data; this module turns them into IoHost requests.
import { UsageError } from '../../core/errors.js';
import type { IoHost, IoRequest } from '../../core/io.js';
import {
  OPTIONS,
  type OptionDef,
  type OptionKey,
  type QuestionSpec,
  resolveOptions,
  type SecnotifyOptions,
  type SourcedRaw,
} from '../../core/options.js';

export interface Question {
  key: OptionKey;
  flag: string;
  spec: QuestionSpec;
  /** Whether the question applies to the options answered so far. */
  applies(o: SecnotifyOptions): boolean;
}

export const QUESTIONS: Question[] = OPTIONS.flatMap((def: OptionDef) =>
  def.question
    ? [
        {
          key: def.key,
          flag: def.flag ?? def.configKey,
          spec: def.question,
          applies: (o: SecnotifyOptions) => def.question?.applies?.(o) ?? true,
        },
      ]
    : [],
);

/** The current value as the text a prompt offers as its default (a list as a comma list). */
function offered(key: OptionKey, o: SecnotifyOptions, spec: QuestionSpec): string {
  const def = OPTIONS.find((d) => d.key === key)!;
  const raw = def.toConfig(o[key] as never, o);
  const text = Array.isArray(raw) ? raw.join(',') : raw === undefined ? '' : String(raw);
  return spec.emptyAnswer !== undefined && text === spec.emptyAnswer ? '' : text;
}

/** The IoHost request a question becomes, given the answers so far. */
export function requestFor(
  q: Question,
  o: SecnotifyOptions,
  validate: (value: string) => string | undefined,
): IoRequest {
  const message = typeof q.spec.message === 'function' ? q.spec.message(o) : q.spec.message;
  const base = { message, flag: q.flag };
  const spec = q.spec;
  switch (spec.kind) {
    case 'confirm':
      return { ...base, code: spec.code, kind: 'confirm', defaultResponse: Boolean(o[q.key]) };
    case 'select':
      return {
        ...base,
        code: spec.code,
        kind: 'select',
        defaultResponse: String(o[q.key]),
        choices: spec.choices ?? [],
      };
    default:
      return { ...base, code: spec.code, kind: 'input', defaultResponse: offered(q.key, o, spec), validate };
  }
}

/** An empty text answer stands for the question's `emptyAnswer` (e.g. `none`), which is then remembered. */
function recorded(q: Question, value: unknown): unknown {
  return value === '' && q.spec.emptyAnswer !== undefined ? q.spec.emptyAnswer : value;
}

/**
 * Asks what the layers leave open and returns the answers as one more layer. Without a terminal it asks
 * nothing: with --yes the defaults stand; without --yes the run stops naming the open questions' flags.
 */
export async function askOpenQuestions(io: IoHost, layers: SourcedRaw[], yes: boolean): Promise<SourcedRaw> {
  const answered = new Set(
    layers.flatMap((l) => Object.keys(l.values).filter((k) => l.values[k as OptionKey] !== undefined)),
  );
  const answers: SourcedRaw = { values: {}, sources: {} };
  const current = () => resolveOptions(...layers, answers);
  const open = QUESTIONS.filter((q) => !answered.has(q.key) && q.applies(current()));
  if (open.length === 0 || yes) return answers;
  if (!io.interactive) {
    throw new UsageError(
      `No terminal to ask on, and these questions have no answer yet: ${open.map((q) => q.flag).join(', ')}. Pass them as flags (or in --config), or --yes to accept the defaults.`,
      { field: open[0]!.flag },
    );
  }
  for (const q of QUESTIONS) {
    if (answered.has(q.key) || !q.applies(current())) continue;
    const validate = (value: string): string | undefined => {
      try {
        resolveOptions(...layers, answers, {
          values: { [q.key]: recorded(q, value) },
          sources: { [q.key]: { kind: 'answer' } },
        });
        return undefined;
      } catch (error) {
        return error instanceof UsageError ? error.message : String(error);
      }
    };
    const value = recorded(q, await io.requestResponse(requestFor(q, current(), validate)));
    answers.values = { ...answers.values, [q.key]: value };
    answers.sources = { ...answers.sources, [q.key]: { kind: 'answer' } };
  }
  return answers;
}
