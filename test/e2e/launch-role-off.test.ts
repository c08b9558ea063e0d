// --no-launch-role keeps working as before the hub launch-role check (issue 10, point 1): no launch-role
// stack in the hub, no launch constraint in the portfolio, and the portfolio deployed without the role.
import { CloudFormationClient, GetTemplateCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { parseCfnYaml } from '../../src/core/cfn-yaml.js';
import { motoOrganization } from '../support/aws.js';
import { runCli } from '../support/cli.js';

describe('install --no-launch-role', () => {
  it('deploys the portfolio without the launch role, the launch-role stack or a launch constraint', async () => {
    const { hub } = await motoOrganization();
    const result = await runCli(
      [
        'install',
        '--yes',
        '--json',
        '--no-launch-role',
        '--steps',
        'templates,portfolio',
        '--idc-region',
        'eu-west-1',
        '--share',
        'none',
      ],
      { env: { ...hub.env, SECNOTIFY_POLL_MS: '100' } },
    );
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.stacks.map((s: { stackName: string }) => s.stackName)).toEqual([
      'SecurityNotifications-SC-Bucket',
      'SecurityNotifications-Service-Catalog',
    ]);
    const cfn = new CloudFormationClient(hub.clientConfig);
    const live = (await cfn.send(new ListStacksCommand({}))).StackSummaries ?? [];
    expect(live.map((s) => s.StackName)).not.toContain('SecurityNotifications-IAM-roles');
    const body = (
      await cfn.send(new GetTemplateCommand({ StackName: 'SecurityNotifications-Service-Catalog' }))
    ).TemplateBody!;
    const types = Object.values(parseCfnYaml(body).Resources).map((r) => r.Type);
    expect(types).toContain('AWS::ServiceCatalog::CloudFormationProduct');
    expect(types).not.toContain('AWS::ServiceCatalog::LaunchRoleConstraint');
    await expect(
      new IAMClient(hub.clientConfig).send(
        new GetRoleCommand({ RoleName: 'SecurityHubNotificationsServiceCatalogLaunchRole' }),
      ),
    ).rejects.toMatchObject({ name: expect.stringMatching(/^NoSuchEntity/) });
  });
});
