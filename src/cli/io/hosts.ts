// The IO hosts: interactive (TTY: colour, spinners, prompts), plain (CI and pipes: one line per message,
// never a prompt) and JSON (everything human on stderr, one result document on stdout).

import { UsageError } from '../../core/errors.js';
import type { Activity, IoHost, IoMessage, IoRequest, IoResponse } from '../../core/io.js';
import { createPainter, type Painter } from './paint.js';

export interface HostSettings {
  json: boolean;
  yes: boolean;
  color: boolean;
  debug: boolean;
  interactive: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
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

  constructor(protected readonly settings: HostSettings) {
    this.out = settings.stdout ?? process.stdout;
    this.err = settings.stderr ?? process.stderr;
    this.paint = createPainter(settings.color);
  }

  notify(message: IoMessage): void {
    if (message.level === 'debug' && !this.settings.debug) return;
    this.err.write(`${this.paint.message(message.level, message.text)}\n`);
  }

  async requestResponse<R extends IoRequest>(request: R): Promise<IoResponse<R>> {
    if (this.settings.yes) {
      this.notify({
        level: 'info',
        code: `${request.code}_AUTO`,
        text: `${request.message} ${describeDefault(request)} (auto-confirmed)`,
      });
      return request.defaultResponse;
    }
    const flag = request.flag ?? '--yes';
    throw new UsageError(
      `${request.message} — an answer is needed but there is no terminal to ask on. Pass ${flag}${flag === '--yes' ? ' to accept' : ''}.`,
      { field: flag },
    );
  }

  activity(text: string): Activity {
    this.notify({ level: 'info', code: 'SN_ACTIVITY', text });
    const done = (level: 'success' | 'error', t?: string) => {
      if (t) this.notify({ level, code: 'SN_ACTIVITY_END', text: t });
    };
    return {
      update: () => {},
      succeed: (t) => done('success', t),
      fail: (t) => done('error', t),
      stop: () => {},
    };
  }

  result(_data: unknown, text: string): void {
    if (text) this.out.write(text.endsWith('\n') ? text : `${text}\n`);
  }
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

  override result(data: unknown): void {
    if (this.printed) throw new Error('JsonIoHost: a command printed two results');
    this.printed = true;
    this.out.write(`${JSON.stringify(data, null, 2)}\n`);
  }
}

export class InteractiveIoHost extends BaseHost {
  readonly interactive = true;

  override async requestResponse<R extends IoRequest>(request: R): Promise<IoResponse<R>> {
    if (this.settings.yes) return super.requestResponse(request);
    const { ask } = await import('./prompts.js');
    return ask(request);
  }

  override activity(text: string): Activity {
    return createSpinner(text, this.err, this.settings.color);
  }
}

function createSpinner(text: string, stream: NodeJS.WritableStream, color: boolean): Activity {
  // ora is loaded lazily: most commands never show a spinner, and start-up time matters.
  let spinner: { text: string; succeed(t?: string): void; fail(t?: string): void; stop(): void } | undefined;
  let pending = text;
  const ready = import('ora').then(({ default: ora }) => {
    spinner = ora({
      text: pending,
      stream: stream as NodeJS.WriteStream,
      color: color ? 'cyan' : false,
    }).start();
  });
  const later = (fn: () => void) => {
    if (spinner) fn();
    else void ready.then(fn);
  };
  return {
    update: (t) => {
      pending = t;
      if (spinner) spinner.text = t;
    },
    succeed: (t) => later(() => spinner?.succeed(t)),
    fail: (t) => later(() => spinner?.fail(t)),
    stop: () => later(() => spinner?.stop()),
  };
}

export function createIoHost(settings: HostSettings): IoHost {
  if (settings.json) return new JsonIoHost(settings);
  if (settings.interactive) return new InteractiveIoHost(settings);
  return new PlainIoHost(settings);
}
