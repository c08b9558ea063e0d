// Runs the built CLI (bin/secnotify.js → dist/) as a child process, the way users and CI run it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(process.cwd(), 'bin/secnotify.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: {
    env?: Record<string, string | undefined>;
    input?: string;
    cwd?: string;
    timeoutMs?: number;
    /** Start from PATH alone instead of this process's environment (no AWS variables leak in). */
    cleanEnv?: boolean;
    /** Run as another user (e.g. an unprivileged one when the tests run as root). */
    user?: { uid: number; gid: number };
    /** Another copy of bin/secnotify.js to run (default: this checkout's). */
    bin?: string;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      ...(options.cleanEnv ? { PATH: process.env.PATH, HOME: '/nonexistent' } : process.env),
      CI: 'true',
      NO_COLOR: '1',
      // Never reach a real AWS endpoint or profile from a test.
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...options.env,
    };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
      env: env as NodeJS.ProcessEnv,
      cwd: options.cwd,
      ...options.user,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`secnotify ${args.join(' ')} did not finish in time\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
