// Whether an IAM role exists in an account (iam:GetRole), and which OUs an account sits in. IAM has no
// client among the bundled SDK packages, so GetRole is one signed call to the IAM Query API
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html: NoSuchEntity, HTTP 404, when the
// role does not exist). IAM is a global service: its endpoint and signing region follow the partition.
import { createHash, createHmac } from 'node:crypto';
import {
  ListParentsCommand,
  type ListParentsCommandOutput,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { SignatureV4 } from '@smithy/signature-v4';
import { OperationError } from '../core/errors.js';
import { awsFailure } from './aws-errors.js';
import type { AwsContext } from './clients.js';

const bytes = (d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof d === 'string'
    ? d
    : d instanceof ArrayBuffer
      ? new Uint8Array(d)
      : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/** IAM's endpoint and signing region per partition (https://docs.aws.amazon.com/general/latest/gr/iam-service.html). */
export function iamEndpoint(partition: string): { url: string; region: string } {
  if (partition === 'aws-us-gov') return { url: 'https://iam.us-gov.amazonaws.com', region: 'us-gov-west-1' };
  if (partition === 'aws-cn') return { url: 'https://iam.cn-north-1.amazonaws.com.cn', region: 'cn-north-1' };
  return { url: 'https://iam.amazonaws.com', region: 'us-east-1' };
}

/** A look-up of one role by name in the account of `account`'s credentials. */
export type RoleLookup = (roleName: string) => Promise<boolean>;

export function roleLookup(
  account: AwsContext,
  partition: string,
  env: NodeJS.ProcessEnv = process.env,
): RoleLookup {
  return async (roleName) => {
    const sts = await account.sts();
    const credentials = await sts.config.credentials();
    const custom = account.target.endpointUrl || env.AWS_ENDPOINT_URL_IAM || env.AWS_ENDPOINT_URL;
    const { url, region } = custom ? { url: custom, region: 'us-east-1' } : iamEndpoint(partition);
    const endpoint = new URL(url);
    const body = new URLSearchParams({
      Action: 'GetRole',
      Version: '2010-05-08',
      RoleName: roleName,
    }).toString();
    const signer = new SignatureV4({ credentials, region, service: 'iam', sha256: NodeSha256 });
    const signed = await signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: endpoint.pathname || '/',
      query: {},
      headers: { host: endpoint.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    });
    let response: Response;
    try {
      response = await fetch(new URL(signed.path, endpoint), {
        method: 'POST',
        headers: signed.headers as Record<string, string>,
        body,
      });
    } catch (error) {
      throw awsFailure(error, 'iam:GetRole');
    }
    if (response.ok) return true;
    const text = await response.text();
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP ${response.status}`;
    if (code === 'NoSuchEntity') return false;
    const message = /<Message>([^<]+)<\/Message>/.exec(text)?.[1] ?? '';
    throw new OperationError(`iam:GetRole for ${roleName} failed: ${code}${message ? ` ${message}` : ''}.`, {
      hint: 'The hub credentials need iam:GetRole to check the Service Catalog launch role.',
    });
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
