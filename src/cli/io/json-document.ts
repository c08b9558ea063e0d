// The one JSON document `--json` prints on stdout, on success and on failure alike, so a script can always
// `JSON.parse` stdout and branch on `ok`:
//   success: { "ok": true, ...the command's result }
//   failure: { "ok": false, ...the result printed before the failure (status, doctor), "error": { message,
//             exitCode, code, hint?, field?, failedResources? }, "completedSteps": [...] }

import { DeploymentError, ExitCode, SecnotifyError, UsageError } from '../../core/errors.js';
import { spellCommands } from './command-name.js';

export interface JsonError {
  message: string;
  /** The process exit code (1 failure, 2 bad usage, 130 interrupted, …). */
  exitCode: number;
  /** A stable name for the kind of error, e.g. `UsageError`, `commander.unknownOption`. */
  code: string;
  hint?: string;
  /** The flag, config key or variable a usage error is about. */
  field?: string;
  failedResources?: unknown[];
}

/** The steps that finished before a failure, when the step engine attached them to the error. */
export function completedStepsOf(error: unknown): string[] {
  const steps = (error as { completedSteps?: unknown } | null)?.completedSteps;
  return Array.isArray(steps) ? steps.filter((s): s is string => typeof s === 'string') : [];
}

export function jsonError(error: unknown): JsonError {
  if (error instanceof SecnotifyError) {
    return {
      message: spellCommands(error.message),
      exitCode: error.exitCode,
      code: error.constructor.name,
      ...(error.hint ? { hint: spellCommands(error.hint) } : {}),
      ...(error instanceof UsageError && error.field ? { field: error.field } : {}),
      ...(error instanceof DeploymentError && error.failedResources.length > 0
        ? { failedResources: error.failedResources }
        : {}),
    };
  }
  const commander = error as { code?: unknown; exitCode?: unknown; message?: unknown } | null;
  if (typeof commander?.code === 'string' && commander.code.startsWith('commander.')) {
    return {
      message: String(commander.message ?? '').replace(/^error: /, ''),
      exitCode: ExitCode.Usage,
      code: commander.code,
    };
  }
  return {
    message: `Unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    exitCode: ExitCode.Failure,
    code: 'UnexpectedError',
    hint: 'Run again with --debug for details.',
  };
}

function spreadable(data: unknown): Record<string, unknown> {
  if (data === undefined) return {};
  if (data !== null && typeof data === 'object' && !Array.isArray(data))
    return data as Record<string, unknown>;
  return { result: data };
}

export function successDocument(data: unknown): Record<string, unknown> {
  return { ...spreadable(data), ok: true };
}

/** The failure document; `data` is a result the command printed before it failed (status, doctor). */
export function failureDocument(error: unknown, data?: unknown): Record<string, unknown> {
  return { ...spreadable(data), ok: false, error: jsonError(error), completedSteps: completedStepsOf(error) };
}
