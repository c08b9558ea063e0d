// The uninstall question in a pseudo-terminal, as a person meets it: No is the default, so Enter alone
// deletes nothing; typing y deletes. (--yes, the CI path, is covered in uninstall.test.ts.)
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoAccount, motoEndpoint, motoOrganization } from '../support/aws.js';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { runCli } from '../support/cli.js';
import { ENTER, runInPty } from '../support/pty.js';

const BUCKET_STACK = 'SecurityNotifications-SC-Bucket';
const QUESTION = 'Delete everything listed above\\? This cannot be undone\\. \\(y/N\\)';

async function stackExists(cfn: CloudFormationClient, name: string): Promise<boolean> {
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    return out.Stacks?.[0]?.StackStatus !== 'DELETE_COMPLETE';
  } catch {
    return false;
  }
}

describe('uninstall asks with No as the default', () => {
  it('Enter at "(y/N)" deletes nothing; "y" then deletes', { timeout: 120_000 }, async () => {
    const { hub } = await motoOrganization();
    const env = { ...hub.env, SECNOTIFY_POLL_MS: '100' };
    const installed = await runCli(['install', '--yes', '--steps', 'templates'], { env });
    expect(installed.code, installed.stderr).toBe(0);
    const cfn = new CloudFormationClient(hub.clientConfig);

    const declined = await runInPty(
      ['uninstall'],
      [{ expect: QUESTION, send: ENTER }, { expect: 'Cancelled: nothing was removed' }],
      env,
    );
    expect(declined.timeout, declined.transcript).toBeNull();
    expect(declined.code, declined.transcript).not.toBe(0);
    expect(declined.transcript).not.toContain('Uninstall complete');
    expect(await stackExists(cfn, BUCKET_STACK)).toBe(true);

    const accepted = await runInPty(
      ['uninstall'],
      [
        { expect: QUESTION, send: `y${ENTER}` },
        { expect: 'Uninstall complete', timeout: 60 },
      ],
      env,
    );
    expect(accepted.timeout, accepted.transcript).toBeNull();
    expect(accepted.code, accepted.transcript).toBe(0);
    expect(await stackExists(cfn, BUCKET_STACK)).toBe(false);
  });
});

describe('uninstall shows what it is doing before the list', () => {
  it('"Working out what to remove…" first, then how long it took', async () => {
    const account = await motoAccount('eu-west-1');
    const result = await runCli(['uninstall', '--dry-run'], {
      env: { ...account.env, SECNOTIFY_POLL_MS: '100' },
    });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe('Working out what to remove…');
    expect(lines).toContainEqual(expect.stringMatching(/^✔ Worked out what to remove \(\d+ s\)$/));
  });
});

describe('on a terminal, a long inventory is a spinner with the elapsed time', () => {
  let proxy: AwsProxy;
  beforeAll(async () => {
    // Every call takes 500 ms longer, so working out what to remove lasts a few seconds, as in AWS.
    proxy = await startAwsProxy(motoEndpoint(), { delayMs: (call) => (call.service === 'sts' ? 0 : 500) });
  });
  afterAll(() => proxy.close());

  it('"Working out what to remove… (1 s)" updates in place, then the list', {
    timeout: 120_000,
  }, async () => {
    const account = await motoAccount('eu-west-1');
    const run = await runInPty(
      ['uninstall', '--dry-run'],
      [{ expect: 'Working out what to remove… \\(1 s\\)' }, { expect: 'Nothing to remove', timeout: 60 }],
      { ...account.env, AWS_ENDPOINT_URL: proxy.url, SECNOTIFY_POLL_MS: '100' },
    );
    expect(run.timeout, run.transcript).toBeNull();
    expect(run.code, run.transcript).toBe(0);
    expect(run.transcript).toMatch(/✔ Worked out what to remove \(\d+ s\)/);
  });
});
