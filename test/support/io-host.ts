// The one test IoHost: records every message (code, level, text, payload) and answers a request only with
// a response the test scripted for its code. An unexpected prompt fails the test, as a person at the
// keyboard would notice a question nobody meant to ask.
import type { CommandContext } from '../../src/cli/context.js';
import type { Activity, IoHost, IoMessage, IoRequest, IoResponse } from '../../src/core/io.js';
import {
  isMessage,
  type MessageCode,
  type MessageSpec,
  type RequestCode,
  type RequestSpec,
} from '../../src/core/messages.js';

type Answer<K> = K extends 'confirm' ? boolean : string;

export class UnexpectedRequestError extends Error {}

export class TestIoHost implements IoHost {
  readonly messages: IoMessage[] = [];
  readonly requests: IoRequest[] = [];
  readonly results: { data: unknown; text: string }[] = [];
  private readonly responses = new Map<RequestCode, unknown[]>();
  private readonly sticky = new Map<RequestCode, unknown>();
  readonly color = false;

  constructor(readonly interactive = false) {}

  /**
   * Scripts the answer to a request code. `times` answers that many requests (then the next scripted
   * answer, or failure); without it the answer stands for every request with this code.
   */
  mockResponse<C extends RequestCode, K extends 'confirm' | 'input' | 'select'>(
    request: RequestSpec<C, K>,
    value: Answer<K>,
    times?: number,
  ): this {
    if (times === undefined) this.sticky.set(request.code, value);
    else {
      const queue = this.responses.get(request.code) ?? [];
      for (let i = 0; i < times; i++) queue.push(value);
      this.responses.set(request.code, queue);
    }
    return this;
  }

  private readonly listeners: ((message: IoMessage) => void)[] = [];

  /** Calls `listener` with each message as it is notified (e.g. to abort at a given moment). */
  onMessage(listener: (message: IoMessage) => void): this {
    this.listeners.push(listener);
    return this;
  }

  notify(message: IoMessage): void {
    this.messages.push(message);
    for (const listener of this.listeners) listener(message);
  }

  /** Scripts one answer by bare code (a value, or a function of the request), for keyed scripts. */
  answerOnce(code: string, answer: unknown): this {
    const queue = this.responses.get(code as RequestCode) ?? [];
    queue.push(answer);
    this.responses.set(code as RequestCode, queue);
    return this;
  }

  /** The requests asked so far (alias kept for prompt tests). */
  get asked(): IoRequest[] {
    return this.requests;
  }

  /** The codes of scripted one-time answers that no request used. */
  unasked(): string[] {
    return [...this.responses].filter(([, queue]) => queue.length > 0).map(([code]) => code);
  }

  async requestResponse<R extends IoRequest>(request: R): Promise<IoResponse<R>> {
    this.requests.push(request);
    const queue = this.responses.get(request.code);
    let answer: unknown;
    if (queue && queue.length > 0) answer = queue.shift();
    else if (this.sticky.has(request.code)) answer = this.sticky.get(request.code);
    else {
      throw new UnexpectedRequestError(
        `unexpected prompt ${request.code}: "${request.message}" (script it with mockResponse)`,
      );
    }
    const value = typeof answer === 'function' ? (answer as (r: IoRequest) => unknown)(request) : answer;
    // A typed answer goes through the prompt's validation, as a person's typing would.
    if (request.kind === 'input' && request.validate && typeof value === 'string') {
      const problem = request.validate(value);
      if (problem) throw new Error(`answer ${JSON.stringify(value)} to ${request.code} rejected: ${problem}`);
    }
    return value as IoResponse<R>;
  }

  activity(text: string): Activity {
    this.messages.push({ level: 'info', code: 'SN_ACTIVITY', text });
    const end = (code: 'SN_ACTIVITY_DONE' | 'SN_ACTIVITY_FAILED', t?: string) => {
      if (t) this.messages.push({ level: code === 'SN_ACTIVITY_DONE' ? 'success' : 'error', code, text: t });
    };
    return {
      update: () => {},
      succeed: (t) => end('SN_ACTIVITY_DONE', t),
      fail: (t) => end('SN_ACTIVITY_FAILED', t),
      stop: () => {},
    };
  }

  result(data: unknown, text: string): void {
    this.results.push({ data, text });
  }

  /** The codes notified, in order. */
  get codes(): MessageCode[] {
    return this.messages.map((m) => m.code);
  }

  /** The messages with the declared code, their payloads typed. */
  ofType<S extends MessageSpec<string, unknown>>(declared: S) {
    return this.messages.filter((m) => isMessage(m, declared)) as (IoMessage & {
      data: S extends MessageSpec<string, infer T> ? T : never;
    })[];
  }

  /** The payloads of the messages with the declared code. */
  payloads<S extends MessageSpec<string, unknown>>(declared: S) {
    return this.ofType(declared).map((m) => m.data);
  }
}

/** A command context on a TestIoHost, for running a command module in process (no AWS, no prompts). */
export function testCommandContext(io = new TestIoHost()): {
  ctx: CommandContext;
  io: TestIoHost;
  results: TestIoHost['results'];
} {
  const globals = { yes: false, json: false, color: false, debug: false };
  const ctx: CommandContext = { io, globals, color: false, signal: new AbortController().signal };
  return { ctx, io, results: io.results };
}
