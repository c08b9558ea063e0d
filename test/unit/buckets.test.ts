// Emptying buckets against a mocked S3: the faults moto cannot produce (per-key SlowDown, whole-request
// failures) and the exact request sequence (markers, batching, the held-back page).
import {
  DeleteObjectsCommand,
  type DeleteObjectsCommandInput,
  GetBucketLoggingCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutBucketLoggingCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  countObjectVersions,
  emptyAndVerifyBucket,
  emptyVersionedBucket,
  stopServerAccessLogging,
} from '../../src/aws/buckets.js';
import { AbortError, OperationError } from '../../src/core/errors.js';

const s3Mock = mockClient(S3Client);
let s3: S3Client;

beforeEach(() => {
  s3Mock.reset();
  s3 = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
});
afterEach(() => s3.destroy());

function s3Error(name: string, status: number, message = name): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message });
}

/** A page of `versions` versions and `markers` delete markers of keys `<prefix>-<n>`. */
function page(
  prefix: string,
  versions: number,
  markers: number,
  next?: { key: string; versionId: string },
): ListObjectVersionsCommandOutput {
  return {
    $metadata: {},
    Versions: Array.from({ length: versions }, (_, i) => ({
      Key: `${prefix}-${i}`,
      VersionId: `v-${prefix}-${i}`,
    })),
    DeleteMarkers: Array.from({ length: markers }, (_, i) => ({
      Key: `${prefix}-m${i}`,
      VersionId: `dm-${prefix}-${i}`,
    })),
    IsTruncated: next !== undefined,
    ...(next ? { NextKeyMarker: next.key, NextVersionIdMarker: next.versionId } : {}),
  };
}

function deletedKeys(): string[] {
  return s3Mock
    .commandCalls(DeleteObjectsCommand)
    .flatMap((c) => (c.args[0].input as DeleteObjectsCommandInput).Delete?.Objects ?? [])
    .map((o) => `${o.Key}@${o.VersionId}`);
}

