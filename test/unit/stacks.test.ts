// The stack engine against a scripted CloudFormation (aws-sdk-client-mock): each DescribeStacks call
// returns the current state and then advances the script one step, the way a real stack moves on between
// polls. The throttling test uses a real client against a local HTTP server, because retries live in the
// SDK's middleware, which aws-sdk-client-mock bypasses.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type StackEvent as CfnStackEvent,
  type Change,
  CloudFormationClient,
  CloudFormationServiceException,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  type ResourceStatus,
} from '@aws-sdk/client-cloudformation';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AWS_MAX_ATTEMPTS, createAwsContext } from '../../src/aws/clients.js';
import {
  type DeployHooks,
  deleteStack,
  deployStack,
  deriveOutputs,
  describeStack,
  type StackEvent,
  type StackSpec,
  stackOutputs,
} from '../../src/aws/stacks.js';
import { AbortError, DeploymentError } from '../../src/core/errors.js';
import { MSG } from '../../src/core/messages.js';
import { TestIoHost } from '../support/io-host.js';

const NAME = 'SecurityNotifications-SC-Bucket';
const STACK_ID = `arn:aws:cloudformation:eu-west-1:111122223333:stack/${NAME}/0b1c2d3e-aaaa-bbbb-cccc-111122223333`;
const CS_ID = `arn:aws:cloudformation:eu-west-1:111122223333:changeSet/secnotify-1/9f8e7d6c-1111-2222-3333-444455556666`;

const spec: StackSpec = {
  stackName: NAME,
  templateBody: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
  parameters: { ProviderName: 'Security', Version: 'v1' },
  capabilities: ['CAPABILITY_NAMED_IAM'],
  tags: { 'secnotify:part': 'bucket' },
};

type Step = { status?: string; reason?: string; events?: [string, string, string, string?][] };

function validationError(message: string): Error {
  return new CloudFormationServiceException({
    name: 'ValidationError',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message,
  });
}

