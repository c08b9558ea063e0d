// The install run as a whole, on scripted clients: a declined change set is a result, reported once as
// "cancelled, nothing changed", and the steps after it do not start.
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListStackInstancesCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import type { AwsContext } from '../../src/aws/clients.js';
import { DeclinedError, ExitCode } from '../../src/core/errors.js';
import { REQ } from '../../src/core/messages.js';
import { resolveOptions } from '../../src/core/options.js';
import { planInstall } from '../../src/core/plan.js';
import type { ResolvedOptions } from '../../src/ops/install/context.js';
import { runInstall } from '../../src/ops/install/index.js';
import { launchRoles } from '../../src/ops/install/launch-roles.js';
import { TestIoHost } from '../support/io-host.js';

const cfnMock = mockClient(CloudFormationClient);
afterAll(() => cfnMock.restore());

const STACK = 'SecurityNotifications-SC-Bucket';
const STACK_ID = `arn:aws:cloudformation:eu-west-1:222222222222:stack/${STACK}/0b1c2d3e-aaaa-bbbb-cccc-111122223333`;
const CS_ID = `arn:aws:cloudformation:eu-west-1:222222222222:changeSet/secnotify-1/9f8e7d6c-1111-2222-3333-444455556666`;

describe('install run', () => {
  it('a declined change set prints "cancelled, nothing changed" once, never a failure, and stops later steps', async () => {
    cfnMock.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: STACK,
          StackId: STACK_ID,
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [{ OutputKey: 'BucketName', OutputValue: 'bucket' }],
        },
      ],
    });
    cfnMock.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: 'Resources: {}' });
    cfnMock.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [] });
    cfnMock.on(CreateChangeSetCommand).resolves({ Id: CS_ID, StackId: STACK_ID });
    cfnMock.on(DescribeChangeSetCommand).resolves({
      Status: 'CREATE_COMPLETE',
      ExecutionStatus: 'AVAILABLE',
      ChangeSetId: CS_ID,
      Changes: [
        {
          Type: 'Resource',
          ResourceChange: {
            Action: 'Modify',
            LogicalResourceId: 'ProductTemplateBucket',
            ResourceType: 'AWS::S3::Bucket',
            Replacement: 'False',
          },
        },
      ],
    });
    cfnMock.on(DeleteChangeSetCommand).resolves({});
    const cfn = new CloudFormationClient({ region: 'eu-west-1' });
    const hub = { region: 'eu-west-1', cloudformation: async () => cfn } as unknown as AwsContext;
    const options = resolveOptions() as ResolvedOptions;
    const plan = planInstall({
      options,
      hubRegion: 'eu-west-1',
      haveManagementCredentials: false,
      selected: ['templates', 'portfolio'],
    });
    const io = new TestIoHost().mockResponse(REQ.CONFIRM_CHANGE_SET, false);

    const error = await runInstall(
      plan,
      {
        options,
        hub,
        hubCaller: {
          accountId: '222222222222',
          arn: 'arn:aws:iam::222222222222:role/admin',
          partition: 'aws',
        },
        dryRun: false,
        pollIntervalMs: 1,
        view: { changeTable: () => 'table' },
      },
      { io, signal: new AbortController().signal },
      { roleExists: async () => true },
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeclinedError);
    expect((error as DeclinedError).exitCode).toBe(ExitCode.Declined);
    expect((error as Error).message).toBe(
      'Cancelled, nothing changed in step templates; not started: portfolio.',
    );
    const shown = [...io.messages.map((m) => m.text), (error as Error).message];
    expect(shown.filter((t) => /cancelled, nothing changed/i.test(t))).toHaveLength(1);
    expect(io.codes).not.toContain('SN_STEP_FAILED');
    expect(io.codes).not.toContain('SN_STEP_DONE');
    expect(io.codes.filter((c) => c === 'SN_STEP_DECLINED')).toHaveLength(1);
    expect(cfnMock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(io.requests.map((r) => r.code)).toEqual(['SN_CONFIRM_CHANGE_SET']);
  });
});

describe('launch-roles step', () => {
  it('lists the accounts whose stack instance failed or was skipped, without failing the step', async () => {
    cfnMock.reset();
    const name = 'SecurityNotifications-IAM-roles-StackSet';
    const id = `arn:aws:cloudformation:eu-west-1:111111111111:stack/${name}/0b1c2d3e-aaaa-bbbb-cccc-111122223333`;
    cfnMock.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: name, StackId: id, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }],
    });
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: 'Resources: {}' });
    cfnMock.on(CreateChangeSetCommand).resolves({ Id: CS_ID, StackId: id });
    cfnMock.on(DescribeChangeSetCommand).resolves({
      Status: 'FAILED',
      ChangeSetId: CS_ID,
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    });
    cfnMock.on(DeleteChangeSetCommand).resolves({});
    cfnMock.on(ListStackInstancesCommand).callsFake((input) => {
      const status = input.Filters?.[0]?.Values;
      if (status === 'FAILED') {
        return {
          Summaries: [
            {
              Account: '444444444444',
              Region: 'eu-west-1',
              Status: 'OUTDATED',
              StatusReason:
                'User is not authorized to perform iam:CreateRole with an explicit deny in a service control policy',
              StackInstanceStatus: { DetailedStatus: 'FAILED' },
            },
          ],
        };
      }
      if (status === 'SKIPPED_SUSPENDED_ACCOUNT') {
        return {
          Summaries: [
            {
              Account: '555555555555',
              Region: 'eu-west-1',
              Status: 'OUTDATED',
              StackInstanceStatus: { DetailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT' },
            },
          ],
        };
      }
      return { Summaries: [] };
    });
    const cfn = new CloudFormationClient({ region: 'eu-west-1' });
    const management = { region: 'eu-west-1', cloudformation: async () => cfn } as unknown as AwsContext;
    const io = new TestIoHost().mockResponse(REQ.CONFIRM_CHANGE_SET, true);
    const done = await launchRoles(
      {
        options: resolveOptions({
          values: { stacksetTargets: 'ou-ab12-workload1' },
          sources: {},
        }) as ResolvedOptions,
        management,
        hub: management,
        hubCaller: { accountId: '222222222222', arn: '', partition: 'aws' },
        managementCaller: { accountId: '111111111111', arn: '', partition: 'aws' },
        organization: { id: 'o-abcdefghij', arn: '', managementAccountId: '111111111111', featureSet: 'ALL' },
        dryRun: false,
        pollIntervalMs: 1,
        view: { changeTable: () => '' },
      },
      { io, signal: new AbortController().signal },
      'eu-west-1',
    );
    expect(done.outcome).toBe('no-changes');
    expect(done.detail).toContain('2 account(s) without the launch role');
    expect(done.output?.rollout?.accountsWithoutRole).toEqual(['444444444444', '555555555555']);
    const calls = cfnMock.commandCalls(ListStackInstancesCommand).map((c) => c.args[0].input);
    expect(
      calls.every(
        (c) => c.StackSetName === 'Security-Hub-Notifications-Product-IAM-Roles' && c.CallAs === 'SELF',
      ),
    ).toBe(true);
    expect(io.messages.filter((m) => m.code === 'SN_STACK_INSTANCE_PROBLEM').map((m) => m.text)).toHaveLength(
      2,
    );
  });
});
