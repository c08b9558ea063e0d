// Poll progress (aws/poll.ts) as messages: "Waiting for <what> (<state>, <elapsed>)" with the payload.
import { formatElapsed, type PollProgress } from '../../aws/poll.js';
import type { IoHost } from '../../core/io.js';
import { type MessageCode, type MessageSpec, MSG, type WaitProgress } from '../../core/messages.js';

/** An `onProgress` for a poll helper that notifies `io` with the declared wait message, scoped to a step. */
export function waitProgressTo<C extends MessageCode>(
  io: IoHost,
  spec: MessageSpec<C, WaitProgress>,
  step?: string,
): (progress: PollProgress) => void {
  return (p) =>
    io.notify(
      spec.msg(
        `Waiting for ${p.description} (${[p.state, formatElapsed(p.elapsedMs)].filter(Boolean).join(', ')})`,
        {
          description: p.description,
          elapsedMs: p.elapsedMs,
          ...(p.state ? { state: p.state } : {}),
          ...(step ? { step } : {}),
        },
      ),
    );
}

/**
 * Runs `work` with visible progress and elapsed time, for waits that are not polls (e.g. the uninstall
 * inventory): a spinner "<text> (12 s)" on a terminal; in plain and JSON output the start line, then the
 * host's rate-limited wait lines. Ends with "<done> (elapsed)" or, on failure, stops silently (the error
 * is printed once by the entry).
 */
export async function withElapsed<T>(
  io: IoHost,
  text: string,
  work: () => Promise<T>,
  options: { done?: (value: T) => string; tickMs?: number; now?: () => number } = {},
): Promise<T> {
  const now = options.now ?? Date.now;
  const started = now();
  const activity = io.activity(`${text}…`);
  const tick = () => {
    const elapsedMs = now() - started;
    if (io.interactive) activity.update(`${text}… (${formatElapsed(elapsedMs)})`);
    else
      io.notify(
        MSG.WAIT.msg(`Still ${lowerFirst(text)} (${formatElapsed(elapsedMs)})`, {
          description: text,
          elapsedMs,
        }),
      );
  };
  const timer = setInterval(tick, options.tickMs ?? 1_000);
  timer.unref?.();
  try {
    const value = await work();
    clearInterval(timer);
    const done = options.done?.(value);
    if (done) activity.succeed(`${done} (${formatElapsed(now() - started)})`);
    else activity.stop();
    return value;
  } catch (error) {
    clearInterval(timer);
    activity.stop();
    throw error;
  }
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
