// Starts one moto server on 127.0.0.1 for the whole run, unless MOTO_ENDPOINT names one already running
// (.ci/run starts its own). Test files isolate themselves by working in accounts of their own (see aws.ts).
import type { TestProject } from 'vitest/node';
import { type MotoServer, startMotoServer, waitForMoto } from './moto-server.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: MotoServer | undefined;
  let endpoint = process.env.MOTO_ENDPOINT;
  if (endpoint) await waitForMoto(endpoint);
  else {
    server = await startMotoServer();
    endpoint = server.endpoint;
  }
  project.provide('motoEndpoint', endpoint);
  return async () => {
    server?.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}