/** A scripted stack: its status, its events (newest first) and what each poll brings next. */
class Sim {
  /** `endpoint` plays an emulator configured with --endpoint-url (never contacted: the client is mocked). */
  constructor(status?: string, endpoint?: string) {
    this.cfn = new CloudFormationClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      ...(endpoint ? { endpoint } : {}),
    });
    this.mock = mockClient(this.cfn);
    this.init(status);
  }
  cfn: CloudFormationClient;
  mock: AwsClientStub<CloudFormationClient>;
  status: string | undefined;
  stackId = STACK_ID;
  outputs: { OutputKey: string; OutputValue: string }[] = [];
  events: CfnStackEvent[] = [];
  script: Step[] = [];
  /** What ExecuteChangeSet and DeleteStack set in motion. */
  onExecute: Step[] = [];
  onDelete: Step[] = [];
  changeSet = {
    status: 'CREATE_COMPLETE',
    reason: undefined as string | undefined,
    pages: [[]] as Change[][],
  };
  calls: string[] = [];
  private seq = 0;
  private clock = 0;

  event(logicalId: string, type: string, status: string, reason?: string): CfnStackEvent {
    this.seq += 1;
    this.clock = Math.max(this.clock + 1, Date.now());
    const isStack = type === 'AWS::CloudFormation::Stack';
    return {
      StackId: this.stackId,
      StackName: NAME,
      EventId: `ev-${this.seq}`,
      LogicalResourceId: logicalId,
      PhysicalResourceId: isStack ? this.stackId : `${logicalId.toLowerCase()}-physical`,
      ResourceType: type,
      ResourceStatus: status as ResourceStatus,
      ResourceStatusReason: reason,
      Timestamp: new Date(this.clock),
    };
  }

  addEvents(events: Step['events']): void {
    for (const [id, type, status, reason] of events ?? [])
      this.events.unshift(this.event(id, type, status, reason));
  }

  stackEvent(status: string, reason?: string): void {
    this.events.unshift(this.event(NAME, 'AWS::CloudFormation::Stack', status, reason));
  }

  advance(): void {
    const step = this.script.shift();
    if (!step) return;
    this.addEvents(step.events);
    if (step.status) {
      this.status = step.status;
      this.stackEvent(step.status, step.reason);
    }
  }

  private init(status?: string): void {
    this.status = status;
    if (status) {
      // History from before this run, which the engine must not replay.
      this.addEvents([
        ['Topic', 'AWS::SNS::Topic', 'CREATE_COMPLETE'],
        [NAME, 'AWS::CloudFormation::Stack', status],
      ]);
      // History is an hour old; events of this run carry the current time, as CloudFormation's would.
      for (const e of this.events) e.Timestamp = new Date(e.Timestamp!.getTime() - 3_600_000);
    }
    const record = (name: string) => this.calls.push(name);
    this.mock.on(DescribeStacksCommand).callsFake((input) => {
      record('DescribeStacks');
      const byName = input.StackName === NAME;
      if (!this.status || (byName && this.status === 'DELETE_COMPLETE')) {
        throw validationError(`Stack with id ${input.StackName} does not exist`);
      }
      const answer = {
        Stacks: [
          {
            StackName: NAME,
            StackId: this.stackId,
            StackStatus: this.status,
            CreationTime: new Date('2025-01-01T00:00:00Z'),
            Parameters: [{ ParameterKey: 'ProviderName', ParameterValue: 'Security' }],
            Outputs: this.outputs,
          },
        ],
      };
      this.advance();
      return answer;
    });
    this.mock.on(DescribeStackEventsCommand).callsFake((input) => {
      record('DescribeStackEvents');
      // Pages of two, to exercise NextToken.
      const start = Number(input.NextToken ?? 0);
      const page = this.events.slice(start, start + 2);
      return { StackEvents: page, NextToken: start + 2 < this.events.length ? String(start + 2) : undefined };
    });
    this.mock.on(CreateChangeSetCommand).callsFake((input) => {
      record(`CreateChangeSet:${input.ChangeSetType}`);
      if (input.ChangeSetType === 'CREATE' && !this.status) {
        this.status = 'REVIEW_IN_PROGRESS';
        this.stackEvent('REVIEW_IN_PROGRESS', 'User Initiated');
      }
      return { Id: CS_ID, StackId: this.stackId };
    });
    let changeSetPolls = 0;
    this.mock.on(DescribeChangeSetCommand).callsFake((input) => {
      record('DescribeChangeSet');
      changeSetPolls += 1;
      if (changeSetPolls === 1) return { Status: 'CREATE_IN_PROGRESS', ChangeSetId: CS_ID };
      const index = Number(input.NextToken ?? 0);
      return {
        Status: this.changeSet.status,
        StatusReason: this.changeSet.reason,
        ChangeSetId: CS_ID,
        Changes: this.changeSet.pages[index],
        NextToken: index + 1 < this.changeSet.pages.length ? String(index + 1) : undefined,
      };
    });
    this.mock.on(DeleteChangeSetCommand).callsFake(() => {
      record('DeleteChangeSet');
      return {};
    });
    this.mock.on(ExecuteChangeSetCommand).callsFake(() => {
      record('ExecuteChangeSet');
      const creating = this.status === 'REVIEW_IN_PROGRESS';
      this.status = creating ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS';
      this.stackEvent(this.status, 'User Initiated');
      this.script = [...this.onExecute];
      return {};
    });
    this.mock.on(GetTemplateCommand).resolves({ TemplateBody: spec.templateBody });
    this.mock.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [] });
    this.mock.on(DeleteStackCommand).callsFake((input) => {
      record(`DeleteStack:${input.StackName}`);
      this.status = 'DELETE_IN_PROGRESS';
      this.stackEvent('DELETE_IN_PROGRESS', 'User Initiated');
      this.script = [...this.onDelete];
      return {};
    });
  }
}

function change(action: string, logicalId: string, resourceType: string, replacement?: string): Change {
  return {
    Type: 'Resource',
    ResourceChange: {
      Action: action as never,
      LogicalResourceId: logicalId,
      ResourceType: resourceType,
      Replacement: replacement as never,
    },
  };
}

function hooks(
  overrides: Partial<Omit<DeployHooks, 'io'>> = {},
): DeployHooks & { io: TestIoHost; events: StackEvent[]; confirmed: unknown[] } {
  const io = new TestIoHost();
  const confirmed: unknown[] = [];
  return {
    io,
    /** The stack activity the engine sent to the host, in order. */
    get events() {
      return io.payloads(MSG.STACK_ACTIVITY);
    },
    confirmed,
    confirm: async (changes) => {
      confirmed.push(changes);
      return true;
    },
    pollIntervalMs: 1,
    ...overrides,
  };
}

