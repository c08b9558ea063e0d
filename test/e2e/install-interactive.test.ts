// The interactive install, as a person runs it in CloudShell: the real CLI in a pseudo-terminal, answers
// typed at its prompts, then the deployed stacks checked in moto.
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStacksCommand,
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
// One question for the whole plan, default No.
const APPLY = 'Apply this plan\\? \\(y/N\\)';
const env = (hub: MotoAccount) => ({ ...hub.env, SECNOTIFY_POLL_MS: '100' });

describe('interactive install in a pseudo-terminal', () => {
  it('accepting every default installs with the documented defaults', { timeout: 180_000 }, async () => {
    const hub = await hubInOrganization();
    const steps = [
      ...Object.values(QUESTIONS).map((expect) => ({ expect, send: ENTER })),
      { expect: APPLY, send: `y${ENTER}` },
    ];
    const run = await runInPty(
      ['install', '--steps', 'templates,portfolio', '--idc-region', 'eu-west-1'],
      steps,
      env(hub),
    );
    expect(run.timeout, run.transcript).toBeNull();
    expect(run.code, run.transcript).toBe(0);
    expect(run.transcript).toContain('Install complete.');
    // The checks come before the first question; the plan (with the bucket's change set) before the one
    // confirmation: no per-stack question follows it.
    expect(run.transcript.indexOf('Security Hub enabled in')).toBeLessThan(
      run.transcript.search(new RegExp(QUESTIONS.formatter)),
    );
    expect(run.transcript.indexOf('AWS::S3::Bucket')).toBeLessThan(run.transcript.search(new RegExp(APPLY)));
    expect(run.transcript).not.toContain('Deploy these changes');
    expect(run.transcript).toMatch(/Took \d+\.\d s\./);

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
      { expect: APPLY, send: `y${ENTER}` },
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

  it('Enter at "Apply this plan? (y/N)" declines: exit 4, "Cancelled, nothing changed." once, no stack', {
    timeout: 180_000,
  }, async () => {
    const hub = await hubInOrganization();
    const steps = [
      ...Object.values(QUESTIONS).map((expect) => ({ expect, send: ENTER })),
      { expect: APPLY, send: ENTER },
    ];
    const run = await runInPty(
      ['install', '--steps', 'templates,portfolio', '--idc-region', 'eu-west-1'],
      steps,
      env(hub),
    );
    expect(run.timeout, run.transcript).toBeNull();
    expect(run.code, run.transcript).toBe(4);
    expect(run.transcript.match(/Cancelled, nothing changed\./g)).toHaveLength(1);
    expect(run.transcript).not.toMatch(/failed|Install complete/);
    const cfn = new CloudFormationClient(hub.clientConfig);
    const live = ((await cfn.send(new ListStacksCommand({}))).StackSummaries ?? []).filter(
      (s) => s.StackStatus !== 'DELETE_COMPLETE',
    );
    expect(live).toEqual([]);
  });

  it('Ctrl-C at "Apply this plan?" exits 130 (not the decline code) and leaves no stack or change set', {
    timeout: 180_000,
  }, async () => {
    const hub = await hubInOrganization();
    const steps = [
      ...Object.values(QUESTIONS).map((expect) => ({ expect, send: ENTER })),
      { expect: APPLY, send: '\x03' },
    ];
    const run = await runInPty(
      ['install', '--steps', 'templates,portfolio', '--idc-region', 'eu-west-1'],
      steps,
      env(hub),
    );
    expect(run.timeout, run.transcript).toBeNull();
    expect(run.code, run.transcript).toBe(130);
    expect(run.transcript).not.toContain('Cancelled, nothing changed.');
    const cfn = new CloudFormationClient(hub.clientConfig);
    const live = ((await cfn.send(new ListStacksCommand({}))).StackSummaries ?? []).filter(
      (s) => s.StackStatus !== 'DELETE_COMPLETE',
    );
    expect(live).toEqual([]);
  });
});
