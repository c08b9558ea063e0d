// Where options come from and how every command takes them: ./secnotify.yaml read by default, colour
// decided once (NO_COLOR everywhere), doctor with --management-role-arn, preview of the eventbridge
// formatter without extra flags, and no silent fallback for the Identity Center home Region.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { motoOrganization } from '../support/aws.js';
import { runCli } from '../support/cli.js';

/** An ANSI colour code (ESC [ … m). */
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`);
const events = join(import.meta.dirname, '../fixtures/events');
const folder = (files: Record<string, string> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'sn-options-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};
const productParameters = (out: string) =>
  JSON.parse(readFileSync(join(out, 'portfolio.parameters.json'), 'utf8')) as {
    ParameterKey: string;
    ParameterValue: string;
  }[];

describe('./secnotify.yaml is read by default, like samconfig.toml', () => {
  it('reads it when --config is not given, and says so', async () => {
    const dir = folder({ 'secnotify.yaml': 'providerName: From The File\nregion: eu-central-1\n' });
    const out = join(dir, 'out');
    const result = await runCli(['render', '--out', out], { cwd: dir, cleanEnv: true });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Reading options from ./secnotify.yaml in the current folder');
    expect(productParameters(out)).toContainEqual({
      ParameterKey: 'ProviderName',
      ParameterValue: 'From The File',
    });
    // The file's region (a connection key) is used too: no warning about a missing Region.
    expect(result.stderr).not.toContain('No region given');
    // Offline, the Identity Center home Region is not guessed silently.
    expect(result.stderr).toContain(
      "No --idc-region: the principals' role paths and the permission set are rendered for eu-central-1",
    );
  });

  it('names the key and the file when a value in it is wrong', async () => {
    const dir = folder({ 'secnotify.yaml': 'timezone: Mars/Olympus_Mons\n' });
    const result = await runCli(['render', '--out', join(dir, 'out')], { cwd: dir, cleanEnv: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('timezone (in secnotify.yaml): "Mars/Olympus_Mons" is not valid');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('is not read when --config names another file', async () => {
    const dir = folder({
      'secnotify.yaml': 'providerName: Not This One\n',
      'other.yaml': 'providerName: The Other File\n',
    });
    const out = join(dir, 'out');
    const result = await runCli(['render', '--out', out, '--config', 'other.yaml'], {
      cwd: dir,
      cleanEnv: true,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('Reading options from ./secnotify.yaml');
    expect(productParameters(out)).toContainEqual({
      ParameterKey: 'ProviderName',
      ParameterValue: 'The Other File',
    });
  });
});

describe('colour is decided once', () => {
  // render without a Region prints a warning, which a colour terminal shows in yellow.
  const renderWarning = (env: Record<string, string | undefined>) =>
    runCli(['render', '--out', join(folder(), 'out')], {
      cleanEnv: true,
      env: { NO_COLOR: undefined, ...env },
    });

  it('colours with FORCE_COLOR, so the check below can see colour', async () => {
    const result = await renderWarning({ FORCE_COLOR: '1' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(SGR);
  });

  it('honours NO_COLOR over FORCE_COLOR, and --no-color', async () => {
    for (const env of [{ FORCE_COLOR: '1', NO_COLOR: '1' }, { FORCE_COLOR: '1' }]) {
      const args = 'NO_COLOR' in env ? [] : ['--no-color'];
      const result = await runCli(['render', '--out', join(folder(), 'out'), ...args], {
        cleanEnv: true,
        env: { NO_COLOR: undefined, ...env },
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('No region given');
      expect(result.stderr).not.toMatch(SGR);
    }
  });
});

describe('every command takes the flags it needs', () => {
  it('shows the global options in every subcommand help', async () => {
    for (const command of ['install', 'doctor', 'status', 'uninstall', 'render', 'send-test-finding']) {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      for (const flag of ['--profile', '--management-profile', '--config', '--yes', '--json', '--no-color'])
        expect(result.stdout, `${command} --help`).toContain(flag);
    }
    const doctor = await runCli(['doctor', '--help']);
    expect(doctor.stdout).toContain('--management-role-arn');
    expect(doctor.stdout).toContain('--allowed-email-domains');
  });

  it('preview --formatter eventbridge works without extra flags', async () => {
    const result = await runCli([
      'preview',
      '--formatter',
      'eventbridge',
      '--event',
      join(events, 'asff/securityhub-multiple-findings.json'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('--- email 1 of');
  });

  it('doctor assumes --management-role-arn for the management account, like install', async () => {
    const { hub, management } = await motoOrganization();
    const result = await runCli(
      [
        'doctor',
        '--json',
        '--management-role-arn',
        `arn:aws:iam::${management.accountId}:role/OrganizationAccountAccessRole`,
      ],
      { env: hub.env },
    );
    expect(result.stderr).not.toContain('unknown option');
    const withRole = JSON.stringify(JSON.parse(result.stdout));
    // The management-account checks ran with the assumed role's credentials; without the flag they cannot.
    const without = await runCli(['doctor', '--json'], { env: hub.env });
    expect(JSON.stringify(JSON.parse(without.stdout))).toContain('not among the credentials given');
    expect(withRole).not.toContain('not among the credentials given');
  });
});

describe('the Identity Center home Region', () => {
  it('is not silently taken from the hub: without --idc-region or management credentials, install stops with exit 2 before any change', async () => {
    const { hub } = await motoOrganization();
    const result = await runCli(['install', '--yes', '--steps', 'templates,portfolio'], {
      env: { ...hub.env, SECNOTIFY_POLL_MS: '50' },
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('--idc-region');
    const cfn = new CloudFormationClient(hub.clientConfig);
    const stacks = (await cfn.send(new ListStacksCommand({}))).StackSummaries ?? [];
    expect(stacks.filter((s) => s.StackStatus !== 'DELETE_COMPLETE')).toEqual([]);
  });

  it('is not needed for steps that do not use it', async () => {
    const { hub } = await motoOrganization();
    const result = await runCli(['install', '--yes', '--dry-run', '--steps', 'templates'], {
      env: { ...hub.env, SECNOTIFY_POLL_MS: '50' },
    });
    expect(result.code, result.stderr).toBe(0);
  });
});
