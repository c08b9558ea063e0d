// Every prompt goes through here, so tests can script answers and a Ctrl-C at a prompt becomes AbortError.
import { confirm, input, select } from '@inquirer/prompts';
import { AbortError } from '../../core/errors.js';
import type { IoRequest, IoResponse } from '../../core/io.js';

export async function ask<R extends IoRequest>(request: R, signal?: AbortSignal): Promise<IoResponse<R>> {
  // The signal ends the prompt on an interrupt that does not come through the terminal (kill -INT): the
  // prompt only sees Ctrl-C typed at it.
  const options = { output: process.stderr, ...(signal ? { signal } : {}) };
  try {
    switch (request.kind) {
      case 'confirm':
        return (await confirm(
          { message: request.message, default: request.defaultResponse },
          options,
        )) as IoResponse<R>;
      case 'input':
        return (await input(
          {
            message: request.message,
            default: request.defaultResponse,
            validate: (value: string) => request.validate?.(value) ?? true,
          },
          options,
        )) as IoResponse<R>;
      case 'select':
        return (await select(
          { message: request.message, default: request.defaultResponse, choices: request.choices },
          options,
        )) as IoResponse<R>;
    }
  } catch (error) {
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) {
      throw new AbortError('Stopped at a prompt (Ctrl-C); nothing was changed by this question.');
    }
    throw error;
  }
}
