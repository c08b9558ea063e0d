// Bad input: each row exits 2 with a message naming the field, before any AWS request, with nothing written.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sn-usage-'));
const config = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

// [what, args, the field the message must name]
const rows: [string, string[], string][] = [
  ['unknown time zone', ['--timezone', 'Mars/Olympus_Mons'], '--timezone'],
  ['empty time zone', ['--timezone', ''], '--timezone'],
  [
    'time zone with the eventbridge formatter',
    ['--formatter', 'eventbridge', '--timezone', 'Europe/Berlin'],
    '--timezone',
  ],
  ['unknown formatter', ['--formatter', 'sns'], '--formatter'],
  ['unknown principal type', ['--principal-type', 'sso'], '--principal-type'],
  [
    'subdomain given as a URL',
    ['--idc-subdomain', 'https://d-1234567890.awsapps.com/start'],
    '--idc-subdomain',
  ],
  ['subdomain starting with a dash', ['--idc-subdomain', '-portal'], '--idc-subdomain'],
  [
    'subdomain with the iam-role principal type',
    ['--principal-type', 'iam-role', '--principals', 'Dev', '--idc-subdomain', 'd-1234567890'],
    '--idc-subdomain',
  ],
  [
    'subdomain with the eventbridge formatter',
    ['--formatter', 'eventbridge', '--idc-subdomain', 'd-1234567890'],
    '--idc-subdomain',
  ],
  [
    'Identity Center region with iam-role',
    ['--principal-type', 'iam-role', '--principals', 'Dev', '--idc-region', 'eu-west-1'],
    '--idc-region',
  ],
  ['malformed Identity Center region', ['--idc-region', 'moon-base-1x'], '--idc-region'],
  ['organization ID too short', ['--share', 'o-abc'], '--share'],
  ['malformed OU ID', ['--share', 'ou-ab12'], '--share'],
  ['account ID with 11 digits', ['--share', '12345678901'], '--share'],
  ['none combined with a target', ['--share', 'org,none'], '--share'],
  ['upper-case root ID', ['--stackset-targets', 'r-AB12'], '--stackset-targets'],
  ['root mixed with an OU', ['--stackset-targets', 'root,ou-ab12-abcdefgh'], '--stackset-targets'],
  ['account ID as a StackSet target', ['--stackset-targets', '111122223333'], '--stackset-targets'],
  ['product version with spaces', ['--product-version', 'version 2'], '--product-version'],
  ['provider name over 50 characters', ['--provider-name', 'x'.repeat(51)], '--provider-name'],
  ['permission set name with a space', ['--principals', 'Security Team'], '--principals'],
  [
    'IAM role name over 64 characters',
    ['--principal-type', 'iam-role', '--principals', 'r'.repeat(65)],
    '--principals',
  ],
  [
    'permission set name over 32 characters',
    ['--permission-set-name', 'p'.repeat(33)],
    '--permission-set-name',
  ],
  [
    'skip-repeated with the eventbridge formatter',
    ['--formatter', 'eventbridge', '--skip-repeated-findings'],
    '--skip-repeated-findings',
  ],
  [
    'email list with a bad address',
    ['--subscriber-emails', 'team@example.com,not-an-address'],
    '--subscriber-emails',
  ],
  [
    'email list with semicolons',
    ['--subscriber-emails', 'a@example.com;b@example.com'],
    '--subscriber-emails',
  ],
  ['malformed region', ['--region', 'Europe'], '--region'],
  ['malformed YAML config', ['--config', config('broken.yaml', 'formatter: [lambda\n')], '--config'],
  ['malformed JSON config', ['--config', config('broken.json', '{"formatter": ')], '--config'],
  ['unknown config key', ['--config', config('typo.yaml', 'timezon: UTC\n')], 'timezon'],
  ['config value of the wrong type', ['--config', config('type.yaml', 'launchRole: maybe\n')], 'launchRole'],
  [
    'config stack name that CloudFormation refuses',
    ['--config', config('stack.yaml', 'stackNames:\n  bucket: 1-bucket\n')],
    'stackNames',
  ],
  ['missing config file', ['--config', join(dir, 'absent.yaml')], '--config'],
  // Round two (issue 12): empty strings, look-alikes, limits, the real source of a value.
  ['empty config path', ['--config', ''], '--config'],
  ['empty profile', ['--profile', ''], '--profile'],
  ['empty management profile', ['--management-profile', ''], '--management-profile'],
  ['empty endpoint', ['--endpoint-url', ''], '--endpoint-url'],
  ['account ID in Arabic-Indic digits', ['--share', '١١١١٢٢٢٢٣٣٣٣'], '--share'],
  ['account ID in fullwidth digits', ['--share', '１１１１２２２２３３３３'], '--share'],
  ['Root for root', ['--stackset-targets', 'Root'], '--stackset-targets'],
  [
    'more principals than a portfolio takes',
    ['--principals', Array.from({ length: 11 }, (_, i) => `Team${i}`).join(',')],
    '--principals',
  ],
  [
    'provider name with a dynamic reference',
    ['--provider-name', '{{resolve:ssm:/secret}}'],
    '--provider-name',
  ],
  ['provider name with a bidi override', ['--provider-name', 'Security\u202Emoc.live'], '--provider-name'],
  ['email domain written with @', ['--allowed-email-domains', '@example.com'], '--allowed-email-domains'],
  ['email domain without a dot', ['--allowed-email-domains', 'example'], '--allowed-email-domains'],
  [
    'org-wide subscriptions in config not a boolean',
    ['--config', config('orgwide.yaml', 'allowOrgWideSubscriptions: sometimes\n')],
    'allowOrgWideSubscriptions (in',
  ],
  [
    'time zone from the config file',
    ['--config', config('tz.yaml', 'timezone: Mars/Base\n')],
    'timezone (in',
  ],
  ['empty profile in the config file', ['--config', config('profile.yaml', 'profile: ""\n')], 'profile (in'],
  ['time zone of 5,000 characters', ['--timezone', `Mars/${'x'.repeat(5000)}`], 'more characters'],
];
// [what, environment, the variable the message must name]: values the SDK would read from the environment.
const envRows: [string, Record<string, string>, string][] = [
  ['malformed AWS_REGION', { AWS_REGION: 'Europe' }, 'AWS_REGION'],
  ['malformed AWS_DEFAULT_REGION', { AWS_REGION: '', AWS_DEFAULT_REGION: 'eu_west_1' }, 'AWS_DEFAULT_REGION'],
];
// Options of install alone.
const installRows: [string, string[], string][] = [
  ['unknown install step', ['--steps', 'templates,deploy'], '--steps'],
  [
    'management role that is not a role ARN',
    ['--management-role-arn', 'OrganizationAccountAccessRole'],
    '--management-role-arn',
  ],
  ['empty --save-config', ['--save-config', ''], '--save-config'],
];
// Options of render alone.
const renderRows: [string, string[], string][] = [
  ['empty --out', ['--out', ''], '--out'],
  ['subscriber address with two dots', ['--subscriber-emails', 'a..b@example.com'], '--subscriber-emails'],
  [
    'subscriber address outside the allowed domains',
    ['--allowed-email-domains', 'example.com', '--subscriber-emails', 'team@example.org'],
    '--subscriber-emails',
  ],
];
// The commands that look into the management account take --management-role-arn, checked the same way.
const managementRows: [string, string[], string][] = [
  [
    'management role that is not a role ARN',
    ['--management-role-arn', 'arn:aws:iam::1:role/x'],
    '--management-role-arn',
  ],
  ['empty management role', ['--management-role-arn', ''], '--management-role-arn'],
  ['empty profile', ['--profile', ''], '--profile'],
];
// The subscriber email list is a render option only.
const renderOnly = new Set(['email list with a bad address', 'email list with semicolons']);
// Every shared row runs through render (offline) and install (which would otherwise call AWS).
type Case = [string, string, string[], string, Record<string, string>?];
const cases: Case[] = [
  ...rows.map(([what, args, field]): Case => ['render', what, args, field]),
  ...renderRows.map(([what, args, field]): Case => ['render', what, args, field]),
  ...rows
    .filter(([what]) => !renderOnly.has(what))
    .map(([what, args, field]): [string, string, string[], string] => ['install', what, args, field]),
  ...installRows.map(([what, args, field]): [string, string, string[], string] => [
    'install',
    what,
    args,
    field,
  ]),
  ...['doctor', 'status', 'uninstall'].flatMap((command) =>
    managementRows.map(([what, args, field]): Case => [command, what, args, field]),
  ),
  ...['render', 'install', 'doctor'].flatMap((command) =>
    envRows.map(([what, env, variable]): Case => [command, what, [], variable, env]),
  ),
];
const commandArgs = (command: string, out: string, saved: string): string[] => {
  switch (command) {
    case 'render':
      return ['render', '--out', out];
    case 'install':
      return ['install', '--yes', '--save-config', saved];
    case 'uninstall':
      return ['uninstall', '--yes'];
    default:
      return [command];
  }
};

