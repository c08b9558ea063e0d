// Whether an IAM role exists in an account (iam:GetRole: NoSuchEntity when it does not,
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html), and which OUs an account sits in.
import { GetRoleCommand } from '@aws-sdk/client-iam';
import {
  ListParentsCommand,
  type ListParentsCommandOutput,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { awsFailure } from './aws-errors.js';
import type { AwsContext } from './clients.js';

/** A look-up of one role by name in the account of `account`'s credentials. */
export type RoleLookup = (roleName: string) => Promise<boolean>;

export function roleLookup(account: Pick<AwsContext, 'iam'>): RoleLookup {
  return async (roleName) => {
    const iam = await account.iam();
    try {
      await iam.send(new GetRoleCommand({ RoleName: roleName }));
      return true;
    } catch (error) {
      if (
        (error as { name?: string }).name === 'NoSuchEntityException' ||
        (error as { name?: string }).name === 'NoSuchEntity'
      ) {
        return false;
      }
      throw awsFailure(error, 'iam:GetRole');
    }
  };
}

/** The IDs of the OUs and the root above an account, nearest first (management credentials). */
export async function accountAncestors(org: OrganizationsClient, accountId: string): Promise<string[]> {
  const ids: string[] = [];
  let child = accountId;
  for (let depth = 0; depth < 10; depth++) {
    let out: ListParentsCommandOutput;
    try {
      out = await org.send(new ListParentsCommand({ ChildId: child }));
    } catch (error) {
      throw awsFailure(error, 'organizations:ListParents');
    }
    const parent = out.Parents?.[0];
    if (!parent?.Id) break;
    ids.push(parent.Id);
    if (parent.Type === 'ROOT') break;
    child = parent.Id;
  }
  return ids;
}
