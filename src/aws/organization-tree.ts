// The organization as a tree of OUs and accounts, for accountsWithoutLaunchRole (src/core/launch-coverage.ts):
// which accounts a share reaches and which ones the launch-role StackSet covers. Read with the management
// account's credentials (or an Organizations delegated administrator's).
import {
  type OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
} from '@aws-sdk/client-organizations';
import type { OrganizationTree } from '../core/launch-coverage.js';
import { awsFailure } from './aws-errors.js';
import { findRoot } from './organization.js';

/**
 * Every OU (breadth first from the root) and every account with its direct parent. One
 * ListOrganizationalUnitsForParent and one ListAccountsForParent per node, paginated; suspended accounts
 * are included (StackSets skips them, and the roll-out summary reports them).
 */
export async function readOrganizationTree(org: OrganizationsClient): Promise<OrganizationTree> {
  const rootId = await findRoot(org);
  const ous: { id: string; parentId: string }[] = [];
  const accounts: { id: string; parentId: string; name?: string }[] = [];
  const queue = [rootId];
  while (queue.length > 0) {
    const parentId = queue.shift()!;
    try {
      for await (const page of paginateListOrganizationalUnitsForParent(
        { client: org },
        { ParentId: parentId },
      )) {
        for (const ou of page.OrganizationalUnits ?? []) {
          if (!ou.Id) continue;
          ous.push({ id: ou.Id, parentId });
          queue.push(ou.Id);
        }
      }
    } catch (error) {
      throw awsFailure(error, 'organizations:ListOrganizationalUnitsForParent');
    }
    try {
      for await (const page of paginateListAccountsForParent({ client: org }, { ParentId: parentId })) {
        for (const a of page.Accounts ?? []) {
          if (a.Id) accounts.push({ id: a.Id, parentId, ...(a.Name ? { name: a.Name } : {}) });
        }
      }
    } catch (error) {
      throw awsFailure(error, 'organizations:ListAccountsForParent');
    }
  }
  return { rootId, ous, accounts };
}
