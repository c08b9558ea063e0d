// Ctrl-C while CloudFormation is still working: the CLI says what keeps running in AWS and how to resume,
// exits 130, and the same command run again completes the installation.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoAccount, motoEndpoint, motoOrganization } from '../support/aws.js';
import { BIN, runCli } from '../support/cli.js';

let proxy: Server;
let proxyUrl = '';
/** While true, the proxy reports every stack as still being created. */
let holding = true;

beforeAll(async () => {
  // A loopback proxy in front of moto, whose stacks otherwise finish the moment they start.
  const target = motoEndpoint();
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
      ) as Record<string, string>;
      const answer = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      });
      let text = Buffer.from(await answer.arrayBuffer());
      const action = body.toString('utf8');
      if (holding && /Action=DescribeStack(s|Events)\b/.test(action)) {
        text = Buffer.from(text.toString('utf8').replaceAll('CREATE_COMPLETE', 'CREATE_IN_PROGRESS'));
      }
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' });
      res.end(text);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => proxy.close(() => r())));

const hubInOrganization = async (): Promise<MotoAccount> => (await motoOrganization()).hub;

describe('interrupting install', () => {
  it('says what is still running, exits 130, and the next run completes', async () => {
    const hub = await hubInOrganization();
    const child = spawn(
      process.execPath,
      [BIN, 'install', '--yes', '--steps', 'templates,portfolio', '--idc-region', 'eu-west-1'],
      {
        env: {
          ...process.env,
          ...hub.env,
          AWS_ENDPOINT_URL: proxyUrl,
          CI: 'true',
          NO_COLOR: '1',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          SECNOTIFY_POLL_MS: '100',
        },
      },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no stack wait seen:\n${stderr}`)), 30_000);
      child.stderr.on('data', (d) => {
        stderr += d;
        if (stderr.includes('Creating stack SecurityNotifications-SC-Bucket')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // Let it poll a few times, then press Ctrl-C once.
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('SecurityNotifications-SC-Bucket');
    expect(stderr).toMatch(/still working on stack SecurityNotifications-SC-Bucket/i);
    expect(stderr).toMatch(/re-?run(ning)? the same command/i);

    holding = false;
    const again = await runCli(
      ['install', '--yes', '--json', '--steps', 'templates,portfolio', '--idc-region', 'eu-west-1'],
      {
        env: { ...hub.env, SECNOTIFY_POLL_MS: '100' },
      },
    );
    expect(again.code, again.stderr).toBe(0);
    const doc = JSON.parse(again.stdout);
    expect(doc.steps.find((s: { id: string }) => s.id === 'templates').outcome).toMatch(/done|no-changes/);
    expect(doc.steps.find((s: { id: string }) => s.id === 'portfolio').outcome).toBe('done');
    expect(doc.productVersion).toBe('v1');
  });
});
