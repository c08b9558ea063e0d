// The permission-set step against moto, with the product ID that AWS would report from the portfolio stack.
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { describe, expect, it } from 'vitest';
import { createAwsContext } from '../../src/aws/clients.js';
import { parseCfnYaml } from '../../src/core/cfn-yaml.js';
import { REQ } from '../../src/core/messages.js';
import { resolveOptions } from '../../src/core/options.js';
import type { ResolvedOptions } from '../../src/ops/install/context.js';
import { permissionSet } from '../../src/ops/install/permission-set.js';
import { motoAccount } from '../support/aws.js';
import { TestIoHost } from '../support/io-host.js';

const HUB = '222222222222';

describe('permission-set step (moto)', () => {
  it('deploys to the Identity Center home region with the instance it finds and the hub region and product', async () => {
    const account = await motoAccount('us-east-1');
    const management = await createAwsContext({
      credentials: account.credentials,
      endpointUrl: account.endpoint,
      region: 'eu-west-1',
    });
    const hub = await createAwsContext({
      credentials: account.credentials,
      endpointUrl: account.endpoint,
      region: 'eu-central-1',
    });
    const instances = await (await management.inRegion('us-east-1').ssoAdmin()).send(
      new ListInstancesCommand({}),
    );
    const instanceArn = instances.Instances![0]!.InstanceArn!;
    const outcome = await permissionSet(
      {
        options: resolveOptions() as ResolvedOptions,
        hub,
        hubCaller: { accountId: HUB, arn: `arn:aws:iam::${HUB}:role/admin`, partition: 'aws' },
        management,
        managementCaller: { accountId: account.accountId, arn: '', partition: 'aws' },
        organization: {
          id: 'o-abcdefghij',
          arn: '',
          managementAccountId: account.accountId,
          featureSet: 'ALL',
        },
        idcHomeRegion: 'us-east-1',
        dryRun: false,
        pollIntervalMs: 50,
        view: { changeTable: () => '' },
      },
      {
        io: new TestIoHost().mockResponse(REQ.CONFIRM_CHANGE_SET, true),
        signal: new AbortController().signal,
        portfolio: { portfolioId: 'port-abcdefghijklm', productId: 'prod-abcdefghijklm', stacks: [] },
      },
      'us-east-1',
    );
    expect(outcome.outcome).toBe('done');
    expect(outcome.output?.stacks.map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['SecurityNotifications-PermissionSet', 'management', 'us-east-1'],
    ]);

    const cfn = new CloudFormationClient(account.clientConfig);
    const stack = (
      await cfn.send(new DescribeStacksCommand({ StackName: 'SecurityNotifications-PermissionSet' }))
    ).Stacks![0]!;
    const params = Object.fromEntries(
      (stack.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]),
    );
    expect(stack.StackId).toContain(':cloudformation:us-east-1:');
    expect(params).toMatchObject({
      InstanceArn: instanceArn,
      ProductId: 'prod-abcdefghijklm',
      PermissionSetName: 'SubscribeToSecurityNotifications',
      HubRegion: 'eu-central-1',
    });
    const template = parseCfnYaml(
      (await cfn.send(new GetTemplateCommand({ StackName: 'SecurityNotifications-PermissionSet' })))
        .TemplateBody!,
    );
    expect(JSON.stringify(template)).not.toContain('arn:aws:');
    management.destroy();
    hub.destroy();
  });
});
