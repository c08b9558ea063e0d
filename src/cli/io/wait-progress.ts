// Poll progress (aws/poll.ts) as messages: "Waiting for <what> (<state>, <elapsed>)" with the payload.
import { formatElapsed, type PollProgress } from '../../aws/poll.js';
import type { IoHost } from '../../core/io.js';
import type { MessageCode, MessageSpec, WaitProgress } from '../../core/messages.js';

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
