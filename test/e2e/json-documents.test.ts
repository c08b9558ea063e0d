// --json: stdout holds exactly one JSON document for every command, on failure too, so a script can
// always parse it and branch on `ok` (and `error.exitCode`). Run through the built CLI, as CI runs it.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoEndpoint, motoOrganization } from '../support/aws.js';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { runCli } from '../support/cli.js';

// No credentials anywhere (cleanEnv): every command that needs AWS fails before any request.
const NO_AWS = { cleanEnv: true, env: { AWS_REGION: 'eu-west-1' } };

function oneDocument(stdout: string): Record<string, unknown> {
  // JSON.parse fails on anything but exactly one document (a second one, or text after it).
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('--json prints one document on failure, for every command', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['install (bad input)', ['install', '--yes', '--timezone', 'Bogus/Zone'], 2, /--timezone/],
    ['install (no credentials)', ['install', '--yes'], 1, /credentials were not found/],
    ['uninstall', ['uninstall', '--yes'], 1, /credentials were not found/],
    ['status', ['status'], 1, /credentials were not found/],
    ['doctor', ['doctor'], 1, /check\(s\) failed/],
    ['render', ['render', '--out', ''], 2, /--out: the value is empty/],
    ['preview', ['preview', '--event', '/nonexistent/event.json'], 2, /--event/],
    ['send-test-finding', ['send-test-finding'], 1, /credentials were not found/],
    ['an unknown option (commander)', ['status', '--bogus'], 2, /unknown option '--bogus'/],
    ['an unknown command (commander)', ['instal'], 2, /unknown command/],
  ];
  it.each(cases)('%s', async (_name, args, exitCode, message) => {
    const result = await runCli([...args, '--json'], NO_AWS);
    expect(result.code, result.stderr).toBe(exitCode);
    const doc = oneDocument(result.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error).toMatchObject({ exitCode, message: expect.stringMatching(message) });
    expect(doc.completedSteps).toEqual([]);
  });

  it('doctor keeps its checks in the failure document', async () => {
    const result = await runCli(['doctor', '--json'], NO_AWS);
    const doc = oneDocument(result.stdout);
    expect(doc).toMatchObject({ ok: false, counts: { fail: 1 } });
    expect((doc.checks as { id: string; verdict: string }[])[0]).toMatchObject({
      id: 'credentials',
      verdict: 'fail',
    });
  });
});

describe('--json success documents say ok: true', () => {
  it('preview', async () => {
    const event = 'test/fixtures/events/asff/access-analyzer-public-bucket.json';
    const result = await runCli(['preview', '--event', event, '--json'], NO_AWS);
    expect(result.code, result.stderr).toBe(0);
    expect(oneDocument(result.stdout).ok).toBe(true);
  });

  it('render', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'secnotify-json-')), 'out');
    const result = await runCli(['render', '--out', dir, '--region', 'eu-west-1', '--json'], NO_AWS);
    expect(result.code, result.stderr).toBe(0);
    expect(oneDocument(result.stdout).ok).toBe(true);
  });
});

describe('hints name the command as it runs here', () => {
  it('`npx secnotify doctor` when secnotify is not on PATH, `secnotify doctor` when it is', async () => {
    const nodeOnly = dirname(process.execPath);
    const off = await runCli(['doctor'], {
      cleanEnv: true,
      env: { AWS_REGION: 'eu-west-1', PATH: nodeOnly },
    });
    expect(off.code).toBe(1);
    expect(off.stderr).toContain('then run `npx secnotify doctor` again');

    const bin = mkdtempSync(join(tmpdir(), 'secnotify-bin-'));
    writeFileSync(join(bin, 'secnotify'), '#!/bin/sh\n');
    chmodSync(join(bin, 'secnotify'), 0o755);
    const on = await runCli(['doctor', '--json'], {
      cleanEnv: true,
      env: { AWS_REGION: 'eu-west-1', PATH: `${bin}:${nodeOnly}` },
    });
    expect(oneDocument(on.stdout).error).toMatchObject({
      hint: expect.stringContaining('then run `secnotify doctor` again'),
    });
  });
});

describe('--json failure after some steps: completedSteps names them', () => {
  let proxy: AwsProxy;
  beforeAll(async () => {
    // CloudFormation refuses to delete the bucket stack; everything else reaches moto.
    proxy = await startAwsProxy(motoEndpoint(), {
      answer: (call) =>
        call.action === 'DeleteStack' && call.body.includes('SC-Bucket')
          ? {
              status: 403,
              contentType: 'text/xml',
              body: '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed to delete this stack</Message></Error><RequestId>1</RequestId></ErrorResponse>',
            }
          : undefined,
    });
  });
  afterAll(() => proxy.close());

  it('uninstall: the buckets were emptied, then deleting their stack failed', async () => {
    const { hub } = await motoOrganization();
    const env = { ...hub.env, SECNOTIFY_POLL_MS: '100', AWS_MAX_ATTEMPTS: '1' };
    const installed = await runCli(['install', '--yes', '--steps', 'templates'], { env });
    expect(installed.code, installed.stderr).toBe(0);
    const result = await runCli(['uninstall', '--yes', '--json'], {
      env: { ...env, AWS_ENDPOINT_URL: proxy.url },
    });
    expect(result.code, result.stderr).toBe(1);
    const doc = oneDocument(result.stdout);
    expect(doc).toMatchObject({ ok: false, completedSteps: ['empty-buckets'] });
    expect((doc.error as { message: string }).message).toMatch(/not allowed to delete this stack/);
  });
});
