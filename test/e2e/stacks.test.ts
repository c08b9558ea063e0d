// The stack engine against moto: a real change-set lifecycle (create, no changes, update, delete twice)
// in an account of this file's own. Moto runs change sets synchronously and emits only stack-level events,
// so per-resource progress and failures are covered by the unit tests, not here.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { deleteStack, deployStack, describeStack, type StackSpec } from '../../src/aws/stacks.js';
import { MSG } from '../../src/core/messages.js';
import { type MotoAccount, motoAccount } from '../support/aws.js';
import { TestIoHost } from '../support/io-host.js';

const STACK = 'secnotify-e2e-stacks';

function template(extraTopic: boolean): string {
  return [
    'AWSTemplateFormatVersion: "2010-09-09"',
    'Parameters:',
    '  Env: { Type: String }',
    'Resources:',
    '  Topic:',
    '    Type: AWS::SNS::Topic',
    '    Properties:',
    '      TopicName: !Sub "findings-${Env}"',
    '  Bucket:',
    '    Type: AWS::S3::Bucket',
    ...(extraTopic
      ? ['  AuditTopic:', '    Type: AWS::SNS::Topic', '    Properties: { TopicName: audit }']
      : []),
    'Outputs:',
    '  TopicArn: { Value: !Ref Topic }',
    '  BucketName: { Value: !Ref Bucket }',
  ].join('\n');
}

describe('stack engine on moto', () => {
  let account: MotoAccount;
  let cfn: CloudFormationClient;
  const io = new TestIoHost();
  const events = () => io.payloads(MSG.STACK_ACTIVITY);
  const hooks = {
    io,
    confirm: async () => true,
    pollIntervalMs: 10,
  };
  const spec = (extraTopic: boolean): StackSpec => ({
    stackName: STACK,
    templateBody: template(extraTopic),
    parameters: { Env: 'test' },
    tags: { 'secnotify:test': 'stacks' },
  });

  beforeAll(async () => {
    account = await motoAccount('eu-west-1');
    cfn = new CloudFormationClient(account.clientConfig);
  });

  it('creates the stack, with its resources really there and its outputs', async () => {
    const result = await deployStack(cfn, spec(false), hooks);

    expect(result.outcome).toBe('created');
    expect(result.changes.map((c) => `${c.action} ${c.logicalId} ${c.resourceType}`).sort()).toEqual([
      'Add Bucket AWS::S3::Bucket',
      'Add Topic AWS::SNS::Topic',
    ]);
    expect(result.outputs.TopicArn).toBe(`arn:aws:sns:eu-west-1:${account.accountId}:findings-test`);
    expect(result.outputs.BucketName).toBeTruthy();
    await new S3Client(account.clientConfig).send(
      new HeadBucketCommand({ Bucket: result.outputs.BucketName }),
    );
    const topic = await new SNSClient(account.clientConfig).send(
      new GetTopicAttributesCommand({ TopicArn: result.outputs.TopicArn }),
    );
    expect(topic.Attributes?.TopicArn).toBe(result.outputs.TopicArn);

    const info = await describeStack(cfn, STACK);
    expect(info).toMatchObject({ status: 'CREATE_COMPLETE', parameters: { Env: 'test' } });
    expect(events().some((e) => e.kind === 'operation-finished' && e.ok && e.operation === 'create')).toBe(
      true,
    );
  });

  it('re-deploying the same template and parameters is "no changes"', async () => {
    const result = await deployStack(cfn, spec(false), hooks);
    expect(result.outcome).toBe('no-changes');
    expect(result.changes).toEqual([]);
    expect(io.codes.at(-1)).toBe(MSG.STACK_NO_CHANGES.code);
    expect(result.outputs.TopicArn).toContain(':findings-test');
  });

  it('a changed template is an update that lists the change', async () => {
    const confirmed: string[][] = [];
    const result = await deployStack(cfn, spec(true), {
      ...hooks,
      confirm: async (changes) => {
        confirmed.push(changes.map((c) => `${c.action} ${c.logicalId}`));
        return true;
      },
    });
    expect(result.outcome).toBe('updated');
    expect(result.changes).toContainEqual(
      expect.objectContaining({ action: 'Add', logicalId: 'AuditTopic', resourceType: 'AWS::SNS::Topic' }),
    );
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]).toContain('Add AuditTopic');
    expect((await describeStack(cfn, STACK))?.status).toBe('UPDATE_COMPLETE');
  });

  it('deletes the stack, and a second delete finds it absent', async () => {
    expect(await deleteStack(cfn, STACK, hooks)).toBe('deleted');
    expect(await describeStack(cfn, STACK)).toBeUndefined();
    expect(await deleteStack(cfn, STACK, hooks)).toBe('absent');
  });
});
