// The IO hosts: interactive (TTY: colour, one spinner implementation for activities and the live stack
// view, prompts), plain (CI and pipes: one line per message, prefixed with its step, never a prompt) and JSON
// (one JSON line per message on stderr, one result document on stdout). The host owns the stack-activity
// printer and decides colour once.

import { formatElapsed } from '../../aws/poll.js';
import { UsageError } from '../../core/errors.js';
import type { Activity, IoHost, IoMessage, IoRequest, IoResponse } from '../../core/io.js';
import { isMessage, MSG } from '../../core/messages.js';
import type { StackEvent } from '../../core/stack-activity.js';
import { spellCommands } from './command-name.js';
import { failureDocument, successDocument } from './json-document.js';
import { createPainter, type Painter } from './paint.js';
import { createLinePrinter, createLivePrinter, type StackActivityPrinter } from './stack-progress.js';

export interface HostSettings {
  json: boolean;
  yes: boolean;
  color: boolean;
  debug: boolean;
  interactive: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** The clock that rate-limits progress lines (tests pass a fake one). */
  now?: () => number;
}

/**
 * Progress of a wait (poll progress, buckets being emptied, StackSet instances, share status): shown once a
 * wait has lasted PROGRESS_AFTER_MS, then in plain and JSON output at most one line per wait every
 * PROGRESS_EVERY_MS (CI logs stay short); on a terminal in a spinner. --debug shows every one.
 */
export const PROGRESS_AFTER_MS = 2_000;
export const PROGRESS_EVERY_MS = 5_000;
const PROGRESS_CODES: ReadonlySet<string> = new Set([
  MSG.WAIT.code,
  MSG.SHARE_STATUS.code,
  MSG.UNSHARE_STATUS.code,
  MSG.BUCKET_PROGRESS.code,
  MSG.STACKSET_INSTANCES.code,
  MSG.ORG_ACCESS_STATUS.code,
  MSG.LAUNCH_ROLE_WAIT.code,
]);

function progressOf(message: IoMessage): { key: string; elapsedMs?: number } | undefined {
  if (!PROGRESS_CODES.has(message.code)) return undefined;
  const data = (message.data ?? {}) as { step?: unknown; description?: unknown; elapsedMs?: unknown };
  // Without a description, the text up to its last ": <state>" names the wait (`share org o-abc: IN_PROGRESS`).
  const what = typeof data.description === 'string' ? data.description : message.text.replace(/:[^:]*$/, '');
  return {
    key: `${message.code} ${String(data.step ?? '')} ${what}`,
    ...(typeof data.elapsedMs === 'number' ? { elapsedMs: data.elapsedMs } : {}),
  };
}

/** Whether a person is at the keyboard: TTYs on both ends, and not a CI run. */
export function detectInteractive(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  return Boolean(process.stdin.isTTY && process.stderr.isTTY) && !ci;
}

abstract class BaseHost implements IoHost {
  protected readonly out: NodeJS.WritableStream;
  protected readonly err: NodeJS.WritableStream;
  protected readonly paint: Painter;
  abstract readonly interactive: boolean;
  readonly color: boolean;

  constructor(protected readonly settings: HostSettings) {
    this.out = settings.stdout ?? process.stdout;
    this.err = settings.stderr ?? process.stderr;
    this.color = settings.color;
    this.paint = createPainter(settings.color);
  }

  private printer: StackActivityPrinter | undefined;

  /** The stack-activity printer this host draws with; created on first use. */
  protected createPrinter(): StackActivityPrinter {
    return createLinePrinter({ write: (line) => this.writeLine(line), color: this.color });
  }

  protected writeLine(line: string): void {
    this.err.write(`${line}\n`);
  }

  /** When each wait last printed a progress line, and when it was first reported. */
  private readonly progressShown = new Map<string, number>();
  private readonly progressStarted = new Map<string, number>();

  private now(): number {
    return (this.settings.now ?? Date.now)();
  }

  /**
   * A progress message with its elapsed time: the reporter's, or (when it reports none) the time since this
   * wait was first reported, added to the text.
   */
  protected timedProgress(
    message: IoMessage,
  ): { message: IoMessage; key: string; elapsedMs: number } | undefined {
    const progress = progressOf(message);
    if (!progress) return undefined;
    if (!this.progressStarted.has(progress.key)) this.progressStarted.set(progress.key, this.now());
    if (progress.elapsedMs !== undefined)
      return { message, key: progress.key, elapsedMs: progress.elapsedMs };
    const elapsedMs = this.now() - this.progressStarted.get(progress.key)!;
    return {
      message: { ...message, text: `${message.text} (${formatElapsed(elapsedMs)})` },
      key: progress.key,
      elapsedMs,
    };
  }

