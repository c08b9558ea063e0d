// Faults a user meets before anything changes: expired credentials, and no terminal without --yes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let server: Server;
let endpoint = '';
const actions: string[] = [];

beforeAll(async () => {
  // Every AWS call answers as AWS does for credentials whose session has expired.
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      actions.push(/Action=(\w+)/.exec(body)?.[1] ?? req.url ?? '');
      res.writeHead(403, { 'content-type': 'text/xml' });
      res.end(
        '<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>1</RequestId></ErrorResponse>',
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const env = () => ({
  AWS_ENDPOINT_URL: endpoint,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'ASIAEXPIRED',
  AWS_SECRET_ACCESS_KEY: 'x',
  AWS_SESSION_TOKEN: 'expired',
  AWS_MAX_ATTEMPTS: '1',
});

describe('install faults', () => {
  it('expired credentials: a clear message naming the fix, exit 1, nothing attempted after the identity check', async () => {
    const result = await runCli(['install', '--yes', '--steps', 'templates'], { env: env() });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/credentials .*expired/i);
    expect(result.stderr).toMatch(/aws sso login|refresh/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(actions).toEqual(['GetCallerIdentity']);
  });

  it('no terminal and no --yes: exit 2 naming --yes, before any AWS call', async () => {
    actions.length = 0;
    const result = await runCli(['install', '--steps', 'templates'], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--yes');
    expect(result.stderr).toContain('--formatter'); // the unanswered questions are named too
    expect(actions).toEqual([]);
  });
});
