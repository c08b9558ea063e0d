// Who can launch: share targets that reach accounts without the launch role are named, the management
// account at least (StackSets never deploys there: DeploymentTargets, CloudFormation API reference).
import { describe, expect, it } from 'vitest';
import {
  accountsWithoutLaunchRole,
  describeAccountsWithoutLaunchRole,
  type OrganizationTree,
} from '../../src/core/launch-coverage.js';

const MANAGEMENT = '111111111111';
// r-ab12
// ├── 111111111111 (management)
// ├── ou-ab12-security: 222222222222 (hub)
// └── ou-ab12-workloads: 333333333333
//     ├── ou-ab12-prod: 444444444444
//     └── ou-ab12-sandbox: 555555555555
const tree: OrganizationTree = {
  rootId: 'r-ab12',
  ous: [
    { id: 'ou-ab12-security', parentId: 'r-ab12' },
    { id: 'ou-ab12-workloads', parentId: 'r-ab12' },
    { id: 'ou-ab12-prod', parentId: 'ou-ab12-workloads' },
    { id: 'ou-ab12-sandbox', parentId: 'ou-ab12-workloads' },
  ],
  accounts: [
    { id: MANAGEMENT, parentId: 'r-ab12', name: 'Management' },
    { id: '222222222222', parentId: 'ou-ab12-security', name: 'Security Tooling' },
    { id: '333333333333', parentId: 'ou-ab12-workloads', name: 'Shared' },
    { id: '444444444444', parentId: 'ou-ab12-prod', name: 'Prod' },
    { id: '555555555555', parentId: 'ou-ab12-sandbox', name: 'Sandbox' },
  ],
};

describe('accountsWithoutLaunchRole', () => {
  it('names the management account for the default organization share and root StackSet', () => {
    const missing = accountsWithoutLaunchRole({
      shareTargets: [{ kind: 'organization' }],
      stacksetTargets: ['r-ab12'],
      tree,
      managementAccountId: MANAGEMENT,
    });
    expect(missing).toEqual([{ accountId: MANAGEMENT, name: 'Management', reason: 'management-account' }]);
    expect(describeAccountsWithoutLaunchRole(missing)).toEqual([
      '111111111111 (Management): the management account (StackSets never deploys there)',
    ]);
  });

  it('names the accounts a wider share reaches outside the StackSet OUs, nested OUs included', () => {
    expect(
      accountsWithoutLaunchRole({
        shareTargets: [{ kind: 'organization' }],
        stacksetTargets: ['ou-ab12-prod'],
        tree,
        managementAccountId: MANAGEMENT,
      }).map((a) => [a.accountId, a.reason]),
    ).toEqual([
      [MANAGEMENT, 'management-account'],
      ['222222222222', 'outside-stackset-targets'],
      ['333333333333', 'outside-stackset-targets'],
      ['555555555555', 'outside-stackset-targets'],
    ]);
  });

  it('finds nothing when OU shares stay inside the StackSet targets', () => {
    expect(
      accountsWithoutLaunchRole({
        shareTargets: [
          { kind: 'ou', id: 'ou-ab12-prod' },
          { kind: 'ou', id: 'ou-ab12-sandbox' },
        ],
        stacksetTargets: ['ou-ab12-workloads'],
        tree,
        managementAccountId: MANAGEMENT,
      }),
    ).toEqual([]);
  });

  it('names an account share outside the organization and the management account shared by ID', () => {
    expect(
      accountsWithoutLaunchRole({
        shareTargets: [
          { kind: 'account', id: '999999999999' },
          { kind: 'account', id: MANAGEMENT },
          { kind: 'account', id: '444444444444' },
        ],
        stacksetTargets: ['r-ab12'],
        tree,
        managementAccountId: MANAGEMENT,
      }),
    ).toEqual([
      { accountId: MANAGEMENT, name: 'Management', reason: 'management-account' },
      { accountId: '999999999999', reason: 'outside-organization' },
    ]);
  });
});