  /**
   * The message to show, or undefined: debug messages only with --debug; progress after PROGRESS_AFTER_MS
   * of waiting, then at most every PROGRESS_EVERY_MS per wait (every one with --debug).
   */
  protected shown(message: IoMessage): IoMessage | undefined {
    const timed = this.timedProgress(message);
    if (!timed) return message.level !== 'debug' || this.settings.debug ? message : undefined;
    if (this.settings.debug) return timed.message;
    if (timed.elapsedMs < PROGRESS_AFTER_MS) return undefined;
    const last = this.progressShown.get(timed.key);
    if (last !== undefined && this.now() - last < PROGRESS_EVERY_MS) return undefined;
    this.progressShown.set(timed.key, this.now());
    return timed.message;
  }

  notify(raw: IoMessage): void {
    const due = this.shown(raw);
    if (!due) return;
    const message = { ...due, text: spellCommands(due.text) };
    if (isMessage(message, MSG.STACK_ACTIVITY)) {
      this.printer ??= this.createPrinter();
      this.printer.onEvent(message.data as StackEvent);
      return;
    }
    this.writeLine(stepPrefix(message) + this.paint.message(message.level, message.text));
  }

  /** Removes a live view that is still drawn (the entry calls it before printing an error). */
  close(): void {
    this.printer?.finish();
  }

  async requestResponse<R extends IoRequest>(request: R): Promise<IoResponse<R>> {
    if (this.settings.yes) {
      this.notify(
        MSG.AUTO_CONFIRMED.msg(`${request.message} ${describeDefault(request)} (auto-confirmed)`, {
          request: request.code,
          response: request.defaultResponse,
        }),
      );
      return request.defaultResponse;
    }
    const flag = request.flag ?? '--yes';
    throw new UsageError(
      `${request.message} — an answer is needed but there is no terminal to ask on. Pass ${flag}${flag === '--yes' ? ' to accept' : ''}.`,
      { field: flag },
    );
  }

  activity(text: string): Activity {
    this.notify(MSG.ACTIVITY.msg(text));
    return {
      update: () => {},
      succeed: (t) => t && this.notify(MSG.ACTIVITY_DONE.msg(t)),
      fail: (t) => t && this.notify(MSG.ACTIVITY_FAILED.msg(t)),
      stop: () => {},
    };
  }

