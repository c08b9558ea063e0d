// Ctrl-C while CloudFormation is still working: the CLI says what keeps running in AWS and how to resume,
// exits 130, and the same command run again completes the installation.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoAccount, motoEndpoint, motoOrganization } from '../support/aws.js';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { BIN, runCli } from '../support/cli.js';

let proxy: AwsProxy;
let proxyUrl = '';
/** While true, the proxy reports every stack as still being created. */
let holding = true;

beforeAll(async () => {
  // A loopback proxy in front of moto, whose stacks otherwise finish the moment they start.
  proxy = await startAwsProxy(motoEndpoint(), {
    rewrite: (call, body) =>
      holding && /^DescribeStack(s|Events)$/.test(call.action)
        ? body.replaceAll('CREATE_COMPLETE', 'CREATE_IN_PROGRESS')
        : body,
  });
  proxyUrl = proxy.url;
});
afterAll(() => proxy.close());

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