let server: Server;
let requests = 0;
let endpoint = '';

beforeAll(async () => {
  // A stand-in AWS endpoint that counts requests: bad input must never reach it.
  server = createServer((_req, res) => {
    requests += 1;
    res.statusCode = 500;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('bad input exits 2 naming the field, before any AWS call', () => {
  it('has at least 25 distinct cases', () => {
    expect(new Set(cases.map((r) => r[1])).size).toBeGreaterThanOrEqual(25);
  });

  it.concurrent.each(cases)('%s: %s', async (command, _what, args, field, env = {}) => {
    const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
    const saved = join(dir, `saved-${Math.random().toString(36).slice(2)}.yaml`);
    const result = await runCli([...commandArgs(command, out, saved), ...args], {
      env: {
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'y',
        AWS_REGION: 'eu-west-1',
        ...env,
      },
      cwd: dir,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(field);
    // A message quotes at most about 100 characters of a value: no run prints a wall of text.
    expect(result.stderr.length, result.stderr).toBeLessThan(1200);
    expect(result.stderr).not.toContain('Unexpected error');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
    expect(existsSync(out)).toBe(false);
    expect(existsSync(saved)).toBe(false);
    expect(requests).toBe(0);
  });
});

// Inputs that never end, block, nest without end or are not UTF-8, and empty values: one line naming the
// input, exit 2, never "Unexpected error", never a hang (runCli fails the test after its timeout).
describe('files that never end or block, odd encodings and empty values exit 2 naming the input', () => {
  const fifo = join(dir, 'blocking.fifo');
  execFileSync('mkfifo', [fifo]);
  const bytes = (name: string, data: Buffer | string) => {
    const file = join(dir, name);
    writeFileSync(file, data);
    return file;
  };
  const deepJson = bytes('deep.json', `{"stackNames": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  const deepYaml = bytes('deep.yaml', `stackNames: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
  const deepEvent = bytes('deep-event.json', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  const utf16 = bytes(
    'utf16.yaml',
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('formatter: lambda\n', 'utf16le')]),
  );
  const latin1 = bytes('latin1.yaml', Buffer.from('providerName: Sécurité\n', 'latin1'));
  const huge = bytes('huge.yaml', `# ${'x'.repeat(1024 * 1024)}\n`);

  // [what, args, the input the message must name, what the message must say]
  const inputRows: [string, string[], string, RegExp][] = [
    [
      'config /dev/zero',
      ['render', '--out', join(dir, 'z1'), '--config', '/dev/zero'],
      '--config',
      /is a device; expected a regular file/,
    ],
    [
      'config FIFO',
      ['render', '--out', join(dir, 'z2'), '--config', fifo],
      '--config',
      /named pipe \(FIFO\)/,
    ],
    [
      'config folder',
      ['render', '--out', join(dir, 'z3'), '--config', dir],
      '--config',
      /is a folder|is a folder, not a file/,
    ],
    [
      'config over 1 MiB',
      ['render', '--out', join(dir, 'z4'), '--config', huge],
      '--config',
      /larger than 1024 KiB/,
    ],
    [
      'config nested 100,000 deep (JSON)',
      ['render', '--out', join(dir, 'z5'), '--config', deepJson],
      '--config',
      /nested more than 64 levels/,
    ],
    [
      'config nested 100,000 deep (YAML)',
      ['render', '--out', join(dir, 'z6'), '--config', deepYaml],
      '--config',
      /nested more than 64 levels/,
    ],
    [
      'config in UTF-16',
      ['render', '--out', join(dir, 'z7'), '--config', utf16],
      '--config',
      /UTF-16 or UTF-32 text; save it as UTF-8/,
    ],
    [
      'config in Latin-1',
      ['render', '--out', join(dir, 'z8'), '--config', latin1],
      '--config',
      /is not UTF-8 text \(byte 15/,
    ],
    [
      'empty --config',
      ['render', '--out', join(dir, 'z9'), '--config', ''],
      '--config',
      /the value is empty/,
    ],
    ['empty --out', ['render', '--out', ''], '--out', /the value is empty/],
    ['empty --profile', ['status', '--profile', ''], '--profile', /the value is empty/],
    [
      'empty --management-profile',
      ['doctor', '--management-profile', ''],
      '--management-profile',
      /the value is empty/,
    ],
    ['empty --event', ['preview', '--event', ''], '--event', /the value is empty/],
    [
      'event /dev/zero',
      ['preview', '--event', '/dev/zero'],
      '--event',
      /is a device; expected a regular file/,
    ],
    ['event FIFO', ['preview', '--event', fifo], '--event', /named pipe \(FIFO\)/],
    ['event nested 100,000 deep', ['preview', '--event', deepEvent], '--event', /nested more than 64 levels/],
  ];

  it.concurrent.each(inputRows)('%s', async (_what, args, field, says) => {
    const result = await runCli(args, {
      env: {
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'y',
        AWS_REGION: 'eu-west-1',
      },
      timeoutMs: 20_000,
    });
    expect(result.code, result.stderr).toBe(2);
    const first = result.stderr.split('\n').find((l) => l.startsWith('✖')) ?? '';
    expect(first).toContain(field);
    expect(first).toMatch(says);
    expect(result.stderr).not.toContain('Unexpected error');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(requests).toBe(0);
  });

  it('stdin beyond the event size limit is refused, not read to the end', async () => {
    const result = await runCli(['preview', '--event', '-'], {
      input: ' '.repeat(16 * 1024 * 1024 + 1),
      timeoutMs: 20_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--event: standard input is larger than 16384 KiB');
  });

  it('stdin within the limit keeps working', async () => {
    const event = readFileSync('test/fixtures/events/asff/securityhub-control-first-seen.json', 'utf8');
    const result = await runCli(['preview', '--event', '-'], { input: event });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('--- email 1 of 1 ---');
  });

  it('a byte-order mark is dropped: the config is read as written', async () => {
    const bom = bytes(
      'bom.json',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"formatter": "eventbridge"}')]),
    );
    const out = join(dir, 'bom-out');
    const result = await runCli(['render', '--out', out, '--config', bom, '--json'], {
      env: { AWS_REGION: 'eu-west-1' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(out, 'product.yaml'), 'utf8')).not.toContain('FormatterFunction:');
  });
});
