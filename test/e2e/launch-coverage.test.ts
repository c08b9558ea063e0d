// The organization tree read from moto's Organizations, and the accounts a share reaches without the launch
// role: the management account always (StackSets never deploys there), and accounts outside the StackSet OUs.
import { CreateOrganizationalUnitCommand, MoveAccountCommand } from '@aws-sdk/client-organizations';
import { beforeAll, describe, expect, it } from 'vitest';
import { readOrganizationTree } from '../../src/aws/organization-tree.js';
import { accountsWithoutLaunchRole, type OrganizationTree } from '../../src/core/launch-coverage.js';
import { type MotoOrganization, motoOrganization } from '../support/aws.js';

let o: MotoOrganization;
let rootId: string;
let workloads: string;
let prod: string;

beforeAll(async () => {
  o = await motoOrganization('eu-west-1');
  const tree = await readOrganizationTree(o.org);
  rootId = tree.rootId;
  const ou = async (parentId: string, name: string) =>
    (await o.org.send(new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: name })))
      .OrganizationalUnit!.Id!;
  workloads = await ou(rootId, 'Workloads');
  prod = await ou(workloads, 'Prod');
  await o.org.send(
    new MoveAccountCommand({ AccountId: o.memberId, SourceParentId: rootId, DestinationParentId: prod }),
  );
});

describe('readOrganizationTree (moto)', () => {
  it('lists nested OUs and every account under its direct parent', async () => {
    const tree: OrganizationTree = await readOrganizationTree(o.org);
    expect(tree.rootId).toBe(rootId);
    expect(tree.ous).toEqual(
      expect.arrayContaining([
        { id: workloads, parentId: rootId },
        { id: prod, parentId: workloads },
      ]),
    );
    expect(tree.accounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: o.management.accountId, parentId: rootId }),
        expect.objectContaining({ id: o.hub.accountId, parentId: rootId, name: 'security-tooling' }),
        expect.objectContaining({ id: o.memberId, parentId: prod, name: 'workload' }),
      ]),
    );
  });

  it('names the management account and the hub for an organization share with a Workloads StackSet', async () => {
    const missing = accountsWithoutLaunchRole({
      shareTargets: [{ kind: 'organization' }],
      stacksetTargets: [workloads],
      tree: await readOrganizationTree(o.org),
      managementAccountId: o.management.accountId,
    });
    const management = expect.objectContaining({
      accountId: o.management.accountId,
      reason: 'management-account',
    });
    const hub = expect.objectContaining({ accountId: o.hub.accountId, reason: 'outside-stackset-targets' });
    // Sorted by account ID.
    expect(missing).toEqual(o.management.accountId < o.hub.accountId ? [management, hub] : [hub, management]);
    // The workload account sits in Prod, below Workloads: covered.
    expect(missing.some((m) => m.accountId === o.memberId)).toBe(false);
  });
});
