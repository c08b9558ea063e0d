// The option registry: one declaration per option makes the flags, the config keys and the stored settings,
// and the validation of the options other issues need (organization-wide subscriptions, email domains, free
// text that reaches a template, limits, look-alike input).
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { installerOptions } from '../../src/cli/installer-options.js';
import { buildProgram } from '../../src/cli/program.js';
import { configToYaml, parseConfigText } from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';
import {
  CLOUDFORMATION_MAX_RESOURCES,
  defaultOptions,
  inAllowedDomains,
  isDomainName,
  isEmailAddress,
  MAX_PRINCIPALS,
  nonEmptyPath,
  OPTIONS,
  optionsToConfig,
  PORTFOLIO_FIXED_RESOURCES,
  PORTFOLIO_RESOURCES_PER_PRINCIPAL,
  quote,
  resolveConnection,
  resolveOptions,
  type SourcedRaw,
} from '../../src/core/options.js';
import { renderInfrastructure } from '../../src/core/render/infrastructure.js';

const flags = (values: SourcedRaw['values']): SourcedRaw => ({ values, sources: {} });
const fromConfig = (values: SourcedRaw['values'], file = 'secnotify.yaml'): SourcedRaw => ({
  values,
  sources: Object.fromEntries(Object.keys(values).map((k) => [k, { kind: 'config', file }])),
});
const usageError = (fn: () => unknown): UsageError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
};

describe('the option registry', () => {
  it('derives one commander flag per option, whose parsed name is the option key', () => {
    const cmd = new Command();
    for (const option of installerOptions()) cmd.addOption(option);
    const parsed = cmd
      .parse(
        [
          '--formatter=lambda',
          '--timezone=UTC',
          '--provider-name=P',
          '--product-version=v1',
          '--no-launch-role',
          '--principal-type=iam-role',
          '--idc-subdomain=d-1234567890',
          '--idc-region=eu-west-1',
          '--permission-set-name=N',
          '--principals=A',
          '--share=org',
          '--stackset-targets=root',
          '--no-skip-repeated-findings',
          '--allow-org-wide-subscriptions',
          '--allowed-email-domains=example.com',
        ],
        { from: 'user' },
      )
      .opts();
    const withFlags = OPTIONS.filter((d) => d.flag).map((d) => d.key);
    expect(Object.keys(parsed).sort()).toEqual([...withFlags].sort());
  });

  it('offers the same installer flags on render, doctor and install, and --management-role-arn on doctor too', () => {
    const program = buildProgram(async () => {});
    const flagsOf = (name: string) =>
      program.commands.find((c) => c.name() === name)!.options.map((o) => o.long);
    const registryFlags = OPTIONS.flatMap((d) => (d.flag ? [d.flag] : []));
    for (const name of ['render', 'doctor', 'install'])
      expect(flagsOf(name)).toEqual(expect.arrayContaining(registryFlags));
    for (const name of ['doctor', 'install', 'status', 'uninstall'])
      expect(flagsOf(name)).toContain('--management-role-arn');
  });

  it('builds the defaults from the declarations', () => {
    expect(Object.keys(defaultOptions).sort()).toEqual(OPTIONS.map((d) => d.key).sort());
    expect(resolveOptions()).toEqual(defaultOptions);
    expect(defaultOptions.allowOrgWideSubscriptions).toBe(false);
    expect(defaultOptions.allowedEmailDomains).toEqual([]);
  });

  it('writes every option so that it reads back to the same value, through a config file', () => {
    const o = resolveOptions(
      flags({
        timezone: 'Asia/Tokyo',
        providerName: 'Platform Security',
        productVersion: 'v7',
        launchRole: false,
        idcSubdomain: 'my-portal',
        idcRegion: 'eu-central-1',
        permissionSetName: 'Notify',
        principals: 'Notify,SecOps',
        share: 'ou-ab12-abcdefgh,111122223333,Workloads/Prod',
        stacksetTargets: 'ou-ab12-abcdefgh',
        skipRepeatedFindings: false,
        allowOrgWideSubscriptions: true,
        allowedEmailDomains: 'Example.com,example.org',
        stackNames: { bucket: 'MyBucket' },
      }),
    );
    const loaded = parseConfigText(configToYaml(o, { region: 'eu-west-1' }), 'saved.yaml');
    expect(resolveOptions(loaded.options)).toEqual(o);
    expect(loaded.connection).toEqual({ region: 'eu-west-1' });
  });

  it('leaves the new options out of the stored settings while they are off, so older installs see no change', () => {
    const stored = optionsToConfig(resolveOptions());
    expect(stored).not.toHaveProperty('allowOrgWideSubscriptions');
    expect(stored).not.toHaveProperty('allowedEmailDomains');
    expect(optionsToConfig(resolveOptions(flags({ allowOrgWideSubscriptions: 'yes' })))).toMatchObject({
      allowOrgWideSubscriptions: true,
    });
  });
});

