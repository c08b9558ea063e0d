import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configToYaml, loadConfigFile } from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';
import {
  defaultOptions,
  identityCenterLinks,
  resolveOptions,
  type SourcedRaw,
} from '../../src/core/options.js';

const flags = (values: SourcedRaw['values']): SourcedRaw => ({ values, sources: {} });

describe('resolveOptions', () => {
  it('gives the documented defaults when nothing is said', () => {
    const o = resolveOptions();
    expect(o).toEqual(defaultOptions);
    expect(o.timezone).toBe('UTC'); // the original assigned an empty zone when the default was accepted
    expect(o.share).toEqual([{ kind: 'organization' }]);
    expect(o.principals).toEqual(['SubscribeToSecurityNotifications']);
  });

  it('parses comma lists of share targets, deduplicated, with org IDs meaning the organization', () => {
    const o = resolveOptions(flags({ share: 'ou-ab12-abcdefgh, 111122223333,ou-ab12-abcdefgh' }));
    expect(o.share).toEqual([
      { kind: 'ou', id: 'ou-ab12-abcdefgh' },
      { kind: 'account', id: '111122223333' },
    ]);
    expect(resolveOptions(flags({ share: 'none' })).share).toEqual([]);
    expect(resolveOptions(flags({ share: 'o-abcdefghij' })).share).toEqual([{ kind: 'organization' }]);
  });

  it('takes OUs by name or path as well as by ID, and keeps ID-shaped typos as errors', () => {
    const o = resolveOptions(
      flags({ share: 'Workloads/Prod,ou-ab12-abcdefgh', stacksetTargets: 'Workloads' }),
    );
    expect(o.share).toEqual([
      { kind: 'ou-path', path: 'Workloads/Prod' },
      { kind: 'ou', id: 'ou-ab12-abcdefgh' },
    ]);
    expect(o.stacksetTargets).toEqual(['Workloads']);
    expect(() => resolveOptions(flags({ share: 'ou-typo' }))).toThrow(/--share: "ou-typo" is not valid/);
    expect(() => resolveOptions(flags({ share: 'Workloads//Prod' }))).toThrow(UsageError);
  });

  it('accepts the IAM-role principal type without any Identity Center region (defect 2 of the original)', () => {
    const o = resolveOptions(flags({ principalType: 'iam-role', principals: 'Admin,Developer' }));
    expect(o.principalType).toBe('iam-role');
    expect(o.idcRegion).toBeUndefined();
    expect(o.principals).toEqual(['Admin', 'Developer']);
  });

  it('turns links on only for the Lambda formatter with Identity Center and a subdomain', () => {
    expect(identityCenterLinks(resolveOptions(flags({ idcSubdomain: 'd-1234567890' })))).toBe(true);
    expect(identityCenterLinks(resolveOptions())).toBe(false);
  });

  it('eventbridge mode forces UTC and no de-duplication when those were defaults', () => {
    const o = resolveOptions(flags({ formatter: 'eventbridge' }));
    expect(o.timezone).toBe('UTC');
    expect(o.skipRepeatedFindings).toBe(false);
  });

  it('lets flags win over the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sn-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'timezone: Europe/Berlin\nproviderName: Platform Team\nprincipals: [A, B]\n');
    const loaded = loadConfigFile(file);
    const o = resolveOptions(loaded.options, flags({ timezone: 'Australia/Melbourne' }));
    expect(o.timezone).toBe('Australia/Melbourne');
    expect(o.providerName).toBe('Platform Team');
    expect(o.principals).toEqual(['A', 'B']);
  });

  it('names the config file in errors about its values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sn-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ formatter: 'sms' }));
    let error: unknown;
    try {
      resolveOptions(loadConfigFile(file).options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).field).toBe(`formatter (in ${file})`);
    expect((error as UsageError).message).toContain('one of lambda, eventbridge');
  });

  it('writes a config that reads back to the same options', () => {
    const o = resolveOptions(
      flags({
        timezone: 'Asia/Tokyo',
        idcSubdomain: 'my-portal',
        share: 'ou-ab12-abcdefgh',
        productVersion: 'v7',
      }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'sn-'));
    const file = join(dir, 'saved.yaml');
    writeFileSync(file, configToYaml(o, { region: 'eu-west-1' }));
    const loaded = loadConfigFile(file);
    expect(loaded.connection).toEqual({ region: 'eu-west-1' });
    expect(resolveOptions(loaded.options)).toEqual(o);
  });
});
