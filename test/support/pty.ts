// Runs the built CLI in a pseudo-terminal through test/support/pty_drive.py (Python's pty module), typing
// answers at its prompts. The child sees a TTY on stdin, stdout and stderr, and no CI variable.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { BIN } from './cli.js';

export interface PtyStep {
  expect: string;
  send?: string;
  signal?: 'SIGINT';
  timeout?: number;
}

export interface PtyResult {
  code: number | null;
  transcript: string;
  timeout: string | null;
}

export const ENTER = '\r';
export const DOWN = '\x1b[B';

export function runInPty(args: string[], steps: PtyStep[], env: Record<string, string>): Promise<PtyResult> {
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    TERM: 'xterm-256color',
    COLUMNS: '160',
    LINES: '50',
    ...env,
  };
  delete childEnv.CI;
  delete childEnv.NO_COLOR;
  delete childEnv.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      [
        join(import.meta.dirname, 'pty_drive.py'),
        JSON.stringify(steps),
        '--',
        process.execPath,
        BIN,
        ...args,
      ],
      { env: childEnv as NodeJS.ProcessEnv, maxBuffer: 16 * 1024 * 1024, timeout: 240_000 },
      (error, stdout) => {
        if (error && !stdout) return reject(error);
        try {
          resolve(JSON.parse(stdout) as PtyResult);
        } catch (e) {
          reject(new Error(`pty driver printed no result: ${String(e)}\n${stdout}`));
        }
      },
    );
  });
}
