// Starts a moto server from .venv on a free 127.0.0.1 port and waits until it answers; shared by the
// test run's global setup and the benchmarks, which each start their own.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface MotoServer {
  endpoint: string;
  process: ChildProcess;
  stop(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Polls moto's own API until it answers; fails early if the server process has exited. */
export async function waitForMoto(
  endpoint: string,
  timeoutMs = 30_000,
  server?: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (server && server.exitCode !== null)
      throw new Error(`moto_server exited with code ${server.exitCode}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto server at ${endpoint} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

export async function startMotoServer(root = process.cwd()): Promise<MotoServer> {
  const binary = join(root, '.venv/bin/moto_server');
  if (!existsSync(binary)) {
    throw new Error(`${binary} not found: run \`bash scripts/ensure-python.sh\` (npm test does).`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  try {
    await waitForMoto(endpoint, 30_000, child);
  } catch (error) {
    stop();
    throw error;
  }
  return { endpoint, process: child, stop };
}
