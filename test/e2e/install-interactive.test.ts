// The interactive install, as a person runs it in CloudShell: the real CLI in a pseudo-terminal, answers
// typed at its prompts, then the deployed stacks checked in moto.
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { parseCfnYaml } from '../../src/core/cfn-yaml.js';
import { SETTINGS_METADATA_KEY } from '../../src/core/render/settings.js';
import { type MotoAccount, motoOrganization } from '../support/aws.js';
import { DOWN, ENTER, runInPty } from '../support/pty.js';

const hubInOrganization = async (): Promise<MotoAccount> => (await motoOrganization()).hub;

async function deployed(hub: MotoAccount, stackName: string) {
  const cfn = new CloudFormationClient(hub.clientConfig);
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks![0]!;
  const template = parseCfnYaml(
    (await cfn.send(new GetTemplateCommand({ StackName: stackName }))).TemplateBody!,
  );
  return {
    params: Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue])),
    template,
    settings: template.Metadata?.[SETTINGS_METADATA_KEY] as Record<string, unknown>,
  };
}

const QUESTIONS = {
  formatter: 'How should emails be formatted\\?',
  timezone: 'Time zone for dates in emails',
  provider: 'Provider name shown in Service Catalog',
  launchRole: 'Deploy the launch role to every account',
  principalType: 'Who may launch the product\\?',
  subdomain: 'Access-portal subdomain',
  principals: 'names allowed to launch',
  share: 'Share the portfolio with',
  stacksetTargets: 'Launch-role StackSet targets',
  skipRepeated: 'Skip control findings',
};
const CONFIRM_BUCKET = 'Deploy these changes to SecurityNotifications-SC-Bucket\\?';
const CONFIRM_PORTFOLIO = 'Deploy these changes to SecurityNotifications-Service-Catalog\\?';
// Without management credentials the launch role comes from the single-account stack in the hub.
const CONFIRM_LAUNCH_ROLE = 'Deploy these changes to SecurityNotifications-IAM-roles\\?';
const env = (hub: MotoAccount) => ({ ...hub.env, SECNOTIFY_POLL_MS: '100' });

describe('interactive install in a pseudo-terminal', () => {
  it('accepting every default installs with the documented defaults', { timeout: 180_000 }, async () => {
    const hub = await hubInOrganization();
    const steps = [...Object.values(QUESTIONS), CONFIRM_BUCKET, CONFIRM_LAUNCH_ROLE, CONFIRM_PORTFOLIO].map(
      (expect) => ({ expect, send: ENTER }),
    );
    const run = await runInPty(
      ['install', '--steps', 'templates,portfolio', '--idc-region', 'eu-west-1'],
      steps,
      env(hub),
    );
    expect(run.timeout, run.transcript).toBeNull();
    expect(run.code, run.transcript).toBe(0);
    expect(run.transcript).toContain('Install complete.');
    // The change set was shown before the question that deploys it.
    expect(run.transcript.indexOf('AWS::S3::Bucket')).toBeLessThan(
      run.transcript.search(new RegExp(CONFIRM_BUCKET)),
    );

    const portfolio = await deployed(hub, 'SecurityNotifications-Service-Catalog');
    expect(portfolio.params).toMatchObject({ ProviderName: 'Security', ProductVersion: 'v1' });
    expect(portfolio.settings).toMatchObject({
      formatter: 'lambda',
      timezone: 'UTC',
      launchRole: true,
      principalType: 'identity-center',
      principals: ['SubscribeToSecurityNotifications'],
      share: ['org'],
      skipRepeatedFindings: true,
    });
  });

  it('typed answers end up in the deployed stacks, and the next run asks nothing already answered', {
    timeout: 180_000,
  }, async () => {
    const hub = await hubInOrganization();
    const typed = [
      { expect: QUESTIONS.formatter, send: ENTER },
      { expect: QUESTIONS.timezone, send: `\x7f\x7f\x7fEurope/Berlin${ENTER}` },
      { expect: QUESTIONS.provider, send: `\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7fPlatform Security${ENTER}` },
      { expect: QUESTIONS.launchRole, send: `n${ENTER}` },
      { expect: QUESTIONS.principalType, send: `${DOWN}${ENTER}` },
      { expect: QUESTIONS.principals, send: `${'\x7f'.repeat(40)}WorkloadAdmin,SecOps${ENTER}` },
      { expect: QUESTIONS.share, send: `\x7f\x7f\x7fnone${ENTER}` },
      { expect: QUESTIONS.skipRepeated, send: `n${ENTER}` },
      { expect: CONFIRM_BUCKET, send: ENTER },
      { expect: CONFIRM_PORTFOLIO, send: ENTER },
    ];
    const run = await runInPty(['install', '--steps', 'templates,portfolio'], typed, env(hub));
    expect(run.timeout, run.transcript).toBeNull();
    expect(run.code, run.transcript).toBe(0);
    // iam-role principals ask no Identity Center subdomain; no launch role asks no StackSet targets.
    expect(run.transcript).not.toMatch(new RegExp(QUESTIONS.subdomain));
    expect(run.transcript).not.toMatch(new RegExp(QUESTIONS.stacksetTargets));

    const portfolio = await deployed(hub, 'SecurityNotifications-Service-Catalog');
    expect(portfolio.params.ProviderName).toBe('Platform Security');
    const principals = Object.values(portfolio.template.Resources)
      .filter((r) => r.Type === 'AWS::ServiceCatalog::PortfolioPrincipalAssociation')
      .map((r) => r.Properties?.PrincipalARN);
    expect(principals).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam:::role/WorkloadAdmin' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam:::role/SecOps' },
    ]);
    expect(Object.values(portfolio.template.Resources).map((r) => r.Type)).not.toContain(
      'AWS::ServiceCatalog::LaunchRoleConstraint',
    );
    expect(portfolio.settings).toMatchObject({
      timezone: 'Europe/Berlin',
      skipRepeatedFindings: false,
      share: 'none',
    });

    // Re-running is an update with the deployed answers as defaults: nothing to ask, nothing to change.
    const again = await runInPty(
      ['install', '--steps', 'templates,portfolio'],
      [{ expect: 'Install complete' }],
      env(hub),
    );
    expect(again.code, again.transcript).toBe(0);
    expect(again.transcript).toContain('Install complete: no changes.');
    expect(again.transcript).not.toMatch(new RegExp(Object.values(QUESTIONS).join('|')));
  });
});
