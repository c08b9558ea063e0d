// The one way the tool waits for AWS: check, sleep, check again, until done, a timeout, or Ctrl-C. Used by
// stack, StackSet, portfolio-share and organization-access waits. Whatever the wait is doing when the
// signal aborts (sleeping, or inside an SDK call), the rejection is always an AbortError (exit 130).
import { AbortError, OperationError } from '../core/errors.js';

export interface PollProgress {
  /** What is awaited, e.g. `the portfolio share with the organization o-abc`. */
  description: string;
  /** Since the wait started. */
  elapsedMs: number;
  /** Checks made so far (1 after the first). */
  attempt: number;
  /** The last state the check reported (e.g. IN_PROGRESS). */
  state?: string;
}

export interface PollOptions {
  description: string;
  /** Between checks. */
  intervalMs: number;
  /** Give up after this long with an OperationError (the work goes on in AWS); no limit when undefined. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called after each check that did not finish the wait. */
  onProgress?: (progress: PollProgress) => void;
  /** The error on timeout; default "Stopped waiting for <description> after <time> (still <state>)". */
  timeoutError?: (last: PollProgress) => Error;
  /** The error on abort; default "Interrupted while waiting for <description>; the work goes on in AWS". */
  abortError?: () => AbortError;
}

export type PollCheck<T> = { done: true; value: T } | { done: false; state?: string };

/** `4 min 05 s`, `12 s`. */
export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

function defaultAbortError(description: string): AbortError {
  return new AbortError(`Interrupted while waiting for ${description}; the work goes on in AWS.`, {
    hint: 'Run the same command again: it waits where it stopped.',
  });
}

/** Sleeps `ms`; an abort (before or during) rejects with the AbortError from `abortError`. */
export async function pollDelay(
  ms: number,
  signal: AbortSignal | undefined,
  abortError: () => AbortError,
): Promise<void> {
  if (signal?.aborted) throw abortError();
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `check` until it reports done, then resolves with its value. The check receives the signal to pass
 * to SDK calls; any error it throws after the signal aborted becomes the AbortError.
 */
export async function poll<T>(
  check: (signal: AbortSignal | undefined) => Promise<PollCheck<T>>,
  options: PollOptions,
): Promise<T> {
  const { signal, description } = options;
  const abortError = options.abortError ?? (() => defaultAbortError(description));
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortError();
    let seen: PollCheck<T>;
    try {
      seen = await check(signal);
    } catch (error) {
      if (signal?.aborted) throw abortError();
      throw error;
    }
    if (seen.done) return seen.value;
    const progress: PollProgress = {
      description,
      elapsedMs: Date.now() - started,
      attempt,
      ...(seen.state !== undefined ? { state: seen.state } : {}),
    };
    options.onProgress?.(progress);
    if (options.timeoutMs !== undefined && progress.elapsedMs >= options.timeoutMs) {
      throw (
        options.timeoutError?.(progress) ??
        new OperationError(
          `Stopped waiting for ${description} after ${formatElapsed(progress.elapsedMs)}${seen.state ? ` (still ${seen.state})` : ''}.`,
          { hint: 'The work goes on in AWS; run the same command again later.' },
        )
      );
    }
    await pollDelay(options.intervalMs, signal, abortError);
  }
}
