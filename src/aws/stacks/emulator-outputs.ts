// Emulator support, used only when an endpoint URL is configured (never against AWS itself): moto, the test
// emulator, does not report the Outputs of a stack made by executing a change set, although AWS always
// reports the outputs a complete stack declares. Then — Outputs empty although the deployed template
// declares some — the outputs are derived from the template: values that are a Ref, Fn::Sub or Fn::Join over
// resources (their physical IDs from ListStackResources), parameters and pseudo parameters. Outputs built
// with Fn::GetAtt or conditions cannot be derived and are left out, so callers check for the keys they need.
import {
  type CloudFormationClient,
  GetTemplateCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { parseCfnYaml } from '../../core/cfn-yaml.js';
import { translateAwsError } from '../aws-errors.js';

/**
 * Whether the client talks to a custom endpoint (`--endpoint-url`, `AWS_ENDPOINT_URL`, or
 * `AWS_ENDPOINT_URL_CLOUDFORMATION`): the only case in which emulator support applies.
 */
export function usesCustomEndpoint(cfn: CloudFormationClient, env: NodeJS.ProcessEnv = process.env): boolean {
  const config = cfn.config as { isCustomEndpoint?: boolean };
  return Boolean(config.isCustomEndpoint || env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_CLOUDFORMATION);
}

export async function emulatorOutputs(
  cfn: CloudFormationClient,
  info: { stackId: string; parameters: Record<string, string> },
): Promise<Record<string, string>> {
  try {
    const template = await cfn.send(
      new GetTemplateCommand({ StackName: info.stackId, TemplateStage: 'Original' }),
    );
    if (!template.TemplateBody) return {};
    const parsed = parseCfnYaml(template.TemplateBody);
    if (!parsed.Outputs || Object.keys(parsed.Outputs).length === 0) return {};
    const physical: Record<string, string> = {};
    let token: string | undefined;
    do {
      const page = await cfn.send(
        new ListStackResourcesCommand({ StackName: info.stackId, NextToken: token }),
      );
      for (const r of page.StackResourceSummaries ?? []) {
        if (r.LogicalResourceId && r.PhysicalResourceId) physical[r.LogicalResourceId] = r.PhysicalResourceId;
      }
      token = page.NextToken;
    } while (token);
    return deriveOutputs(parsed.Outputs, {
      resources: physical,
      parameters: info.parameters,
      stackId: info.stackId,
    });
  } catch (error) {
    throw translateAwsError(error, { action: 'cloudformation:GetTemplate' });
  }
}

export interface OutputScope {
  /** Logical ID → physical ID. */
  resources: Record<string, string>;
  parameters: Record<string, string>;
  /** The stack ARN, source of the pseudo parameters (partition, region, account, name). */
  stackId: string;
}
/** Resolves the declared outputs whose values need only Ref/Sub/Join; the others are left out. */
export function deriveOutputs(
  outputs: Record<string, Record<string, unknown>>,
  scope: OutputScope,
): Record<string, string> {
  const [, partition = 'aws', , region = '', accountId = '', resource = ''] = scope.stackId.split(':');
  const pseudo: Record<string, string> = {
    'AWS::Partition': partition,
    'AWS::Region': region,
    'AWS::AccountId': accountId,
    'AWS::StackId': scope.stackId,
    'AWS::StackName': resource.split('/')[1] ?? '',
    'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    'AWS::NoValue': '',
  };
  const ref = (name: string): string | undefined =>
    scope.resources[name] ?? scope.parameters[name] ?? pseudo[name];
  const resolve = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const entries = Object.entries(value);
    if (entries.length !== 1) return undefined;
    const [fn, arg] = entries[0]!;
    if (fn === 'Ref' && typeof arg === 'string') return ref(arg);
    if (fn === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
      const parts = arg[1].map(resolve);
      return parts.every((p) => p !== undefined) ? parts.join(arg[0]) : undefined;
    }
    if (fn === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
      if (typeof text !== 'string') return undefined;
      let failed = false;
      const out = text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
        const local = vars && typeof vars === 'object' ? (vars as Record<string, unknown>)[name] : undefined;
        const v = local !== undefined ? resolve(local) : name.includes('.') ? undefined : ref(name);
        if (v === undefined) failed = true;
        return v ?? '';
      });
      return failed ? undefined : out.replace(/\$\{!/g, '${');
    }
    return undefined;
  };
  const result: Record<string, string> = {};
  for (const [key, output] of Object.entries(outputs)) {
    if (output.Condition !== undefined) continue;
    const value = resolve(output.Value);
    if (value !== undefined) result[key] = value;
  }
  return result;
}
