// Reading a deployed stack: status, parameters, outputs and tags.
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { OperationError } from '../../core/errors.js';
import { isStackNotFoundError, translateAwsError } from '../aws-errors.js';
import { emulatorOutputs, usesCustomEndpoint } from './emulator-outputs.js';

export interface StackInfo {
  stackName: string;
  stackId: string;
  status: string;
  statusReason?: string;
  description?: string;
  parameters: Record<string, string>;
  outputs: Record<string, string>;
  tags: Record<string, string>;
  creationTime?: Date;
  /** Last update, or creation when never updated. */
  lastUpdated?: Date;
}

function record<T>(
  items: T[] | undefined,
  key: (t: T) => string | undefined,
  value: (t: T) => string | undefined,
): Record<string, string> {
  return Object.fromEntries(
    (items ?? []).flatMap((item) => {
      const k = key(item);
      return k === undefined ? [] : [[k, value(item) ?? '']];
    }),
  );
}

function stackInfo(stack: Stack): StackInfo {
  return {
    stackName: stack.StackName ?? '',
    stackId: stack.StackId ?? '',
    status: stack.StackStatus ?? '',
    ...(stack.StackStatusReason ? { statusReason: stack.StackStatusReason } : {}),
    ...(stack.Description ? { description: stack.Description } : {}),
    parameters: record(
      stack.Parameters,
      (p) => p.ParameterKey,
      (p) => p.ResolvedValue ?? p.ParameterValue,
    ),
    outputs: record(
      stack.Outputs,
      (o) => o.OutputKey,
      (o) => o.OutputValue,
    ),
    tags: record(
      stack.Tags,
      (t) => t.Key,
      (t) => t.Value,
    ),
    ...(stack.CreationTime ? { creationTime: stack.CreationTime } : {}),
    ...(stack.LastUpdatedTime || stack.CreationTime
      ? { lastUpdated: stack.LastUpdatedTime ?? stack.CreationTime }
      : {}),
  };
}

/** The deployed stack; undefined when absent (or REVIEW_IN_PROGRESS, which holds nothing yet). */
export async function describeStack(
  cfn: CloudFormationClient,
  stackName: string,
): Promise<StackInfo | undefined> {
  let out: DescribeStacksCommandOutput;
  try {
    out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    if (isStackNotFoundError(error)) return undefined;
    throw translateAwsError(error, { action: 'cloudformation:DescribeStacks' });
  }
  const stack = out.Stacks?.[0];
  if (!stack || stack.StackStatus === 'REVIEW_IN_PROGRESS' || stack.StackStatus === 'DELETE_COMPLETE')
    return undefined;
  return stackInfo(stack);
}

/**
 * The stack's outputs, as DescribeStacks reports them (CloudFormation reports every output of a complete
 * stack). Only against an emulator endpoint (an endpoint URL is configured) an empty list is filled in by
 * emulator support, because moto omits the outputs of stacks made by executing a change set. Throws when
 * the stack does not exist.
 */
export async function stackOutputs(
  cfn: CloudFormationClient,
  stackName: string,
): Promise<Record<string, string>> {
  const info = await describeStack(cfn, stackName);
  if (!info) throw new OperationError(`Stack ${stackName} does not exist, so it has no outputs.`);
  if (Object.keys(info.outputs).length > 0 || !usesCustomEndpoint(cfn)) return info.outputs;
  return emulatorOutputs(cfn, info);
}