const resourceLines = (events: StackEvent[]) =>
  events.flatMap((e) => (e.kind === 'resource' ? [`${e.logicalId} ${e.status}`] : []));
/** The engine's notices: every message that is not stack activity. */
const notices = (io: TestIoHost) => io.codes.filter((code) => code !== MSG.STACK_ACTIVITY.code);

describe('deployStack', () => {
  it('creates a new stack through a CREATE change set, showing changes and events oldest first', async () => {
    const sim = new Sim();
    sim.changeSet.pages = [
      [change('Add', 'Topic', 'AWS::SNS::Topic')],
      [change('Add', 'Bucket', 'AWS::S3::Bucket')],
    ];
    sim.onExecute = [
      {
        events: [
          ['Topic', 'AWS::SNS::Topic', 'CREATE_IN_PROGRESS'],
          ['Bucket', 'AWS::S3::Bucket', 'CREATE_IN_PROGRESS'],
        ],
      },
      {
        events: [
          ['Topic', 'AWS::SNS::Topic', 'CREATE_COMPLETE'],
          ['Bucket', 'AWS::S3::Bucket', 'CREATE_COMPLETE'],
        ],
      },
      { status: 'CREATE_COMPLETE' },
    ];
    sim.outputs = [{ OutputKey: 'BucketName', OutputValue: 'my-bucket' }];
    const h = hooks();

    const result = await deployStack(sim.cfn, spec, h);

    expect(result).toMatchObject({
      stackName: NAME,
      outcome: 'created',
      status: 'CREATE_COMPLETE',
      stackId: STACK_ID,
    });
    expect(result.outputs).toEqual({ BucketName: 'my-bucket' });
    expect(result.changes).toEqual([
      { action: 'Add', logicalId: 'Topic', resourceType: 'AWS::SNS::Topic' },
      { action: 'Add', logicalId: 'Bucket', resourceType: 'AWS::S3::Bucket' },
    ]);
    expect(h.confirmed).toEqual([result.changes]);
    const input = sim.mock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      StackName: NAME,
      ChangeSetType: 'CREATE',
      TemplateBody: spec.templateBody,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Tags: [{ Key: 'secnotify:part', Value: 'bucket' }],
    });
    expect(input.Parameters).toEqual([
      { ParameterKey: 'ProviderName', ParameterValue: 'Security' },
      { ParameterKey: 'Version', ParameterValue: 'v1' },
    ]);
    expect(resourceLines(h.events)).toEqual([
      'Topic CREATE_IN_PROGRESS',
      'Bucket CREATE_IN_PROGRESS',
      'Topic CREATE_COMPLETE',
      'Bucket CREATE_COMPLETE',
    ]);
    const stackStatuses = h.events.flatMap((e) => (e.kind === 'stack-status' ? [e.status] : []));
    expect(stackStatuses).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
    expect(h.events.map((e) => e.kind)).toEqual([
      'change-set-created',
      'operation-started',
      'stack-status',
      'resource',
      'resource',
      'resource',
      'resource',
      'stack-status',
      'operation-finished',
    ]);
  });

  it('updates an existing stack and never replays events from before the execution', async () => {
    const sim = new Sim('UPDATE_COMPLETE');
    sim.changeSet.pages = [[change('Modify', 'Topic', 'AWS::SNS::Topic', 'False')]];
    sim.onExecute = [
      { events: [['Topic', 'AWS::SNS::Topic', 'UPDATE_IN_PROGRESS']] },
      { events: [['Topic', 'AWS::SNS::Topic', 'UPDATE_COMPLETE']], status: 'UPDATE_COMPLETE' },
    ];
    const h = hooks();

    const result = await deployStack(sim.cfn, spec, h);

    expect(result.outcome).toBe('updated');
    expect(result.changes).toEqual([
      { action: 'Modify', logicalId: 'Topic', resourceType: 'AWS::SNS::Topic', replacement: 'False' },
    ]);
    expect(sim.calls).toContain('CreateChangeSet:UPDATE');
    // The history holds "Topic CREATE_COMPLETE"; only this update's events are reported, each once.
    expect(resourceLines(h.events)).toEqual(['Topic UPDATE_IN_PROGRESS', 'Topic UPDATE_COMPLETE']);
  });

  it('treats an empty change set as "no changes", deletes it and executes nothing', async () => {
    const sim = new Sim('UPDATE_COMPLETE');
    sim.changeSet.status = 'FAILED';
    sim.changeSet.reason =
      "The submitted information didn't contain changes. Submit different information to create a change set.";
    sim.outputs = [{ OutputKey: 'BucketName', OutputValue: 'my-bucket' }];
    const h = hooks();

    const result = await deployStack(sim.cfn, spec, h);

    expect(result).toMatchObject({
      outcome: 'no-changes',
      changes: [],
      outputs: { BucketName: 'my-bucket' },
    });
    expect(sim.calls).toContain('DeleteChangeSet');
    expect(sim.calls).not.toContain('ExecuteChangeSet');
    expect(h.confirmed).toEqual([]);
    expect(notices(h.io)).toEqual(['SN_STACK_NO_CHANGES']);
  });

  it('an endpoint that refuses the empty change set outright ("No updates are to be performed") is also "no changes"', async () => {
    const sim = new Sim('UPDATE_COMPLETE');
    sim.mock.on(CreateChangeSetCommand).rejects(validationError('No updates are to be performed.'));
    const h = hooks();
    const result = await deployStack(sim.cfn, spec, h);
    expect(result).toMatchObject({ outcome: 'no-changes', stackId: STACK_ID, status: 'UPDATE_COMPLETE' });
    expect(notices(h.io)).toEqual(['SN_STACK_NO_CHANGES']);
    expect(h.confirmed).toEqual([]);
  });

  it('reports a change set CloudFormation rejects for another reason as a failure', async () => {
    const sim = new Sim('UPDATE_COMPLETE');
    sim.changeSet.status = 'FAILED';
    sim.changeSet.reason =
      'Template format error: Unresolved resource dependencies [Missing] in the Resources block';
    const error = await deployStack(sim.cfn, spec, hooks()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentError);
    expect((error as DeploymentError).message).toContain('Unresolved resource dependencies [Missing]');
    expect(sim.calls).not.toContain('ExecuteChangeSet');
  });

  it('deletes a stack left in ROLLBACK_COMPLETE by a failed first create, says so, and creates it again', async () => {
    const sim = new Sim('ROLLBACK_COMPLETE');
    sim.changeSet.pages = [[change('Add', 'Topic', 'AWS::SNS::Topic')]];
    sim.onDelete = [
      { events: [['Topic', 'AWS::SNS::Topic', 'DELETE_COMPLETE']] },
      { status: 'DELETE_COMPLETE' },
    ];
    sim.onExecute = [
      { events: [['Topic', 'AWS::SNS::Topic', 'CREATE_COMPLETE']], status: 'CREATE_COMPLETE' },
    ];
    // The re-created stack gets a new ID once the old one is gone.
    sim.mock.on(CreateChangeSetCommand).callsFake(() => {
      sim.calls.push('CreateChangeSet:CREATE-after-delete');
      sim.stackId = STACK_ID.replace('0b1c2d3e', '99999999');
      sim.status = 'REVIEW_IN_PROGRESS';
      return { Id: CS_ID, StackId: sim.stackId };
    });
    const h = hooks();

    const result = await deployStack(sim.cfn, spec, h);

    expect(result.outcome).toBe('created');
    const notice = h.io.messages.find((m) => m.code === MSG.STACK_RECREATE_FAILED_CREATE.code);
    expect(notice).toMatchObject({ level: 'warn', data: { stackName: NAME } });
    expect(notice?.text).toMatch(/ROLLBACK_COMPLETE.*deleting it and creating it again/);
    const deleteAt = sim.calls.indexOf(`DeleteStack:${STACK_ID}`);
    expect(deleteAt).toBeGreaterThan(-1);
    expect(sim.calls.indexOf('CreateChangeSet:CREATE-after-delete')).toBeGreaterThan(deleteAt);
    expect(h.io.messages.indexOf(notice!)).toBeLessThan(
      h.io.messages.findIndex((m) => (m.data as StackEvent | undefined)?.kind === 'operation-started'),
    );
  });

  it('counts a REVIEW_IN_PROGRESS stack as absent: CREATE change set, nothing deleted first', async () => {
    const sim = new Sim('REVIEW_IN_PROGRESS');
    sim.changeSet.pages = [[change('Add', 'Topic', 'AWS::SNS::Topic')]];
    sim.onExecute = [{ status: 'CREATE_COMPLETE' }];

    const result = await deployStack(sim.cfn, spec, hooks());

    expect(result.outcome).toBe('created');
    expect(sim.calls).toContain('CreateChangeSet:CREATE');
    expect(sim.calls.some((c) => c.startsWith('DeleteStack'))).toBe(false);
  });

  it('waits for an in-progress stack to settle before creating its change set', async () => {
    const sim = new Sim('UPDATE_IN_PROGRESS');
    sim.script = [{ status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' }, { status: 'UPDATE_COMPLETE' }];
    sim.changeSet.pages = [[change('Modify', 'Topic', 'AWS::SNS::Topic', 'False')]];
    sim.onExecute = [{ status: 'UPDATE_COMPLETE' }];
    const h = hooks();

    const result = await deployStack(sim.cfn, spec, h);

    expect(result.outcome).toBe('updated');
    expect(notices(h.io)[0]).toBe('SN_STACK_WAIT_IN_PROGRESS');
    const firstChangeSet = sim.calls.indexOf('CreateChangeSet:UPDATE');
    expect(sim.calls.slice(0, firstChangeSet).filter((c) => c === 'DescribeStacks')).toHaveLength(3);
    const seen = h.events.flatMap((e) => (e.kind === 'stack-status' ? [e.status] : []));
    expect(seen.slice(0, 2)).toEqual(['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE']);
  });

  it('fails with the failed resources and their reasons, leaving out cancellation noise', async () => {
    const sim = new Sim('UPDATE_COMPLETE');
    sim.changeSet.pages = [[change('Modify', 'Topic', 'AWS::SNS::Topic', 'True')]];
    sim.onExecute = [
      {
        events: [
          ['Topic', 'AWS::SNS::Topic', 'UPDATE_IN_PROGRESS'],
          ['Bucket', 'AWS::S3::Bucket', 'UPDATE_IN_PROGRESS'],
        ],
      },
      {
        events: [
          [
            'Topic',
            'AWS::SNS::Topic',
            'UPDATE_FAILED',
            'Invalid parameter: TopicName (Service: Sns, Status Code: 400)',
          ],
          ['Bucket', 'AWS::S3::Bucket', 'UPDATE_FAILED', 'Resource update cancelled'],
        ],
        status: 'UPDATE_ROLLBACK_IN_PROGRESS',
        reason: 'The following resource(s) failed to update: [Topic].',
      },
      { status: 'UPDATE_ROLLBACK_COMPLETE' },
    ];
    const h = hooks();

    const error = await deployStack(sim.cfn, spec, h).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeploymentError);
    const failure = error as DeploymentError;
    expect(failure.exitCode).toBe(1);
    expect(failure.failedResources).toEqual([
      {
        stackName: NAME,
        logicalId: 'Topic',
        resourceType: 'AWS::SNS::Topic',
        status: 'UPDATE_FAILED',
        reason: 'Invalid parameter: TopicName (Service: Sns, Status Code: 400)',
      },
    ]);
    expect(failure.message).toContain('UPDATE_ROLLBACK_COMPLETE');
    expect(failure.message).toContain('Invalid parameter: TopicName');
    expect(failure.hint).toMatch(/rolled back/);
    expect(h.events.at(-1)).toMatchObject({
      kind: 'operation-finished',
      ok: false,
      status: 'UPDATE_ROLLBACK_COMPLETE',
    });
  });

  it('dry run shows the changes, asks nothing and leaves no stack behind', async () => {
    const sim = new Sim();
    sim.changeSet.pages = [[change('Add', 'Topic', 'AWS::SNS::Topic')]];
    const h = hooks({ dryRun: true });

    const result = await deployStack(sim.cfn, spec, h);

    expect(result).toMatchObject({ outcome: 'dry-run', changes: [{ action: 'Add', logicalId: 'Topic' }] });
    expect(h.confirmed).toEqual([]);
    expect(sim.calls).toEqual(expect.arrayContaining(['DeleteChangeSet', `DeleteStack:${STACK_ID}`]));
    expect(sim.calls).not.toContain('ExecuteChangeSet');
  });

  it('declined changes are discarded and nothing is executed', async () => {
    const sim = new Sim('UPDATE_COMPLETE');
    sim.changeSet.pages = [[change('Remove', 'Topic', 'AWS::SNS::Topic')]];
    const h = hooks({ confirm: async () => false });
    const result = await deployStack(sim.cfn, spec, h);
    expect(result.outcome).toBe('declined');
    expect(sim.calls).toContain('DeleteChangeSet');
    expect(sim.calls).not.toContain('ExecuteChangeSet');
    expect(sim.calls.some((c) => c.startsWith('DeleteStack'))).toBe(false);
  });

  it('on abort stops polling and says what is still running in AWS and how to resume', async () => {
    const sim = new Sim('UPDATE_COMPLETE');
    sim.changeSet.pages = [[change('Modify', 'Topic', 'AWS::SNS::Topic', 'False')]];
    sim.onExecute = Array.from({ length: 50 }, () => ({
      events: [['Topic', 'AWS::SNS::Topic', 'UPDATE_IN_PROGRESS']],
    }));
    const controller = new AbortController();
    const h = hooks({ signal: controller.signal });
    h.io.onMessage((m) => {
      if ((m.data as StackEvent | undefined)?.kind === 'resource') controller.abort();
    });

    const error = await deployStack(sim.cfn, spec, h).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).exitCode).toBe(130);
    expect((error as AbortError).message).toMatch(
      new RegExp(`stack ${NAME} \\(status UPDATE_IN_PROGRESS\\) in AWS.*Re-running the same command resumes`),
    );
    const callsAtAbort = sim.calls.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(sim.calls.length).toBe(callsAtAbort);
  });
});

