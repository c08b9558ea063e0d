// The command context: colour decided once, and the accounts every command opens from the same settings.
import { describe, expect, it } from 'vitest';
import { accountTargets } from '../../src/aws/accounts.js';
import { decideColor } from '../../src/cli/context.js';

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