  result(_data: unknown, text: string): void {
    if (text) this.out.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** `[step] ` for messages scoped to a step (steps may run side by side). */
function stepPrefix(message: IoMessage): string {
  const data = message.data as { step?: unknown } | undefined;
  return typeof data?.step === 'string' ? `[${data.step}] ` : '';
}

function describeDefault(request: IoRequest): string {
  if (request.kind === 'confirm') return request.defaultResponse ? 'yes' : 'no';
  return JSON.stringify(request.defaultResponse);
}

export class PlainIoHost extends BaseHost {
  readonly interactive = false;
}

export class JsonIoHost extends BaseHost {
  readonly interactive = false;
  private printed = false;
  private data: unknown;
  private written = false;

  /** One JSON line per message on stderr: code, level, text and the typed payload. */
  override notify(raw: IoMessage): void {
    const message = this.shown(raw);
    if (!message) return;
    this.err.write(`${JSON.stringify({ ...message, text: spellCommands(message.text) })}\n`);
  }

  /** Kept until the command ends: the document says whether it succeeded (see json-document.ts). */
  override result(data: unknown): void {
    if (this.printed) throw new Error('JsonIoHost: a command printed two results');
    this.printed = true;
    this.data = data;
  }

  /** Writes the one document on stdout: `{ ok: true, … }`, or `{ ok: false, error, completedSteps }`. */
  writeDocument(error?: unknown): void {
    if (this.written) return;
    this.written = true;
    const doc = error === undefined ? successDocument(this.data) : failureDocument(error, this.data);
    this.out.write(`${JSON.stringify(doc, null, 2)}\n`);
  }
}

export class InteractiveIoHost extends BaseHost {
  readonly interactive = true;
  /** The spinners that are running: paused while a prompt owns the terminal. */
  private readonly spinners = new Set<Spinner>();

  /** The spinner that shows the latest wait progress; ends when anything else is printed. */
  private waiting: Spinner | undefined;

  override notify(message: IoMessage): void {
    const timed = this.settings.debug ? undefined : this.timedProgress(message);
    if (timed) {
      // A running stack view already shows progress; otherwise the wait gets a spinner of its own.
      if (this.live) return;
      const text = stepPrefix(message) + timed.message.text;
      if (this.waiting) this.waiting.update(text);
      else this.waiting = this.activityWithoutLine(text);
      return;
    }
    this.endWaiting();
    super.notify(message);
  }

  private endWaiting(): void {
    this.waiting?.stop();
    this.waiting = undefined;
  }

  override close(): void {
    this.endWaiting();
    super.close();
  }

  override async requestResponse<R extends IoRequest>(request: R): Promise<IoResponse<R>> {
    if (this.settings.yes) return super.requestResponse(request);
    const { ask } = await import('./prompts.js');
    const paused = [...this.spinners];
    for (const s of paused) s.pause();
    try {
      return await ask(request);
    } finally {
      for (const s of paused) s.resume();
    }
  }

  /** The spinner that draws the live stack view; undefined while no stack operation runs. */
  private live: Spinner | undefined;

  // A line printed under a running spinner would be overdrawn by its next frame.
  protected override writeLine(line: string): void {
    const paused = [...this.spinners];
    for (const s of paused) s.pause();
    super.writeLine(line);
    for (const s of paused) s.resume();
  }

  protected override createPrinter(): StackActivityPrinter {
    return createLivePrinter({
      write: (line) => this.writeLine(line),
      color: this.color,
      live: {
        show: (text) => {
          this.endWaiting();
          if (this.live) this.live.update(text);
          else this.live = this.activityWithoutLine(text);
        },
        clear: () => {
          this.live?.stop();
          this.live = undefined;
        },
      },
    });
  }

  override activity(text: string): Activity {
    return this.activityWithoutLine(text);
  }

  private activityWithoutLine(text: string): Spinner {
    const spinner = new Spinner(text, this.err, this.color, () => this.spinners.delete(spinner));
    this.spinners.add(spinner);
    return spinner;
  }
}

type OraSpinner = {
  text: string;
  start(): unknown;
  stop(): unknown;
  succeed(t?: string): unknown;
  fail(t?: string): unknown;
};

/** An ora spinner, loaded lazily (start-up time), that never reads stdin so prompts keep their keys. */
class Spinner implements Activity {
  private spinner: OraSpinner | undefined;
  private readonly ready: Promise<void>;
  private paused = false;
  /** Ended (succeed, fail, stop) before ora had loaded: never start it. */
  private ended = false;
  /** A terminal without a width gets no animation: ora prints a line per start instead. */
  private readonly animated: boolean;

  constructor(
    private text: string,
    stream: NodeJS.WritableStream,
    color: boolean,
    private readonly onEnd: () => void,
  ) {
    // A terminal that reports no width (some pseudo-terminals) makes ora erase lines forever.
    this.animated = (stream as NodeJS.WriteStream).columns > 0;
    this.ready = import('ora').then(({ default: ora }) => {
      this.spinner = ora({
        text: this.text,
        stream: stream as NodeJS.WriteStream,
        color: color ? 'cyan' : false,
        discardStdin: false,
        isEnabled: this.animated,
      });
      if (!this.paused && !this.ended) this.spinner.start();
    });
  }

  private later(fn: (s: OraSpinner) => void): void {
    if (this.spinner) fn(this.spinner);
    else void this.ready.then(() => this.spinner && fn(this.spinner));
  }

  pause(): void {
    this.paused = true;
    this.spinner?.stop();
  }

  resume(): void {
    this.paused = false;
    // Without animation, a restart would print the text again as a line.
    if (this.animated && !this.ended) this.spinner?.start();
  }

  update(text: string): void {
    this.text = text;
    if (this.spinner) this.spinner.text = text;
  }

  private end(): void {
    this.ended = true;
    this.onEnd();
  }

  succeed(text?: string): void {
    this.end();
    this.later((s) => s.succeed(text));
  }

  fail(text?: string): void {
    this.end();
    this.later((s) => s.fail(text));
  }

  stop(): void {
    this.end();
    this.later((s) => s.stop());
  }
}

/** A host the entry can close: it removes a live view before the error is printed. */
export type ClosableIoHost = IoHost & { close(): void };

export function createIoHost(settings: HostSettings): ClosableIoHost {
  if (settings.json) return new JsonIoHost(settings);
  if (settings.interactive) return new InteractiveIoHost(settings);
  return new PlainIoHost(settings);
}
