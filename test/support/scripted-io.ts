// An IoHost for tests that answers prompts from a script keyed by request code, and fails the test on a
// question the script does not expect (or asks twice). Everything it was told is recorded.
import type { Activity, IoHost, IoMessage, IoRequest, IoResponse } from '../../src/core/io.js';

export type Answer = string | boolean | ((request: IoRequest) => string | boolean);

export class UnexpectedQuestion extends Error {}

export class ScriptedIo implements IoHost {
  readonly asked: IoRequest[] = [];
  readonly messages: IoMessage[] = [];
  readonly results: { data: unknown; text: string }[] = [];
  private readonly script: Map<string, Answer>;

  constructor(
    script: Record<string, Answer>,
    readonly interactive = true,
  ) {
    this.script = new Map(Object.entries(script));
  }

  notify(message: IoMessage): void {
    this.messages.push(message);
  }

  async requestResponse<R extends IoRequest>(request: R): Promise<IoResponse<R>> {
    this.asked.push(request);
    if (!this.script.has(request.code)) {
      throw new UnexpectedQuestion(`unexpected question ${request.code}: ${request.message}`);
    }
    const answer = this.script.get(request.code)!;
    this.script.delete(request.code);
    const value = typeof answer === 'function' ? answer(request) : answer;
    // A text answer goes through the prompt's validation, as a person's typing would.
    if (request.kind === 'input' && request.validate && typeof value === 'string') {
      const problem = request.validate(value);
      if (problem) throw new Error(`answer ${JSON.stringify(value)} to ${request.code} rejected: ${problem}`);
    }
    return value as IoResponse<R>;
  }

  activity(): Activity {
    return { update() {}, succeed() {}, fail() {}, stop() {} };
  }

  result(data: unknown, text: string): void {
    this.results.push({ data, text });
  }

  /** The codes of the questions the script still expected, which were never asked. */
  unasked(): string[] {
    return [...this.script.keys()];
  }
}
