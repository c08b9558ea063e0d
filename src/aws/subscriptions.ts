// The product's launches (subscriptions) this account's credentials can see: Service Catalog names each
// launch's stack `SC-<account>-pp-<id>` (the provisioned product's CloudFormation stack), and the product
// template's Description marks it as ours. Read-only: DescribeStacks without a stack name returns every
// stack of the account and Region that is not deleted, with its parameters and description, page by page
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
import type { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import type { SubscriptionStack } from '../core/test-finding.js';

/** Text of the product template's Description (templates/product.yaml) that marks a subscription stack. */
export const SUBSCRIPTION_DESCRIPTION_MARK = '(secnotify subscription)';

/** Whether a stack is a launch of the product: an SC- stack with our description, or our parameters. */
export function isSubscriptionStack(stack: Pick<Stack, 'StackName' | 'Description' | 'Parameters'>): boolean {
  if (!stack.StackName?.startsWith('SC-')) return false;
  if (stack.Description?.includes(SUBSCRIPTION_DESCRIPTION_MARK)) return true;
  const keys = new Set((stack.Parameters ?? []).map((p) => p.ParameterKey));
  return keys.has('EmailAddresses') && keys.has('FindingSource') && keys.has('MinimumSeverity');
}

export async function listSubscriptionStacks(
  cfn: CloudFormationClient,
  accountId: string,
): Promise<SubscriptionStack[]> {
  const { DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const found: SubscriptionStack[] = [];
  let token: string | undefined;
  do {
    const page = await cfn.send(new DescribeStacksCommand({ NextToken: token }));
    for (const stack of page.Stacks ?? []) {
      if (!isSubscriptionStack(stack)) continue;
      found.push({
        stackName: stack.StackName as string,
        accountId,
        status: stack.StackStatus,
        parameters: Object.fromEntries(
          (stack.Parameters ?? []).map((p) => [
            p.ParameterKey ?? '',
            p.ResolvedValue ?? p.ParameterValue ?? '',
          ]),
        ),
      });
    }
    token = page.NextToken;
  } while (token);
  return found.sort((a, b) => a.stackName.localeCompare(b.stackName));
}
