// The pieces of install's one plan that need no AWS: the stored-settings diff and how a stack's change is
// worded, and the management-account check (on a scripted Organizations client).
import { ListDelegatedAdministratorsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import type { AwsContext, CallerIdentity } from '../../src/aws/clients.js';
import { ExitCode, UsageError } from '../../src/core/errors.js';
import { checkManagementAccount } from '../../src/ops/install/preflight.js';
import { stackLine } from '../../src/ops/install/prepare.js';
import { settingsDiff } from '../../src/ops/install/prepared-stack.js';

const orgMock = mockClient(OrganizationsClient);
afterAll(() => orgMock.restore());

const caller = (accountId: string): CallerIdentity =>
  ({ accountId, arn: `arn:aws:sts::${accountId}:assumed-role/x/y`, partition: 'aws' }) as CallerIdentity;
const context = {
  organizations: async () => new OrganizationsClient({ region: 'eu-west-1' }),
} as unknown as AwsContext;
const organization = { id: 'o-abc', managementAccountId: '111111111111' } as never;

describe('stored settings in the plan', () => {
  it('names each changed answer old → new, and nothing when they are equal', () => {
    const stored = { timezone: 'Europe/Berlin', share: ['org'], formatter: 'lambda' };
    expect(settingsDiff(stored, { ...stored, timezone: 'Asia/Tokyo' })).toEqual([
      { key: 'timezone', from: 'Europe/Berlin', to: 'Asia/Tokyo' },
    ]);
    expect(settingsDiff(stored, { ...stored })).toEqual([]);
    expect(settingsDiff(undefined, stored)).toEqual([]);
  });

  it('words a settings-only stack change as such', () => {
    const line = stackLine({
      stackName: 'SecurityNotifications-SC-Bucket',
      account: 'hub',
      region: 'eu-west-1',
      exists: true,
      kind: 'settings',
      changes: [],
      settings: [{ key: 'timezone', from: 'Europe/Berlin', to: 'Asia/Tokyo' }],
    });
    expect(line).toBe(
      'SecurityNotifications-SC-Bucket (hub, eu-west-1): stored settings only: timezone "Europe/Berlin" → "Asia/Tokyo"',
    );
  });
});

describe('management credentials', () => {
  it('accepts the management account without asking Organizations', async () => {
    orgMock.reset();
    await checkManagementAccount(context, caller('111111111111'), organization, ['org-setup']);
    expect(orgMock.calls()).toHaveLength(0);
  });

  it('refuses another account for org-setup with exit 2, naming both accounts', async () => {
    const error = await checkManagementAccount(context, caller('222222222222'), organization, [
      'org-setup',
      'templates',
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.Usage);
    expect((error as Error).message).toContain(
      "The management credentials are account 222222222222, but the organization's management account is 111111111111",
    );
  });

  it('accepts a registered delegated administrator for the steps asked of it, and only those', async () => {
    orgMock.reset();
    orgMock
      .on(ListDelegatedAdministratorsCommand, {
        ServicePrincipal: 'member.org.stacksets.cloudformation.amazonaws.com',
      })
      .resolves({ DelegatedAdministrators: [{ Id: '222222222222' }] })
      .on(ListDelegatedAdministratorsCommand, { ServicePrincipal: 'sso.amazonaws.com' })
      .resolves({ DelegatedAdministrators: [] });
    await checkManagementAccount(context, caller('222222222222'), organization, ['launch-roles']);
    const error = await checkManagementAccount(context, caller('222222222222'), organization, [
      'launch-roles',
      'permission-set',
    ]).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /step permission-set needs the management account or a delegated administrator for sso\.amazonaws\.com, and account 222222222222 is not registered for it/,
    );
  });
});
