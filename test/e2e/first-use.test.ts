// First-use behaviour through the real CLI: render --out replaced as a whole (or refused and left as it
// was), preview with the eventbridge formatter and no other flag, --debug request lines, unknown profiles,
// an unreachable endpoint, an answer that is not AWS, and how hints spell the command.
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoAccount } from '../support/aws.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sn-first-use-'));
const offline = { AWS_REGION: 'eu-west-1' };
const render = (out: string, ...args: string[]) =>
  runCli(['render', '--out', out, ...args], { env: offline, timeoutMs: 30_000 });
const listing = (folder: string) => readdirSync(folder).sort();
const snapshot = (folder: string) =>
  Object.fromEntries(listing(folder).map((f) => [f, readFileSync(join(folder, f), 'utf8')]));
/** Nothing is left beside the target: no staging or set-aside folder. */
const leftovers = (parent: string) => readdirSync(parent).filter((f) => /\.(new|old)-/.test(f));

describe('render --out: the folder holds exactly the new render or is left as it was', () => {
  it('replaces a folder holding an earlier render, dropping files the new render no longer writes', async () => {
    const parent = mkdtempSync(join(dir, 'earlier-'));
    const out = join(parent, 'rendered');
    expect((await render(out)).code).toBe(0);
    const first = snapshot(out);
    writeFileSync(join(out, 'stale-stack.yaml'), 'from an older version\n');
    const again = await render(out, '--formatter', 'eventbridge');
    expect(again.code, again.stderr).toBe(0);
    const second = snapshot(out);
    expect(Object.keys(second)).toEqual(Object.keys(first));
    expect(second['product.yaml']).not.toEqual(first['product.yaml']);
    expect(second['product.yaml']).not.toContain('FormatterFunction:');
    expect(leftovers(parent)).toEqual([]);
  });

  it('leaves an earlier render untouched when the new one fails on bad input', async () => {
    const parent = mkdtempSync(join(dir, 'kept-'));
    const out = join(parent, 'rendered');
    expect((await render(out)).code).toBe(0);
    const before = snapshot(out);
    const bad = await render(out, '--timezone', 'Mars/Olympus_Mons');
    expect(bad.code).toBe(2);
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(parent)).toEqual([]);
  });

  it('refuses a folder holding other files, and changes nothing in it', async () => {
    const out = mkdtempSync(join(dir, 'mine-'));
    writeFileSync(join(out, 'notes.txt'), 'my notes\n');
    const result = await render(out);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--out: .* holds files that are not an earlier render \(notes\.txt\)/);
    expect(listing(out)).toEqual(['notes.txt']);
  });

  // [what, the --out value, what the one-line message says]
  const refused: [string, () => string, RegExp][] = [
    [
      'a file',
      () => {
        const file = join(dir, 'a-file.txt');
        writeFileSync(file, 'keep me\n');
        return file;
      },
      /is a file, not a folder/,
    ],
    ['a device', () => '/dev/null', /inside \/dev, a kernel file system/],
    ['inside /proc', () => '/proc/self/secnotify-render', /inside \/proc, a kernel file system/],
    ['a path too long', () => join(dir, 'x'.repeat(300)), /longer than the file system allows/],
    ['a path under a file', () => join(dir, 'a-file.txt', 'sub'), /inside something that is not a folder/],
    [
      'a symbolic link',
      () => {
        const target = mkdtempSync(join(dir, 'link-target-'));
        const link = join(dir, `link-${Math.random().toString(36).slice(2)}`);
        symlinkSync(target, link);
        return link;
      },
      /is a symbolic link/,
    ],
  ];
  it.each(refused)('refuses %s with exit 2 and one line naming --out', async (_what, make, says) => {
    const out = make();
    const before = existsSync(out) ? lstatSync(out) : undefined;
    const result = await render(out);
    expect(result.code, result.stderr).toBe(2);
    const first = result.stderr.split('\n').find((l) => l.startsWith('✖')) ?? '';
    expect(first).toContain('--out');
    expect(first).toMatch(says);
    expect(result.stderr).not.toContain('Unexpected error');
    if (before) expect(lstatSync(out).mtimeMs).toBe(before.mtimeMs);
  });

  /** bin/, dist/, templates/ and package.json copied where any user can read them; returns the copy's bin. */
  function readableCopy(): string {
    const copy = mkdtempSync(join(tmpdir(), 'secnotify-package-'));
    for (const part of ['bin', 'dist', 'templates', 'package.json']) {
      cpSync(join(process.cwd(), part), join(copy, part), { recursive: true });
    }
    chmodSync(copy, 0o755);
    return join(copy, 'bin/secnotify.js');
  }

  it('refuses an unwritable parent folder (exit 2), writing nothing', async () => {
    const parent = mkdtempSync(join(dir, 'readonly-'));
    chmodSync(dir, 0o755);
    chmodSync(parent, 0o555);
    // root may write anywhere, so the CLI runs as an unprivileged user when the tests run as root: a copy of
    // the parts the package ships, in a folder that user can read (the checkout itself may not be readable).
    const asUser = process.getuid?.() === 0 ? { user: { uid: 65534, gid: 65534 }, bin: readableCopy() } : {};
    const result = await runCli(['render', '--out', join(parent, 'out')], {
      cleanEnv: true,
      env: { AWS_REGION: 'eu-west-1' },
      ...asUser,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/--out: .* is not writable \(permission denied\)/);
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('preview --formatter eventbridge', () => {
  const event = 'test/fixtures/events/asff/securityhub-control-first-seen.json';
  it('works without any other flag', async () => {
    const result = await runCli(['preview', '--event', event, '--formatter', 'eventbridge']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('--- email 1 of 1 ---');
    expect(result.stdout).toMatch(/A \w+ severity Security Hub finding in AWS account/);
  });
  it('accepts --no-skip-repeated-findings (nothing to skip there)', async () => {
    const result = await runCli([
      'preview',
      '--event',
      event,
      '--formatter',
      'eventbridge',
      '--no-skip-repeated-findings',
    ]);
    expect(result.code, result.stderr).toBe(0);
  });
});

describe('connection problems are named before or instead of SDK internals', () => {
  let server: Server;
  let requests = 0;
  let htmlEndpoint = '';
  beforeAll(async () => {
    // A proxy's error page: HTML where AWS would answer XML or JSON.
    server = createServer((_req, res) => {
      requests += 1;
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body>proxy</body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    htmlEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const keys = {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret-never-printed',
    AWS_MAX_ATTEMPTS: '1',
  };

  it('an unknown profile is named with the profiles that exist (exit 2, no request)', async () => {
    const config = join(dir, 'aws-config');
    writeFileSync(
      config,
      '[profile hub]\nregion = eu-west-1\n[profile org-management]\nregion = eu-west-1\n',
    );
    const credentials = join(dir, 'aws-credentials');
    writeFileSync(credentials, '[ci]\naws_access_key_id = x\naws_secret_access_key = y\n');
    const env = {
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_ENDPOINT_URL: htmlEndpoint,
    };
    const before = requests;
    const typo = await runCli(['status', '--profile', 'hubb'], { env, cleanEnv: true });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      '--profile: no profile "hubb" in ~/.aws/config or ~/.aws/credentials (known profiles: ci, hub, org-management).',
    );
    const management = await runCli(['doctor', '--management-profile', 'org-mgmt'], {
      env: { ...env, AWS_PROFILE: 'hub' },
      cleanEnv: true,
    });
    expect(management.code).toBe(2);
    expect(management.stderr).toContain('--management-profile: no profile "org-mgmt"');
    const fromEnv = await runCli(['status'], { env: { ...env, AWS_PROFILE: 'prod' }, cleanEnv: true });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('AWS_PROFILE: no profile "prod"');
    expect(requests).toBe(before);
  });

  it('a well-formed name that is no Region is refused before any call (exit 2)', async () => {
    const before = requests;
    const result = await runCli(['send-test-finding', '--region', 'eu-centrl-1'], {
      env: { ...keys, AWS_ENDPOINT_URL: htmlEndpoint },
      cleanEnv: true,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--region: "eu-centrl-1" is not an AWS Region this version knows');
    const fromEnv = await runCli(['status'], {
      env: { ...keys, AWS_REGION: 'eu-centrl-1', AWS_ENDPOINT_URL: htmlEndpoint },
      cleanEnv: true,
    });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('"eu-centrl-1" is not an AWS Region this version knows');
    expect(requests).toBe(before);
  });

  it('an endpoint nobody answers on: "cannot reach AWS at …", exit 1', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const result = await runCli(['send-test-finding'], {
      env: { ...keys, AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` },
      cleanEnv: true,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `cannot reach AWS at http://127\\.0\\.0\\.1:${port} for sts:GetCallerIdentity \\(ECONNREFUSED\\)`,
        'i',
      ),
    );
    expect(result.stderr).not.toContain('Unexpected error');
  });

  it('an HTML page instead of AWS says so, not an XML parse error', async () => {
    const result = await runCli(['send-test-finding'], {
      env: { ...keys, AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: htmlEndpoint },
      cleanEnv: true,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `The endpoint at ${htmlEndpoint} answered with a non-AWS page (HTTP 502): it does not implement sts:GetCallerIdentity, or it is not AWS`,
    );
    expect(result.stderr).not.toMatch(/Deserialization|XML|mismatched tag|Unexpected error/);
  });

  it('--debug prints each AWS request with service, operation, Region, status and duration, never credentials', async () => {
    const account = await motoAccount('eu-west-1');
    const result = await runCli(['status', '--debug'], { env: account.env, cleanEnv: true });
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('AWS '));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^AWS sts GetCallerIdentity eu-west-1 ${account.endpoint.replace(/\./g, '\\.')} → 200 in \\d+ ms$`,
      ),
    );
    expect(lines.some((l) => /^AWS cloudformation \w+ eu-west-1 \S+ → \d{3} in \d+ ms/.test(l))).toBe(true);
    expect(result.stderr).not.toContain(account.credentials.secretAccessKey);
    expect(result.stderr).not.toContain(account.credentials.accessKeyId);
    expect(result.stderr).not.toContain(account.credentials.sessionToken);
    const quiet = await runCli(['status'], { env: account.env, cleanEnv: true });
    expect(quiet.stderr).not.toMatch(/^AWS sts/m);
  });
});

describe('hints spell the command as the user can run it', () => {
  it('`npx secnotify` unless secnotify is on PATH', async () => {
    const bin = mkdtempSync(join(dir, 'bin-'));
    const fake = join(bin, 'secnotify');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o755);
    const empty = join(dir, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const account = await motoAccount('eu-west-1');
    const { EnableSecurityHubCommand, SecurityHubClient } = await import('@aws-sdk/client-securityhub');
    await new SecurityHubClient(account.clientConfig).send(new EnableSecurityHubCommand({}));
    const off = await runCli(['send-test-finding'], { env: { ...account.env, PATH: empty }, cleanEnv: true });
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toMatch(/Archive it again with: npx secnotify send-test-finding --archive /);
    const on = await runCli(['send-test-finding'], { env: { ...account.env, PATH: bin }, cleanEnv: true });
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toMatch(/Archive it again with: secnotify send-test-finding --archive /);
  });
});
