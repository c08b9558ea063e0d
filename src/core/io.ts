// The seam between logic and terminal: core and commands talk to an IoHost, never to the console.
// Hosts: interactive (TTY), plain (CI / pipes) and JSON (one document on stdout); tests use
// test/support/io-host.ts. Codes and payload types are declared once in messages.ts.
import type { MessageCode, RequestCodeOf } from './messages.js';

export type MessageLevel = 'debug' | 'info' | 'warn' | 'error' | 'success';

export interface IoMessage {
  level: MessageLevel;
  /** Stable identifier tests assert on, declared in messages.ts (build messages with `MSG.X.msg(text)`). */
  code: MessageCode;
  text: string;
  /** The payload declared for the code; a `step` field scopes the message to a step. */
  data?: unknown;
}

interface RequestBase<T, K extends 'confirm' | 'input' | 'select'> {
  kind: K;
  code: RequestCodeOf<K>;
  message: string;
  /** What a non-interactive run with `--yes` answers. */
  defaultResponse: T;
  /** The flag that answers this request without a prompt, named in the error when no TTY is attached. */
  flag?: string;
}

export interface ConfirmRequest extends RequestBase<boolean, 'confirm'> {}
export interface InputRequest extends RequestBase<string, 'input'> {
  /** Returns an error message, or undefined when the value is acceptable. */
  validate?: (value: string) => string | undefined;
}
export interface SelectRequest extends RequestBase<string, 'select'> {
  choices: { value: string; name: string; description?: string }[];
}
export type IoRequest = ConfirmRequest | InputRequest | SelectRequest;
export type IoResponse<R extends IoRequest> = R['defaultResponse'];

/** A live progress line (spinner on a TTY, nothing or plain lines elsewhere). */
export interface Activity {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

export interface IoHost {
  notify(message: IoMessage): void;
  requestResponse<R extends IoRequest>(request: R): Promise<IoResponse<R>>;
  /** Starts a live activity; non-TTY hosts print its start and end as lines. */
  activity(text: string): Activity;
  /** Records the command's result: printed as text, or as the one JSON document with --json. */
  result(data: unknown, text: string): void;
  readonly interactive: boolean;
  /** Whether output is coloured: decided once, by the host (flag, NO_COLOR/FORCE_COLOR, TTY, --json). */
  readonly color: boolean;
}
