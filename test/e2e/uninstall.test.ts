// uninstall through the built CLI against moto, as CI runs it (no TTY). moto runs the stacks but skips the
// Service Catalog and StackSet resources inside them, so the portfolio that the shares hang on is made with
// the Service Catalog API here (install's share step finds it by name, and so does uninstall), and the
// StackSet's instances are covered by the SDK-mock tests in test/unit/uninstall.test.ts.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreatePortfolioCommand,
  DescribePortfolioSharesCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { describe, expect, it } from 'vitest';
import { motoAccount, motoOrganization, putLaunchRole } from '../support/aws.js';
import { runCli } from '../support/cli.js';

const FAST = { SECNOTIFY_POLL_MS: '100' };
const STACKS = {
  bucket: 'SecurityNotifications-SC-Bucket',
  portfolio: 'SecurityNotifications-Service-Catalog',
};

const organizationWithHub = () => motoOrganization();

async function stackExists(cfn: CloudFormationClient, name: string): Promise<boolean> {
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    return out.Stacks?.[0]?.StackStatus !== 'DELETE_COMPLETE';
  } catch {
    return false;
  }
}

async function bucketExists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch {
    return false;
  }
}

/**
 * Object versions and delete markers: two versions of one key, a deleted key. moto does not apply the
 * template's VersioningConfiguration, so versioning is switched on here, as CloudFormation would have.
 */
async function fill(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'notes/a.txt', Body: 'one' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'notes/a.txt', Body: 'two' }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'notes/gone.txt', Body: 'x' }));
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'notes/gone.txt' }));
}

describe('uninstall', () => {
  it('removes a whole install (shares, portfolio, buckets, StackSet stack); a second run has nothing to remove', async () => {
    const { management, hub, memberId } = await organizationWithHub();
    const sc = new ServiceCatalogClient(hub.clientConfig);
    const portfolioId = (
      await sc.send(
        new CreatePortfolioCommand({
          DisplayName: 'Subscribe to AWS Security Hub notifications',
          ProviderName: 'Security',
          IdempotencyToken: 'e2e-uninstall',
        }),
      )
    ).PortfolioDetail!.Id!;
    const roleArn = `arn:aws:iam::${management.accountId}:role/OrganizationAccountAccessRole`;
    const env = { ...hub.env, ...FAST };
    // The launch role the StackSet's instance would bring to the hub (moto runs no instances).
    await putLaunchRole(hub);
    const installed = await runCli(
      [
        'install',
        '--yes',
        '--steps',
        'launch-roles,templates,portfolio,share',
        '--management-role-arn',
        roleArn,
        '--share',
        memberId,
        '--principal-type',
        'iam-role',
      ],
      { env },
    );
    expect(installed.code, installed.stderr).toBe(0);
    const hubCfn = new CloudFormationClient(hub.clientConfig);
    const mgmtCfn = new CloudFormationClient(management.clientConfig);
    const s3 = new S3Client(hub.clientConfig);
    const before = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name!) ?? [];
    expect(before).toHaveLength(2);
    for (const bucket of before) await fill(s3, bucket);

    // No TTY and no --yes: the list is shown, the answer is missing, nothing is deleted.
    const unanswered = await runCli(['uninstall', '--management-role-arn', roleArn], { env });
    expect(unanswered.code).toBe(2);
    expect(unanswered.stderr).toContain('--yes');
    expect(unanswered.stderr).toContain(`share of portfolio ${portfolioId} with account ${memberId}`);
    expect(unanswered.stderr).toMatch(/\(access-logs\): 3 object versions, 1 delete marker/);
    expect(await stackExists(hubCfn, STACKS.bucket)).toBe(true);

    const removed = await runCli(['uninstall', '--yes', '--json', '--management-role-arn', roleArn], { env });
    expect(removed.code, removed.stderr).toBe(0);
    const doc = JSON.parse(removed.stdout);
    expect(doc.nothingToRemove).toBe(false);
    expect(
      Object.fromEntries(doc.removed.map((o: { id: string; outcome: string }) => [o.id, o.outcome])),
    ).toEqual({
      shares: 'removed',
      portfolio: 'removed',
      'empty-buckets': 'removed',
      'bucket-stack': 'removed',
      'permission-set': 'skipped',
      'launch-roles': 'removed',
      'org-setup': 'skipped',
    });
    // Removed in dependency order: shares before the portfolio, the portfolio before the buckets' stack
    // and before the launch roles its constraint names; the StackSet and the buckets go at the same time.
    const at = (text: string) => removed.stderr.indexOf(text);
    const sharesGone = at('"step":"shares"');
    const portfolioGone = at('Deleting stack SecurityNotifications-Service-Catalog');
    const bucketStack = at('Deleting stack SecurityNotifications-SC-Bucket');
    const stackSet = at('Deleting stack SecurityNotifications-IAM-roles-StackSet');
    expect(
      [sharesGone, portfolioGone, bucketStack, stackSet].every((p) => p >= 0),
      removed.stderr,
    ).toBe(true);
    expect(sharesGone).toBeLessThan(portfolioGone);
    expect(portfolioGone).toBeLessThan(bucketStack);
    expect(portfolioGone).toBeLessThan(stackSet);

    expect(await stackExists(hubCfn, STACKS.portfolio)).toBe(false);
    expect(await stackExists(hubCfn, STACKS.bucket)).toBe(false);
    expect(await stackExists(mgmtCfn, 'SecurityNotifications-IAM-roles-StackSet')).toBe(false);
    for (const bucket of before) expect(await bucketExists(s3, bucket)).toBe(false);
    const shares = await sc.send(
      new DescribePortfolioSharesCommand({ PortfolioId: portfolioId, Type: 'ACCOUNT' }),
    );
    expect(shares.PortfolioShareDetails ?? []).toEqual([]);

    const again = await runCli(['uninstall', '--yes', '--management-role-arn', roleArn], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Nothing to remove');
  });

  it('exits 0 with nothing to remove in an account where nothing was installed', async () => {
    const account = await motoAccount('eu-west-1');
    const result = await runCli(['uninstall', '--json'], { env: { ...account.env, ...FAST } });
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ hubAccountId: account.accountId, nothingToRemove: true, removed: [] });
    expect(result.stderr).toContain('management account and were not checked');
  });

  it('removes a partial install: the bucket stack alone, its buckets holding versions and delete markers', async () => {
    const { hub } = await organizationWithHub();
    const env = { ...hub.env, ...FAST };
    const installed = await runCli(['install', '--yes', '--steps', 'templates'], { env });
    expect(installed.code, installed.stderr).toBe(0);
    const s3 = new S3Client(hub.clientConfig);
    const buckets = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name!) ?? [];
    for (const bucket of buckets) await fill(s3, bucket);

    const result = await runCli(['uninstall', '--yes', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    const emptyStep = doc.plan.find((s: { id: string }) => s.id === 'empty-buckets');
    // The product template uploaded by install is one more version in the template bucket.
    expect(emptyStep.items.join('\n')).toMatch(/\(product-templates\): 4 object versions, 1 delete marker/);
    expect(emptyStep.items.join('\n')).toMatch(/\(access-logs\): 3 object versions, 1 delete marker/);
    expect(doc.plan.find((s: { id: string }) => s.id === 'portfolio')).toMatchObject({
      run: false,
      skipReason: 'not deployed',
    });
    expect(await stackExists(new CloudFormationClient(hub.clientConfig), STACKS.bucket)).toBe(false);
    for (const bucket of buckets) expect(await bucketExists(s3, bucket)).toBe(false);
  });
});
