// The organization lookups against moto: an organization created in a fresh account (which makes it the
// management account), OUs two levels deep, a member account reached through sts AssumeRole.
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { beforeAll, describe, expect, it } from 'vitest';
import { findIdentityCenterInstance } from '../../src/aws/identity-center.js';
import {
  callerIsManagementAccount,
  describeOrganization,
  findRoot,
  isDelegatedAdmin,
  registerDelegatedAdmin,
  resolveOus,
  SERVICE_CATALOG_PRINCIPAL,
} from '../../src/aws/organization.js';
import { UsageError } from '../../src/core/errors.js';
import { type MotoAccount, motoAccount } from '../support/aws.js';

let management: MotoAccount;
let org: OrganizationsClient;
let orgId: string;
let memberId: string;
const ous: Record<string, string> = {};

beforeAll(async () => {
  management = await motoAccount('eu-west-1');
  org = new OrganizationsClient(management.clientConfig);
  orgId = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.Id!;
  const rootId = await findRoot(org);
  const make = async (name: string, parentId: string) =>
    (await org.send(new CreateOrganizationalUnitCommand({ Name: name, ParentId: parentId })))
      .OrganizationalUnit!.Id!;
  ous.Workloads = await make('Workloads', rootId);
  ous['Workloads/Prod'] = await make('Prod', ous.Workloads);
  ous['Workloads/Dev'] = await make('Dev', ous.Workloads);
  ous.Sandbox = await make('Sandbox', rootId);
  ous['Sandbox/Prod'] = await make('Prod', ous.Sandbox);
  const created = await org.send(
    new CreateAccountCommand({ AccountName: 'hub', Email: `hub-${management.accountId}@example.com` }),
  );
  memberId = created.CreateAccountStatus!.AccountId!;
});

describe('organization lookups (moto)', () => {
  it('describes the organization, with the caller as management account', async () => {
    const info = await describeOrganization(org);
    expect(info).toMatchObject({ id: orgId, managementAccountId: management.accountId, featureSet: 'ALL' });
    expect(info?.id).toMatch(/^o-[a-z0-9]{10,32}$/);
    expect(callerIsManagementAccount(info, management.accountId)).toBe(true);
  });

  it('sees the same organization from a member account, which is not the management account', async () => {
    const member = await motoAccount('eu-west-1', memberId);
    const memberOrg = new OrganizationsClient(member.clientConfig);
    const info = await describeOrganization(memberOrg);
    expect(info?.id).toBe(orgId);
    expect(callerIsManagementAccount(info, memberId)).toBe(false);
  });

  it('says undefined for an account in no organization', async () => {
    const loner = await motoAccount('eu-west-1');
    expect(await describeOrganization(new OrganizationsClient(loner.clientConfig))).toBeUndefined();
  });

  it('finds the root and resolves OU paths, IDs and unique names', async () => {
    const rootId = await findRoot(org);
    expect(rootId).toMatch(/^r-[a-z0-9]{4,32}$/);
    expect(await resolveOus(org, ['Workloads/Prod', 'Sandbox/Prod', 'Dev', 'root', ous.Workloads!])).toEqual([
      ous['Workloads/Prod'],
      ous['Sandbox/Prod'],
      ous['Workloads/Dev'],
      rootId,
      ous.Workloads,
    ]);
  });

  it('refuses an ambiguous name and a missing path with a UsageError naming the value', async () => {
    await expect(resolveOus(org, ['Prod'])).rejects.toThrow(
      /"Prod" is ambiguous.*Workloads\/Prod.*Sandbox\/Prod|"Prod" is ambiguous.*Sandbox\/Prod.*Workloads\/Prod/,
    );
    const error = await resolveOus(org, ['Workloads/QA']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('"Workloads/QA" not found');
  });

  it('registers the hub as Service Catalog delegated administrator once; the second run says already', async () => {
    expect(await isDelegatedAdmin(org, memberId, SERVICE_CATALOG_PRINCIPAL)).toBe(false);
    expect(await registerDelegatedAdmin(org, memberId, SERVICE_CATALOG_PRINCIPAL)).toBe('registered');
    expect(await registerDelegatedAdmin(org, memberId, SERVICE_CATALOG_PRINCIPAL)).toBe('already');
    expect(await isDelegatedAdmin(org, memberId, SERVICE_CATALOG_PRINCIPAL)).toBe(true);
  });

  it('finds the Identity Center instance of the management account', async () => {
    const instance = await findIdentityCenterInstance(new SSOAdminClient(management.clientConfig));
    expect(instance).toMatchObject({ ownerAccountId: management.accountId, homeRegion: 'eu-west-1' });
    expect(instance?.instanceArn).toMatch(/^arn:aws:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/);
  });
});