describe('organization-wide subscriptions and email domains (issue 11)', () => {
  it('reads --allow-org-wide-subscriptions as a boolean, off by default', () => {
    expect(resolveOptions(flags({ allowOrgWideSubscriptions: true })).allowOrgWideSubscriptions).toBe(true);
    expect(resolveOptions(fromConfig({ allowOrgWideSubscriptions: 'no' })).allowOrgWideSubscriptions).toBe(
      false,
    );
    expect(usageError(() => resolveOptions(fromConfig({ allowOrgWideSubscriptions: 'maybe' }))).field).toBe(
      'allowOrgWideSubscriptions (in secnotify.yaml)',
    );
  });

  it('reads --allowed-email-domains as lower-case domain names without duplicates', () => {
    expect(
      resolveOptions(flags({ allowedEmailDomains: 'Example.com, example.org,example.com' }))
        .allowedEmailDomains,
    ).toEqual(['example.com', 'example.org']);
    expect(
      resolveOptions(fromConfig({ allowedEmailDomains: ['mail.example.co.uk'] })).allowedEmailDomains,
    ).toEqual(['mail.example.co.uk']);
    expect(resolveOptions(flags({ allowedEmailDomains: 'none' })).allowedEmailDomains).toEqual([]);
  });

  it.each([
    ['@example.com', /without @/],
    ['https://example.com', /without @ or a scheme/],
    ['example', /domain names/],
    ['exa mple.com', /domain names/],
    ['-example.com', /domain names/],
    ['example..com', /domain names/],
    ['example.com,', /domain names/],
    ['ex*ample.com', /domain names/],
  ])('rejects %s as an email domain', (value, message) => {
    const error = usageError(() => resolveOptions(flags({ allowedEmailDomains: value })));
    expect(error.field).toBe('--allowed-email-domains');
    expect(error.message).toMatch(message);
  });
});

describe('free text that reaches a template', () => {
  it.each([
    ['a dynamic reference', '{{resolve:ssm:/secret}}', /dynamic reference/],
    ['a dynamic reference with spaces', 'Team {{ resolve:secretsmanager:x }}', /dynamic reference/],
    ['a right-to-left override', 'Security\u202Emoc.live', /U\+202E/],
    ['a zero-width space', 'Secu\u200Brity', /U\+200B/],
    ['a line separator', 'Secu\u2028rity', /U\+2028/],
    ['a new line', 'Secu\nrity', /not valid/],
  ])('rejects a provider name with %s', (_what, value, message) => {
    const error = usageError(() => resolveOptions(flags({ providerName: value })));
    expect(error.field).toBe('--provider-name');
    expect(error.message).toMatch(message);
  });

  it('accepts ordinary Unicode text as a provider name', () => {
    expect(resolveOptions(flags({ providerName: 'Sécurité Zürich' })).providerName).toBe('Sécurité Zürich');
  });
});

describe('messages about values (issue 12)', () => {
  it('quote at most 100 characters of a value', () => {
    const long = `Mars/${'x'.repeat(5000)}`;
    const error = usageError(() => resolveOptions(flags({ timezone: long })));
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).toContain('… (4905 more characters)');
    expect(quote('short')).toBe('"short"');
  });

  it('name the config key and file, or the environment variable, where the value came from', () => {
    expect(usageError(() => resolveOptions(fromConfig({ timezone: 'Mars/Base' }))).message).toMatch(
      /^timezone \(in secnotify\.yaml\): "Mars\/Base" is not valid/,
    );
    const env = usageError(() => resolveConnection([], { AWS_REGION: 'Europe' }));
    expect(env.field).toBe('AWS_REGION');
    expect(env.message).toMatch(/^AWS_REGION: "Europe" is not valid/);
    const config = usageError(() =>
      resolveConnection(
        [{ values: { region: 'Europe' }, source: { kind: 'config', file: 'secnotify.yaml' } }],
        {},
      ),
    );
    expect(config.field).toBe('region (in secnotify.yaml)');
    // A flag wins over the environment, and then only the flag is checked.
    expect(
      resolveConnection([{ values: { region: 'eu-west-1' }, source: { kind: 'flag' } }], { AWS_REGION: 'x' }),
    ).toEqual({
      region: 'eu-west-1',
    });
  });

  it.each([
    ['profile', '--profile'],
    ['managementProfile', '--management-profile'],
    ['region', '--region'],
    ['endpointUrl', '--endpoint-url'],
    ['managementRoleArn', '--management-role-arn'],
  ] as const)('rejects an empty %s naming %s', (key, flag) => {
    const error = usageError(() =>
      resolveConnection([{ values: { [key]: '' }, source: { kind: 'flag' } }], {}),
    );
    expect(error.field).toBe(flag);
    expect(error.message).toMatch(/the value is empty/);
  });

  it('rejects an empty --config path', () => {
    expect(usageError(() => nonEmptyPath('--config', '')).field).toBe('--config');
    expect(nonEmptyPath('--config', 'a.yaml')).toBe('a.yaml');
  });
});

