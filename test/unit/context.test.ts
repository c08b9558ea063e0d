// The command context: colour decided once, and the accounts every command opens from the same settings.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountTargets } from '../../src/aws/accounts.js';
import { configFileToRead, decideColor, type GlobalOptions } from '../../src/cli/context.js';
import { UsageError } from '../../src/core/errors.js';
import { resolveOptions } from '../../src/core/options.js';
import { ScriptedIo } from '../support/scripted-io.js';

describe('decideColor', () => {
  const on = { color: true, json: false };
  it('is off with --no-color, with --json, and with NO_COLOR even when FORCE_COLOR is set', () => {
    expect(decideColor({ color: false, json: false }, {}, true)).toBe(false);
    expect(decideColor({ color: true, json: true }, {}, true)).toBe(false);
    expect(decideColor(on, { NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
  });
  it('follows FORCE_COLOR, else whether stderr is a terminal; an empty NO_COLOR is no request', () => {
    expect(decideColor(on, { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(decideColor(on, { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(decideColor(on, { NO_COLOR: '' }, true)).toBe(true);
    expect(decideColor(on, {}, false)).toBe(false);
  });
});

describe('accountTargets', () => {
  it('opens only the hub without management settings', () => {
    expect(accountTargets({ profile: 'hub', region: 'eu-west-1' })).toEqual({
      hub: { profile: 'hub', region: 'eu-west-1' },
    });
  });
  it('assumes --management-role-arn with the hub profile, naming --profile in messages', () => {
    const arn = 'arn:aws:iam::111122223333:role/OrganizationAccountAccessRole';
    expect(
      accountTargets({ profile: 'hub', managementRoleArn: arn, endpointUrl: 'http://127.0.0.1:1' })
        .management,
    ).toEqual({
      profile: 'hub',
      roleArn: arn,
      endpointUrl: 'http://127.0.0.1:1',
      flags: { profile: '--profile' },
    });
  });
  it('uses --management-profile, named in messages', () => {
    expect(accountTargets({ profile: 'hub', managementProfile: 'org' }).management).toEqual({
      profile: 'org',
      flags: { profile: '--management-profile' },
    });
  });
});

describe('configFileToRead', () => {
  const globals = (more: Partial<GlobalOptions> = {}): GlobalOptions => ({
    yes: false,
    json: false,
    color: false,
    debug: false,
    ...more,
  });
  const folder = (text?: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'sn-ctx-'));
    if (text !== undefined) writeFileSync(join(dir, 'secnotify.yaml'), text);
    return dir;
  };

  it('reads ./secnotify.yaml when no --config is given, with a notice naming it', () => {
    const io = new ScriptedIo({});
    const loaded = configFileToRead({ io, globals: globals() }, folder('timezone: Asia/Tokyo\n'));
    expect(resolveOptions(loaded!.options).timezone).toBe('Asia/Tokyo');
    expect(loaded!.file).toBe('secnotify.yaml');
    expect(io.messages.map((m) => m.code)).toEqual(['SN_CONFIG_DEFAULT']);
  });

  it('reads nothing, silently, when there is no such file (or it is a folder)', () => {
    const io = new ScriptedIo({});
    expect(configFileToRead({ io, globals: globals() }, folder())).toBeUndefined();
    const dir = folder();
    mkdirSync(join(dir, 'secnotify.yaml'));
    expect(configFileToRead({ io, globals: globals() }, dir)).toBeUndefined();
    expect(io.messages).toEqual([]);
  });

  it('refuses an endpoint from a file read by default, unless the endpoint is given as a flag', () => {
    const dir = folder('endpointUrl: http://127.0.0.1:9\n');
    const io = new ScriptedIo({});
    let error: unknown;
    try {
      configFileToRead({ io, globals: globals() }, dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).field).toBe('endpointUrl (in secnotify.yaml)');
    expect(
      configFileToRead({ io, globals: globals({ endpointUrl: 'http://127.0.0.1:1' }) }, dir),
    ).toBeDefined();
  });

  it('rejects an empty --config', () => {
    expect(() =>
      configFileToRead({ io: new ScriptedIo({}), globals: globals({ config: '' }) }, folder()),
    ).toThrow(/--config: the value is empty/);
  });
});
