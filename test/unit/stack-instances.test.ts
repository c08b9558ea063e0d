// After a StackSet roll-out: the stack instances that did not get the launch role, listed by account with
// their reason (aws-sdk-client-mock: moto does not run AWS::CloudFormation::StackSet), and the pure summary
// install, --json and status show. One suspended or SCP-denied account is a line, not a failed install.
import {
  CloudFormationClient,
  ListStackInstancesCommand,
  StackSetNotFoundException,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { listUnsuccessfulStackInstances, UNSUCCESSFUL_DETAILED_STATUSES } from '../../src/aws/stacksets.js';
import { summarizeStackInstances } from '../../src/core/stack-instances.js';

const config = { region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const SET = 'Security-Hub-Notifications-Product-IAM-Roles';
const SCP_DENIED =
  'ResourceLogicalId:LaunchRole, ResourceType:AWS::IAM::Role, ResourceStatusReason:User: arn:aws:sts::222222222222:assumed-role/stacksets-exec-abc/x is not authorized to perform: iam:CreateRole with an explicit deny in a service control policy.';

/** The request as sent: the paginator adds NextToken/MaxResults keys left undefined. */
const sent = (input: object) => JSON.parse(JSON.stringify(input)) as Record<string, unknown>;

describe('listUnsuccessfulStackInstances', () => {
  it('asks for each unsuccessful detailed status, as the caller (CallAs), in the hub Region', async () => {
    const cfn = new CloudFormationClient(config);
    const mock = mockClient(cfn);
    mock.on(ListStackInstancesCommand).resolves({ Summaries: [] });
    mock
      .on(ListStackInstancesCommand, { Filters: [{ Name: 'DETAILED_STATUS', Values: 'FAILED' }] }, false)
      .resolvesOnce({
        Summaries: [
          {
            Account: '222222222222',
            Region: 'eu-west-1',
            Status: 'OUTDATED',
            StackInstanceStatus: { DetailedStatus: 'FAILED' },
            StatusReason: SCP_DENIED,
            OrganizationalUnitId: 'ou-ab12-cdef3456',
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Summaries: [
          {
            Account: '333333333333',
            Region: 'eu-west-1',
            Status: 'OUTDATED',
            StackInstanceStatus: { DetailedStatus: 'FAILED' },
            StatusReason:
              'Account 333333333333 should have a role named AWSCloudFormationStackSetExecutionRole',
          },
        ],
      });
    mock
      .on(
        ListStackInstancesCommand,
        { Filters: [{ Name: 'DETAILED_STATUS', Values: 'SKIPPED_SUSPENDED_ACCOUNT' }] },
        false,
      )
      .resolves({
        Summaries: [
          {
            Account: '444444444444',
            Region: 'eu-west-1',
            Status: 'OUTDATED',
            StackInstanceStatus: { DetailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT' },
          },
        ],
      });

    const found = await listUnsuccessfulStackInstances(cfn, SET, 'DELEGATED_ADMIN', { region: 'eu-west-1' });

    const inputs = mock.commandCalls(ListStackInstancesCommand).map((c) => sent(c.args[0].input));
    // One query per status (a filter takes one value; filters combine with AND), the FAILED one paged
    // (the SDK's paginator sets NextToken on the same input object, so compare without it).
    const base = (status: string) => ({
      StackSetName: SET,
      CallAs: 'DELEGATED_ADMIN',
      Filters: [{ Name: 'DETAILED_STATUS', Values: status }],
      StackInstanceRegion: 'eu-west-1',
    });
    expect(inputs.map(({ NextToken: _, ...rest }) => rest)).toEqual(
      ['FAILED', ...UNSUCCESSFUL_DETAILED_STATUSES].map(base),
    );
    expect(UNSUCCESSFUL_DETAILED_STATUSES).toEqual([
      'FAILED',
      'CANCELLED',
      'INOPERABLE',
      'FAILED_IMPORT',
      'SKIPPED_SUSPENDED_ACCOUNT',
    ]);
    expect(inputs[1]!.NextToken).toBe('page-2');
    expect(found).toEqual([
      {
        account: '222222222222',
        region: 'eu-west-1',
        status: 'OUTDATED',
        detailedStatus: 'FAILED',
        statusReason: SCP_DENIED,
        organizationalUnitId: 'ou-ab12-cdef3456',
      },
      {
        account: '333333333333',
        region: 'eu-west-1',
        status: 'OUTDATED',
        detailedStatus: 'FAILED',
        statusReason: 'Account 333333333333 should have a role named AWSCloudFormationStackSetExecutionRole',
      },
      {
        account: '444444444444',
        region: 'eu-west-1',
        status: 'OUTDATED',
        detailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT',
      },
    ]);
  });

  it('says undefined when the StackSet does not exist', async () => {
    const cfn = new CloudFormationClient(config);
    const mock = mockClient(cfn);
    mock
      .on(ListStackInstancesCommand)
      .rejects(new StackSetNotFoundException({ message: `StackSet ${SET} not found`, $metadata: {} }));
    expect(await listUnsuccessfulStackInstances(cfn, SET, 'SELF')).toBeUndefined();
    expect(sent(mock.commandCalls(ListStackInstancesCommand)[0]!.args[0].input)).toEqual({
      StackSetName: SET,
      CallAs: 'SELF',
      Filters: [{ Name: 'DETAILED_STATUS', Values: 'FAILED' }],
    });
  });
});

describe('summarizeStackInstances', () => {
  it('lists failed and skipped accounts with their reasons and leaves the successful ones out', () => {
    const summary = summarizeStackInstances([
      { account: '555555555555', region: 'eu-west-1', status: 'CURRENT', detailedStatus: 'SUCCEEDED' },
      {
        account: '444444444444',
        region: 'eu-west-1',
        status: 'OUTDATED',
        detailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT',
      },
      {
        account: '222222222222',
        region: 'eu-west-1',
        status: 'OUTDATED',
        detailedStatus: 'FAILED',
        statusReason: 'iam:CreateRole with an explicit deny in a service control policy',
      },
      { account: '666666666666', region: 'eu-west-1', status: 'OUTDATED', detailedStatus: 'RUNNING' },
      { account: '777777777777', region: 'eu-west-1', status: 'INOPERABLE' },
      // Listed twice (once per query): reported once.
      {
        account: '222222222222',
        region: 'eu-west-1',
        status: 'OUTDATED',
        detailedStatus: 'FAILED',
        statusReason: 'iam:CreateRole with an explicit deny in a service control policy',
      },
    ]);
    expect(summary.failed.map((p) => [p.account, p.detailedStatus])).toEqual([
      ['222222222222', 'FAILED'],
      ['777777777777', 'INOPERABLE'],
    ]);
    expect(summary.skipped).toEqual([
      {
        account: '444444444444',
        region: 'eu-west-1',
        detailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT',
        reason: 'the account is suspended',
      },
    ]);
    expect(summary.accountsWithoutRole).toEqual(['222222222222', '444444444444', '777777777777']);
    expect(summary.lines).toEqual([
      '222222222222 eu-west-1 FAILED: iam:CreateRole with an explicit deny in a service control policy',
      '777777777777 eu-west-1 INOPERABLE: no reason given',
      '444444444444 eu-west-1 SKIPPED_SUSPENDED_ACCOUNT: the account is suspended',
    ]);
  });

  it('is empty after a clean roll-out', () => {
    expect(
      summarizeStackInstances([
        { account: '555555555555', region: 'eu-west-1', status: 'CURRENT', detailedStatus: 'SUCCEEDED' },
      ]),
    ).toEqual({ failed: [], skipped: [], accountsWithoutRole: [], lines: [] });
  });
});
