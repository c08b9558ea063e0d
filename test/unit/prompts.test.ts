// An interrupt that does not come through the terminal (kill -INT, a CI runner stopping the job) still ends
// an open prompt: the command's abort signal reaches it, and it ends as Ctrl-C at the prompt does (exit 130).
import { describe, expect, it } from 'vitest';
import { ask } from '../../src/cli/io/prompts.js';
import { AbortError } from '../../src/core/errors.js';

describe('ask', () => {
  it('an interrupt while the prompt is open ends it with AbortError', async () => {
    const controller = new AbortController();
    const asked = ask(
      { kind: 'confirm', code: 'SN_CONFIRM_PLAN', message: 'Apply this plan?', defaultResponse: false },
      controller.signal,
    );
    setTimeout(() => controller.abort(), 50);
    const error = await asked.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).exitCode).toBe(130);
  });
});
