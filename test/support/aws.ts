// Test helpers for moto: every test file works in an account of its own, reached the way moto
// supports several accounts (sts AssumeRole into arn:aws:iam::<account>:role/<any>), so files
// running in parallel against one server never see each other's buckets, stacks or rules.
import { randomInt } from 'node:crypto';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { inject } from 'vitest';

export interface MotoAccount {
  accountId: string;
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Client config for any SDK v3 client: endpoint, region, credentials, path-style S3. */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    forcePathStyle: boolean;
  };
  /** Environment for a child CLI process acting in this account. */
  env: Record<string, string>;
}

export function motoEndpoint(): string {
  return inject('motoEndpoint');
}

export function randomAccountId(): string {
  // Avoid moto's default account 123456789012; 12 digits, no leading zero.
  return String(randomInt(100_000_000_000, 999_999_999_999));
}

export async function motoAccount(
  region = 'us-east-1',
  accountId = randomAccountId(),
  endpoint = motoEndpoint(),
): Promise<MotoAccount> {
  const sts = new STSClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const assumed = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/secnotify-test`,
      RoleSessionName: 'test',
    }),
  );
  const c = assumed.Credentials!;
  const credentials = {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
  };
  return {
    accountId,
    endpoint,
    region,
    credentials,
    clientConfig: { endpoint, region, credentials, forcePathStyle: true },
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      // moto answers calls it does not implement with HTTP 500, which the SDK retries with back-off.
      AWS_MAX_ATTEMPTS: '2',
    },
  };
}

export interface MotoOrganization {
  management: MotoAccount;
  /** The member account that hosts the product. */
  hub: MotoAccount;
  /** Another member account, e.g. to share with. */
  memberId: string;
  orgId: string;
  org: OrganizationsClient;
}

/** A fresh organization (all features) in moto: its management account, a hub and a workload account. */
export async function motoOrganization(region = 'eu-west-1', endpoint?: string): Promise<MotoOrganization> {
  const management = await motoAccount(region, randomAccountId(), endpoint ?? motoEndpoint());
  const org = new OrganizationsClient(management.clientConfig);
  const orgId = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.Id!;
  const account = async (name: string) =>
    (
      await org.send(
        new CreateAccountCommand({ AccountName: name, Email: `${name}-${management.accountId}@example.com` }),
      )
    ).CreateAccountStatus!.AccountId!;
  const hub = await motoAccount(region, await account('security-tooling'), management.endpoint);
  return { management, hub, memberId: await account('workload'), orgId, org };
}

/**
 * Puts the Service Catalog launch role into an account, as the launch-role StackSet's instance would
 * (moto runs no StackSet instances): a stack with just the role, so install finds it with iam:GetRole.
 */
export async function putLaunchRole(account: MotoAccount): Promise<void> {
  const { CloudFormationClient, CreateStackCommand, waitUntilStackCreateComplete } = await import(
    '@aws-sdk/client-cloudformation'
  );
  const cfn = new CloudFormationClient(account.clientConfig);
  const template = {
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'SecurityHubNotificationsServiceCatalogLaunchRole',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'servicecatalog.amazonaws.com' },
                Action: 'sts:AssumeRole',
              },
            ],
          },
        },
      },
    },
  };
  await cfn.send(
    new CreateStackCommand({
      StackName: 'StackSet-instance-launch-role',
      TemplateBody: JSON.stringify(template),
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    }),
  );
  await waitUntilStackCreateComplete(
    { client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
    { StackName: 'StackSet-instance-launch-role' },
  );
  cfn.destroy();
}