describe('values that cannot deploy', () => {
  it.each([
    ['Arabic-Indic digits as an account', '١١١١٢٢٢٢٣٣٣٣'],
    ['fullwidth digits as an account', '１１１１２２２２３３３３'],
    ['one look-alike digit in an account ID', '11112222333٣'],
  ])('rejects %s in --share', (_what, value) => {
    const error = usageError(() => resolveOptions(flags({ share: value })));
    expect(error.field).toBe('--share');
    expect(error.message).toMatch(/only look like 0-9/);
  });

  it('rejects look-alike digits in StackSet targets', () => {
    expect(usageError(() => resolveOptions(flags({ stacksetTargets: 'ou-ab12-abcdefg٨' }))).message).toMatch(
      /only look like 0-9/,
    );
  });

  it('rejects Root for root, and root as a share target, but takes /Root as an OU named Root', () => {
    for (const value of ['Root', 'ROOT']) {
      const error = usageError(() => resolveOptions(flags({ stacksetTargets: value })));
      expect(error.field).toBe('--stackset-targets');
      expect(error.message).toMatch(/written root, in lower case/);
    }
    expect(resolveOptions(flags({ stacksetTargets: '/Root' })).stacksetTargets).toEqual(['/Root']);
    expect(usageError(() => resolveOptions(flags({ share: 'root' }))).message).toMatch(/written org/);
  });

  it(`takes at most ${MAX_PRINCIPALS} principals (Service Catalog's IAM_PATTERN limit), before any AWS call`, () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `PermissionSet${i}`).join(',');
    expect(resolveOptions(flags({ principals: names(MAX_PRINCIPALS) })).principals).toHaveLength(
      MAX_PRINCIPALS,
    );
    const error = usageError(() => resolveOptions(flags({ principals: names(MAX_PRINCIPALS + 1) })));
    expect(error.field).toBe('--principals');
    expect(error.message).toMatch(/at most 10/);
  });

  it('keeps the portfolio template within CloudFormation resource limits at the most principals allowed', () => {
    const count = (principals: number) => {
      const options = resolveOptions(
        flags({ principals: Array.from({ length: principals }, (_, i) => `P${i}`).join(',') }),
      );
      const portfolio = renderInfrastructure(options, {
        hubRegion: 'eu-west-1',
        idcHomeRegion: 'eu-west-1',
      }).find((s) => s.id === 'portfolio')!;
      return Object.keys(portfolio.template.Resources).length;
    };
    expect(count(1)).toBe(PORTFOLIO_FIXED_RESOURCES + PORTFOLIO_RESOURCES_PER_PRINCIPAL);
    expect(count(2) - count(1)).toBe(PORTFOLIO_RESOURCES_PER_PRINCIPAL);
    expect(count(MAX_PRINCIPALS)).toBeLessThanOrEqual(CLOUDFORMATION_MAX_RESOURCES);
  });

  it.each([
    ['team@example.com', true],
    ["o'brien+alerts@mail.example.co.uk", true],
    ['a.b@example.org', true],
    ['a..b@example.com', false],
    ['.a@example.com', false],
    ['a.@example.com', false],
    ['a@-example.com', false],
    ['a@example', false],
    ['a@example.c', false],
    ['a b@example.com', false],
    ['a@exa_mple.com', false],
    [`${'a'.repeat(65)}@example.com`, false],
    [`a@${'b'.repeat(64)}.com`, false],
    ['ünïcode@example.com', false],
  ])('email address %s is deliverable: %s', (address, ok) => {
    expect(isEmailAddress(address)).toBe(ok);
  });

  it('matches addresses to allowed domains exactly, in lower case as the product template does', () => {
    expect(inAllowedDomains('team@example.com', [])).toBe(true);
    expect(inAllowedDomains('team@example.com', ['example.org', 'example.com'])).toBe(true);
    expect(inAllowedDomains('team@mail.example.com', ['example.com'])).toBe(false);
    expect(inAllowedDomains('team@Example.com', ['example.com'])).toBe(false);
  });

  it('checks domain names as DNS does', () => {
    expect(isDomainName('example.com')).toBe(true);
    expect(isDomainName('xn--bcher-kva.example')).toBe(true);
    expect(isDomainName('example.123')).toBe(false);
    expect(isDomainName(`${'a.'.repeat(127)}com`)).toBe(false);
  });
});

describe('the access-portal subdomain "none"', () => {
  it('means no deep links, and is no conflict with the eventbridge formatter or iam-role principals', () => {
    expect(resolveOptions(flags({ idcSubdomain: 'none' })).idcSubdomain).toBeUndefined();
    expect(resolveOptions(fromConfig({ formatter: 'eventbridge', idcSubdomain: 'none' })).formatter).toBe(
      'eventbridge',
    );
    expect(
      resolveOptions(flags({ principalType: 'iam-role', principals: 'Dev', idcSubdomain: 'none' }))
        .principalType,
    ).toBe('iam-role');
    expect(
      usageError(() => resolveOptions(flags({ formatter: 'eventbridge', idcSubdomain: 'd-1234567890' })))
        .field,
    ).toBe('--idc-subdomain');
  });
});