describe('emptyVersionedBucket', () => {
  it('lists every page with both KeyMarker and VersionIdMarker and deletes versions and delete markers', async () => {
    s3Mock
      .on(ListObjectVersionsCommand)
      .resolvesOnce(page('a', 600, 400, { key: 'a-m399', versionId: 'dm-a-399' }))
      .resolvesOnce(page('b', 1000, 0, { key: 'b-999', versionId: 'v-b-999' }))
      .resolvesOnce(page('c', 10, 5));
    s3Mock.on(DeleteObjectsCommand).resolves({});
    const progress: number[] = [];

    const result = await emptyVersionedBucket(s3, 'logs', { onProgress: (n) => progress.push(n) });

    expect(result).toEqual({ deleted: 2015, failed: [] });
    const lists = s3Mock.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input);
    expect(lists).toHaveLength(3);
    expect(lists[0]).toMatchObject({
      Bucket: 'logs',
      MaxKeys: 1000,
      KeyMarker: undefined,
      VersionIdMarker: undefined,
    });
    expect(lists[1]).toMatchObject({ KeyMarker: 'a-m399', VersionIdMarker: 'dm-a-399' });
    expect(lists[2]).toMatchObject({ KeyMarker: 'b-999', VersionIdMarker: 'v-b-999' });
    const deletes = s3Mock
      .commandCalls(DeleteObjectsCommand)
      .map((c) => c.args[0].input as DeleteObjectsCommandInput);
    expect(deletes.every((d) => d.Bucket === 'logs' && d.Delete?.Quiet === true)).toBe(true);
    expect(deletes.every((d) => (d.Delete?.Objects?.length ?? 0) <= 1000)).toBe(true);
    const keys = deletedKeys();
    expect(new Set(keys).size).toBe(2015);
    expect(keys).toContain('a-m0@dm-a-0');
    expect(keys).toContain('c-9@v-c-9');
    expect(progress.at(-1)).toBe(2015);
  });

  it('deletes a page only after the next page has been listed, so the markers still name an existing entry', async () => {
    s3Mock
      .on(ListObjectVersionsCommand)
      .resolvesOnce(page('a', 3, 0, { key: 'a-2', versionId: 'v-a-2' }))
      .resolvesOnce(page('b', 3, 0, { key: 'b-2', versionId: 'v-b-2' }))
      .resolvesOnce(page('c', 3, 0));
    s3Mock.on(DeleteObjectsCommand).resolves({});

    await emptyVersionedBucket(s3, 'logs', { concurrency: 1 });

    const sequence = s3Mock.calls().map((c) => {
      const input = c.args[0].input as { KeyMarker?: string; Delete?: { Objects?: { Key?: string }[] } };
      return c.args[0] instanceof ListObjectVersionsCommand
        ? `list ${input.KeyMarker ?? 'start'}`
        : `delete ${input.Delete?.Objects?.[0]?.Key}`;
    });
    expect(sequence).toEqual([
      'list start',
      'list a-2',
      'delete a-0',
      'list b-2',
      'delete b-0',
      'delete c-0',
    ]);
  });

  it('reports per-key Errors of DeleteObjects as failed, not as deleted', async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves(page('k', 5, 1));
    s3Mock.on(DeleteObjectsCommand).resolves({
      Errors: [{ Key: 'k-1', VersionId: 'v-k-1', Code: 'AccessDenied', Message: 'Access Denied' }],
    });

    const result = await emptyVersionedBucket(s3, 'logs');

    expect(result.deleted).toBe(5);
    expect(result.failed).toEqual([
      { key: 'k-1', versionId: 'v-k-1', code: 'AccessDenied', message: 'Access Denied' },
    ]);
    // A refusal is final: not retried.
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(1);
  });

  it('retries transient per-key errors with only the keys that failed', async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves(page('k', 4, 0));
    s3Mock
      .on(DeleteObjectsCommand)
      .resolvesOnce({
        Errors: [
          { Key: 'k-0', VersionId: 'v-k-0', Code: 'SlowDown', Message: 'Please reduce your request rate.' },
          {
            Key: 'k-3',
            VersionId: 'v-k-3',
            Code: 'InternalError',
            Message: 'We encountered an internal error.',
          },
        ],
      })
      .resolvesOnce({ Errors: [{ Key: 'k-3', VersionId: 'v-k-3', Code: 'SlowDown' }] })
      .resolvesOnce({});

    const result = await emptyVersionedBucket(s3, 'logs', { retryBaseDelayMs: 1 });

    expect(result).toEqual({ deleted: 4, failed: [] });
    const batches = s3Mock
      .commandCalls(DeleteObjectsCommand)
      .map((c) => (c.args[0].input as DeleteObjectsCommandInput).Delete?.Objects);
    expect(batches).toHaveLength(3);
    expect(batches[1]).toEqual([
      { Key: 'k-0', VersionId: 'v-k-0' },
      { Key: 'k-3', VersionId: 'v-k-3' },
    ]);
    expect(batches[2]).toEqual([{ Key: 'k-3', VersionId: 'v-k-3' }]);
  });

  it('gives up on a transient per-key error after the bounded number of retries and reports it', async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves(page('k', 2, 0));
    s3Mock
      .on(DeleteObjectsCommand)
      .resolves({ Errors: [{ Key: 'k-1', VersionId: 'v-k-1', Code: 'SlowDown' }] });

    const result = await emptyVersionedBucket(s3, 'logs', { retries: 2, retryBaseDelayMs: 1 });

    expect(result).toEqual({ deleted: 1, failed: [{ key: 'k-1', versionId: 'v-k-1', code: 'SlowDown' }] });
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(3);
  });

  it('treats a missing bucket as nothing to do', async () => {
    s3Mock
      .on(ListObjectVersionsCommand)
      .rejects(s3Error('NoSuchBucket', 404, 'The specified bucket does not exist'));

    await expect(emptyVersionedBucket(s3, 'gone')).resolves.toEqual({ deleted: 0, failed: [] });
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('fails with an actionable error when DeleteObjects is denied as a whole', async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves(page('k', 3, 0));
    s3Mock
      .on(DeleteObjectsCommand)
      .rejects(
        s3Error(
          'AccessDenied',
          403,
          'User: arn:aws:iam::1:user/x is not authorized to perform: s3:DeleteObjectVersion',
        ),
      );

    const failure = emptyVersionedBucket(s3, 'logs');
    await expect(failure).rejects.toBeInstanceOf(OperationError);
    await expect(failure).rejects.toThrow(/s3:DeleteObjectVersion/);
  });

  it('keeps at most `concurrency` DeleteObjects requests in flight while listing continues', async () => {
    const pages = Array.from({ length: 8 }, (_, i) =>
      page(`p${i}`, 1000, 0, i < 7 ? { key: `p${i}-999`, versionId: `v-p${i}-999` } : undefined),
    );
    let listed = 0;
    s3Mock.on(ListObjectVersionsCommand).callsFake(async () => pages[listed++]);
    let inFlight = 0;
    let peak = 0;
    s3Mock.on(DeleteObjectsCommand).callsFake(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return {};
    });

    const result = await emptyVersionedBucket(s3, 'logs', { concurrency: 3 });

    expect(result.deleted).toBe(8000);
    expect(peak).toBe(3);
  });

  it('stops on abort with an AbortError that says how far it got', async () => {
    const controller = new AbortController();
    s3Mock
      .on(ListObjectVersionsCommand)
      .callsFake(async () => page('k', 10, 0, { key: 'k-9', versionId: `v-${Math.random()}` }));
    let deletes = 0;
    s3Mock.on(DeleteObjectsCommand).callsFake(async () => {
      if (++deletes === 2) controller.abort();
      return {};
    });

    const failure = emptyVersionedBucket(s3, 'logs', { signal: controller.signal, concurrency: 1 });
    await expect(failure).rejects.toBeInstanceOf(AbortError);
    await expect(failure).rejects.toThrow(/after deleting 20 object versions/);
  });
});

