// status as people and scripts read it: fits a 60-column terminal, honours NO_COLOR, and never says
// "not installed" when it could not look.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoAccount, motoEndpoint } from '../support/aws.js';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { runCli } from '../support/cli.js';

let proxy: AwsProxy;
beforeAll(async () => {
  // Every CloudFormation and S3 lookup gets a non-AWS answer (a proxy's HTML error page), STS works.
  proxy = await startAwsProxy(motoEndpoint(), {
    answer: (call) =>
      call.service === 'cloudformation' || call.service === 's3'
        ? { status: 502, contentType: 'text/html', body: '<html><title>Bad Gateway</title></html>' }
        : undefined,
  });
});
afterAll(() => proxy.close());

const FAST = { SECNOTIFY_POLL_MS: '100', AWS_MAX_ATTEMPTS: '1' };

describe('status output', () => {
  it('says "unknown (could not check …)" rather than "not installed" when lookups fail', async () => {
    const account = await motoAccount('eu-west-1');
    const env = { ...account.env, ...FAST, AWS_ENDPOINT_URL: proxy.url };
    const text = await runCli(['status'], { env });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/: unknown \(could not check [a-z-]+/);
    expect(text.stdout).not.toContain('not installed');

    const json = await runCli(['status', '--json'], { env });
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ ok: false, installed: 'unknown' });
    expect(doc.couldNotCheck.length).toBeGreaterThan(0);
  });

  it('fits a 60-column terminal: no line wider, no value split', async () => {
    const account = await motoAccount('eu-west-1');
    const result = await runCli(['status'], { env: { ...account.env, ...FAST, COLUMNS: '60' } });
    expect(result.code, result.stderr).toBe(0);
    const table = result.stdout.split('\n\n')[1] ?? '';
    expect(Math.max(...table.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(60);
    expect(result.stdout).toMatch(/State:\s+absent/);
  });

  it('NO_COLOR wins over FORCE_COLOR everywhere (the same run with FORCE_COLOR alone is coloured)', async () => {
    const account = await motoAccount('eu-west-1');
    const env = { ...account.env, ...FAST, AWS_ENDPOINT_URL: proxy.url };
    const sgr = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`);
    const forced = await runCli(['status'], { env: { ...env, FORCE_COLOR: '1', NO_COLOR: undefined } });
    expect(forced.stderr).toMatch(sgr);
    const both = await runCli(['status'], { env: { ...env, FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(both.code).toBe(1);
    expect(both.stdout + both.stderr).not.toMatch(sgr);
  });
});