describe('deleteStack', () => {
  it('deletes an existing stack by ID and reports its events', async () => {
    const sim = new Sim('UPDATE_COMPLETE');
    sim.onDelete = [
      { events: [['Topic', 'AWS::SNS::Topic', 'DELETE_COMPLETE']] },
      { status: 'DELETE_COMPLETE' },
    ];
    const h = hooks();
    expect(await deleteStack(sim.cfn, NAME, h)).toBe('deleted');
    expect(sim.calls).toContain(`DeleteStack:${STACK_ID}`);
    expect(resourceLines(h.events)).toEqual(['Topic DELETE_COMPLETE']);
  });

  it('is "absent" when there is no stack, without deleting anything', async () => {
    const sim = new Sim();
    expect(await deleteStack(sim.cfn, NAME, hooks())).toBe('absent');
    expect(sim.calls).toEqual(['DescribeStacks']);
  });

  it('fails with the resources that could not be deleted', async () => {
    const sim = new Sim('CREATE_COMPLETE');
    sim.onDelete = [
      {
        events: [
          ['Bucket', 'AWS::S3::Bucket', 'DELETE_FAILED', 'The bucket you tried to delete is not empty'],
        ],
        status: 'DELETE_FAILED',
      },
    ];
    const error = await deleteStack(sim.cfn, NAME, hooks()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentError);
    expect((error as DeploymentError).failedResources).toEqual([
      expect.objectContaining({ logicalId: 'Bucket', reason: 'The bucket you tried to delete is not empty' }),
    ]);
  });
});

