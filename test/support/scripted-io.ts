// Prompt scripts keyed by request code, on the one test IoHost: each answer is used once, typed answers are
// validated like a person's typing, and a question the script does not expect fails the test.
import type { IoRequest } from '../../src/core/io.js';
import { TestIoHost, UnexpectedRequestError } from './io-host.js';

export type Answer = string | boolean | ((request: IoRequest) => string | boolean);

export { UnexpectedRequestError as UnexpectedQuestion };

export class ScriptedIo extends TestIoHost {
  constructor(script: Record<string, Answer>, interactive = true) {
    super(interactive);
    for (const [code, answer] of Object.entries(script)) this.answerOnce(code, answer);
  }
}
