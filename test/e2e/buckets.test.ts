// Emptying versioned buckets against moto, in an account of this file's own: thousands of versions and delete
// markers over several listing pages, refusals by a bucket policy, server access logging turned off.
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketLoggingCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandInput,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bucketExists,
  countObjectVersions,
  emptyAndVerifyBucket,
  emptyVersionedBucket,
  stopServerAccessLogging,
} from '../../src/aws/buckets.js';
import { type MotoAccount, motoAccount } from '../support/aws.js';

let account: MotoAccount;
let s3: S3Client;

beforeAll(async () => {
  account = await motoAccount('eu-west-1');
  s3 = new S3Client(account.clientConfig);
});
afterAll(() => s3.destroy());

async function versionedBucket(name: string): Promise<string> {
  await s3.send(
    new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
  );
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  return name;
}

/** `puts` versions of each key (16 requests in flight), then `markers` delete markers on each key. */
async function fill(bucket: string, keys: string[], puts: number, markers: number): Promise<void> {
  // Round by round, so two versions of one key are never put at the same time: moto can lose one of two
  // concurrent PUTs to the same key, which would make the fixture, not the code under test, come up short.
  const work = Array.from({ length: puts }, (_, n) =>
    keys.map((key) => ({ key, body: `${key} v${n}` })),
  ).flat();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < work.length) {
        const { key, body } = work[next++];
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      }
    }),
  );
  // DeleteObjects without version IDs puts a delete marker on top of each key: 1000 markers per request,
  // where moto spends ~5 ms on every request whatever its size.
  for (let round = 0; round < markers; round++) {
    for (let start = 0; start < keys.length; start += 1000) {
      const objects = keys.slice(start, start + 1000).map((Key) => ({ Key }));
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
    }
  }
}

async function listing(bucket: string): Promise<{ versions: number; deleteMarkers: number }> {
  const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
  return { versions: out.Versions?.length ?? 0, deleteMarkers: out.DeleteMarkers?.length ?? 0 };
}

function logKey(i: number): string {
  return `AWSLogs/${account.accountId}/S3/2025-06-01-${String(i).padStart(5, '0')}`;
}

describe('emptyVersionedBucket against moto', () => {
  it('deletes 5,000 versions and delete markers over five listing pages, after which the bucket can be deleted', async () => {
    const bucket = await versionedBucket(`secnotify-empty-${account.accountId}`);
    // 500 keys, each with 2 versions under 8 delete markers: every 1000-entry page mixes both kinds.
    const keys = Array.from({ length: 500 }, (_, i) => logKey(i));
    await fill(bucket, keys, 2, 8);
    await expect(countObjectVersions(s3, bucket)).resolves.toEqual({ versions: 1000, deleteMarkers: 4000 });

    // Record the listing requests the emptying makes, to see it page with both markers.
    const lists: ListObjectVersionsCommandInput[] = [];
    const client = new S3Client(account.clientConfig);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ListObjectVersionsCommand') {
          lists.push({ ...(args.input as ListObjectVersionsCommandInput) });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const progress: number[] = [];
    const result = await emptyVersionedBucket(client, bucket, { onProgress: (n) => progress.push(n) });
    client.destroy();

    expect(result).toEqual({ deleted: 5000, failed: [] });
    expect(progress.at(-1)).toBe(5000);
    expect(lists.length).toBeGreaterThanOrEqual(5);
    for (const input of lists.slice(1)) {
      expect(input.KeyMarker).toMatch(/^AWSLogs\//);
      expect(input.VersionIdMarker).toBeTruthy();
    }
    await expect(listing(bucket)).resolves.toEqual({ versions: 0, deleteMarkers: 0 });
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    await expect(bucketExists(s3, bucket)).resolves.toBe(false);
  });

  it('reports the versions a bucket policy refuses to delete, and deletes the rest', async () => {
    const bucket = await versionedBucket(`secnotify-locked-${account.accountId}`);
    await fill(bucket, ['locked/keep.txt', 'open/a.txt', 'open/b.txt'], 2, 1);
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'KeepLocked',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:DeleteObject',
              Resource: `arn:aws:s3:::${bucket}/locked/*`,
            },
          ],
        }),
      }),
    );

    const result = await emptyVersionedBucket(s3, bucket, { retryBaseDelayMs: 1 });

    expect(result.deleted).toBe(6);
    expect(result.failed).toHaveLength(3);
    expect(result.failed.every((f) => f.key === 'locked/keep.txt' && f.code === 'AccessDenied')).toBe(true);
    await expect(countObjectVersions(s3, bucket)).resolves.toEqual({ versions: 2, deleteMarkers: 1 });
  });

  it('treats a bucket that does not exist as nothing to do', async () => {
    const missing = `secnotify-missing-${account.accountId}`;
    await expect(bucketExists(s3, missing)).resolves.toBe(false);
    await expect(emptyVersionedBucket(s3, missing)).resolves.toEqual({ deleted: 0, failed: [] });
    await expect(countObjectVersions(s3, missing)).resolves.toEqual({ versions: 0, deleteMarkers: 0 });
    await expect(stopServerAccessLogging(s3, missing)).resolves.toBe(false);
    await expect(emptyAndVerifyBucket(s3, missing)).resolves.toMatchObject({ existed: false, deleted: 0 });
  });
});

describe('server access logging', () => {
  it('is turned off before the source bucket is emptied, so the log bucket stays empty once emptied', async () => {
    const source = await versionedBucket(`secnotify-source-${account.accountId}`);
    const logs = await versionedBucket(`secnotify-logs-${account.accountId}`);
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: logs,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'S3ServerAccessLogs',
              Effect: 'Allow',
              Principal: { Service: 'logging.s3.amazonaws.com' },
              Action: ['s3:PutObject'],
              Resource: `arn:aws:s3:::${logs}/*`,
            },
          ],
        }),
      }),
    );
    await s3.send(
      new PutBucketLoggingCommand({
        Bucket: source,
        BucketLoggingStatus: { LoggingEnabled: { TargetBucket: logs, TargetPrefix: 'access/' } },
      }),
    );
    await fill(source, ['product/template-1.yaml', 'product/template-2.yaml'], 2, 0);
    // moto writes one access-log object into the log bucket per request to the source bucket.
    const logsBefore = await countObjectVersions(s3, logs);
    expect(logsBefore.versions).toBeGreaterThanOrEqual(4);

    const sourceResult = await emptyAndVerifyBucket(s3, source, { settleMs: 10 });
    expect(sourceResult).toMatchObject({
      existed: true,
      loggingStopped: true,
      deleted: 4,
      failed: [],
      remaining: { versions: 0, deleteMarkers: 0 },
    });
    const status = await s3.send(new GetBucketLoggingCommand({ Bucket: source }));
    expect(status.LoggingEnabled).toBeUndefined();
    await expect(stopServerAccessLogging(s3, source)).resolves.toBe(false);

    const logsResult = await emptyAndVerifyBucket(s3, logs, { settleMs: 10 });
    expect(logsResult.deleted).toBeGreaterThanOrEqual(logsBefore.versions);
    expect(logsResult.remaining).toEqual({ versions: 0, deleteMarkers: 0 });
    // Requests to the source bucket no longer produce log objects.
    await s3.send(new PutObjectCommand({ Bucket: source, Key: 'after.txt', Body: 'x' }));
    await expect(listing(logs)).resolves.toEqual({ versions: 0, deleteMarkers: 0 });
    await s3.send(new DeleteBucketCommand({ Bucket: logs }));
  });
});