describe('describeStack and stackOutputs', () => {
  it('describes a deployed stack and hides REVIEW_IN_PROGRESS and absent stacks', async () => {
    const sim = new Sim('UPDATE_COMPLETE');
    sim.outputs = [{ OutputKey: 'PortfolioId', OutputValue: 'port-abc' }];
    expect(await describeStack(sim.cfn, NAME)).toMatchObject({
      stackName: NAME,
      stackId: STACK_ID,
      status: 'UPDATE_COMPLETE',
      parameters: { ProviderName: 'Security' },
      outputs: { PortfolioId: 'port-abc' },
      lastUpdated: new Date('2025-01-01T00:00:00Z'),
    });
    sim.status = 'REVIEW_IN_PROGRESS';
    expect(await describeStack(sim.cfn, NAME)).toBeUndefined();
    sim.status = undefined;
    expect(await describeStack(sim.cfn, NAME)).toBeUndefined();
  });

  it('reports the outputs as CloudFormation lists them; no template evaluation without an endpoint URL', async () => {
    const sim = new Sim('CREATE_COMPLETE');
    expect(await stackOutputs(sim.cfn, NAME)).toEqual({});
    expect(sim.mock.commandCalls(GetTemplateCommand)).toHaveLength(0);
  });

  it('with an endpoint URL (emulator support) derives outputs from the template when none are reported', async () => {
    const sim = new Sim('CREATE_COMPLETE', 'http://127.0.0.1:5999');
    sim.mock.on(GetTemplateCommand).resolves({
      TemplateBody: [
        'Resources:',
        '  Bucket: { Type: AWS::S3::Bucket }',
        'Outputs:',
        '  BucketName: { Value: !Ref Bucket }',
        '  BucketUrl: { Value: !Sub "https://${Bucket.RegionalDomainName}" }',
        '  Arn: { Value: !Sub "arn:${AWS::Partition}:s3:::${Bucket}" }',
      ].join('\n'),
    });
    sim.mock.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        {
          LogicalResourceId: 'Bucket',
          PhysicalResourceId: 'sc-bucket-123',
          ResourceType: 'AWS::S3::Bucket',
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: new Date(),
        },
      ],
    });
    expect(await stackOutputs(sim.cfn, NAME)).toEqual({
      BucketName: 'sc-bucket-123',
      Arn: 'arn:aws:s3:::sc-bucket-123',
    });
  });
});