describe('countObjectVersions', () => {
  it('counts versions and delete markers over every page', async () => {
    s3Mock
      .on(ListObjectVersionsCommand)
      .resolvesOnce(page('a', 700, 300, { key: 'a-m299', versionId: 'dm-a-299' }))
      .resolvesOnce(page('b', 2, 1));
    await expect(countObjectVersions(s3, 'logs')).resolves.toEqual({ versions: 702, deleteMarkers: 301 });
    expect(s3Mock.commandCalls(ListObjectVersionsCommand)[1].args[0].input).toMatchObject({
      KeyMarker: 'a-m299',
      VersionIdMarker: 'dm-a-299',
    });
  });
});

describe('stopServerAccessLogging', () => {
  it('turns logging off only when it is on', async () => {
    s3Mock
      .on(GetBucketLoggingCommand)
      .resolvesOnce({ LoggingEnabled: { TargetBucket: 'logs', TargetPrefix: '' } });
    s3Mock.on(PutBucketLoggingCommand).resolves({});
    await expect(stopServerAccessLogging(s3, 'src')).resolves.toBe(true);
    expect(s3Mock.commandCalls(PutBucketLoggingCommand)[0].args[0].input).toEqual({
      Bucket: 'src',
      BucketLoggingStatus: {},
    });
    s3Mock.on(GetBucketLoggingCommand).resolves({});
    await expect(stopServerAccessLogging(s3, 'src')).resolves.toBe(false);
    expect(s3Mock.commandCalls(PutBucketLoggingCommand)).toHaveLength(1);
  });
});

describe('emptyAndVerifyBucket', () => {
  it('empties again when log objects arrive after a pass, then reports the bucket empty', async () => {
    s3Mock.on(HeadBucketCommand).resolves({});
    s3Mock.on(GetBucketLoggingCommand).resolves({});
    // Pass 1 lists 5 entries; the check after it finds 2 late log objects; pass 2 deletes them; check: empty.
    s3Mock
      .on(ListObjectVersionsCommand)
      .resolvesOnce(page('first', 5, 0))
      .resolvesOnce(page('late', 2, 0))
      .resolvesOnce(page('late', 2, 0))
      .resolves(page('none', 0, 0));
    s3Mock.on(DeleteObjectsCommand).resolves({});
    const rounds: number[] = [];

    const result = await emptyAndVerifyBucket(s3, 'logs', { settleMs: 1, onRound: (n) => rounds.push(n) });

    expect(result).toEqual({
      deleted: 7,
      failed: [],
      rounds: 2,
      remaining: { versions: 0, deleteMarkers: 0 },
      loggingStopped: false,
      existed: true,
    });
    expect(rounds).toEqual([1, 2]);
  });

  it('stops after maxRounds and reports what is left', async () => {
    s3Mock.on(HeadBucketCommand).resolves({});
    s3Mock.on(GetBucketLoggingCommand).resolves({});
    s3Mock.on(ListObjectVersionsCommand).resolves(page('endless', 3, 0));
    s3Mock.on(DeleteObjectsCommand).resolves({});

    const result = await emptyAndVerifyBucket(s3, 'logs', { settleMs: 1, maxRounds: 3 });

    expect(result.rounds).toBe(3);
    expect(result.remaining).toEqual({ versions: 3, deleteMarkers: 0 });
  });

  it('does nothing for a bucket that does not exist', async () => {
    s3Mock.on(HeadBucketCommand).rejects(s3Error('NotFound', 404));
    const result = await emptyAndVerifyBucket(s3, 'gone');
    expect(result).toMatchObject({ existed: false, rounds: 0, deleted: 0 });
    expect(s3Mock.commandCalls(ListObjectVersionsCommand)).toHaveLength(0);
  });
});
