// Starts one moto server on 127.0.0.1 for the whole run, unless MOTO_ENDPOINT names one already running
// (.ci/run starts its own). Test files isolate themselves by working in accounts of their own (see aws.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

let server: ChildProcess | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForMoto(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto server at ${endpoint} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) {
    const binary = join(process.cwd(), '.venv/bin/moto_server');
    if (!existsSync(binary)) {
      throw new Error('moto_server not found in .venv: run `bash scripts/ensure-python.sh` (npm test does).');
    }
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    server = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  }
  await waitForMoto(endpoint, 30_000);
  project.provide('motoEndpoint', endpoint);
  return async () => {
    server?.kill('SIGTERM');
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}