describe('deriveOutputs', () => {
  it('resolves Ref, Sub and Join over resources, parameters and pseudo parameters, and skips the rest', () => {
    const outputs = deriveOutputs(
      {
        Name: { Value: { Ref: 'Topic' } },
        Param: { Value: { Ref: 'ProviderName' } },
        Joined: { Value: { 'Fn::Join': ['/', [{ Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, 'x']] } },
        SubVars: { Value: { 'Fn::Sub': ['${Name}-${AWS::StackName}', { Name: { Ref: 'Topic' } }] } },
        Attr: { Value: { 'Fn::GetAtt': ['Topic', 'TopicName'] } },
        Missing: { Value: { Ref: 'NotCreated' } },
        Conditional: { Value: 'x', Condition: 'IsLambda' },
      },
      {
        resources: { Topic: 'arn:aws:sns:eu-west-1:111122223333:t' },
        parameters: { ProviderName: 'Sec' },
        stackId: STACK_ID,
      },
    );
    expect(outputs).toEqual({
      Name: 'arn:aws:sns:eu-west-1:111122223333:t',
      Param: 'Sec',
      Joined: 'eu-west-1/111122223333/x',
      SubVars: `arn:aws:sns:eu-west-1:111122223333:t-${NAME}`,
    });
  });
});

describe('retries (a real client against a local server)', () => {
  let server: Server;
  let requests: string[];
  let endpoint: string;

  beforeEach(async () => {
    requests = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        requests.push(body);
        if (requests.length === 1) {
          res.writeHead(400, { 'content-type': 'text/xml' });
          res.end(
            '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r1</RequestId></ErrorResponse>',
          );
          return;
        }
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${NAME}</StackName><StackId>${STACK_ID}</StackId><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2025-01-01T00:00:00Z</CreationTime></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></DescribeStacksResponse>`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('a throttled DescribeStacks is retried by the clients createAwsContext makes', async () => {
    const context = await createAwsContext(
      { region: 'eu-west-1', endpointUrl: endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
      {},
    );
    const cfn = await context.cloudformation();
    try {
      expect(AWS_MAX_ATTEMPTS).toBeGreaterThan(2);
      const info = await describeStack(cfn, NAME);
      expect(info?.status).toBe('UPDATE_COMPLETE');
      expect(requests).toHaveLength(2);
      expect(requests[0]).toContain('Action=DescribeStacks');
    } finally {
      context.destroy();
    }
  });
});
