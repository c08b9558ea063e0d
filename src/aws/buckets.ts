// Emptying the solution's versioned buckets before their stack can be deleted (CloudFormation cannot delete a
// bucket that still holds object versions or delete markers). Never prints: progress goes to a callback.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteObjectsCommand,
  GetBucketLoggingCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type ObjectIdentifier,
  PutBucketLoggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AbortError } from '../core/errors.js';
import {
  awsErrorName,
  errorMessage,
  isAwsErrorNamed,
  isSdkAbortError,
  translateAwsError,
} from './aws-errors.js';

export interface BucketContents {
  versions: number;
  deleteMarkers: number;
}

export interface FailedDeletion {
  key: string;
  versionId?: string;
  code?: string;
  message?: string;
}

export interface EmptyResult {
  /** Object versions and delete markers that S3 confirmed deleted. */
  deleted: number;
  /** Versions and delete markers S3 refused (per-key `Errors` of DeleteObjects), after retries of transient ones. */
  failed: FailedDeletion[];
}

export interface EmptyOptions {
  /** DeleteObjects requests in flight at once while listing continues; default DEFAULT_DELETE_CONCURRENCY. */
  concurrency?: number;
  onProgress?(deletedSoFar: number): void;
  /** Stops listing and deleting; the call then rejects with an AbortError that says how far it got. */
  signal?: AbortSignal;
  /** Per-key transient errors (SlowDown, InternalError, …) are retried this many times; default 4. */
  retries?: number;
  /** First retry delay in ms, doubled per attempt with jitter; default 250. */
  retryBaseDelayMs?: number;
}

/**
 * DeleteObjects requests in flight at once. S3's own latency dominates a 1000-key DeleteObjects (seconds on a
 * large bucket), so a few concurrent batches keep listing from being the idle side; 8 stays far below S3's
 * per-prefix request rates (3,500 writes/s) even with 1000 keys per request. bench/empty-bucket.ts measures it.
 */
export const DEFAULT_DELETE_CONCURRENCY = 8;

/** DeleteObjects accepts at most 1000 keys per request, and ListObjectVersions returns at most 1000 per page. */
const BATCH_SIZE = 1000;

/** Per-key DeleteObjects error codes that mean "try again", not "refused". */
const TRANSIENT_KEY_ERRORS = new Set([
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'OperationAborted',
  'Throttling',
  'ThrottlingException',
]);

function isNoSuchBucket(error: unknown): boolean {
  return isAwsErrorNamed(error, 'NoSuchBucket');
}

/** Every object version and delete marker in the bucket; a missing bucket holds nothing. */
export async function countObjectVersions(s3: S3Client, bucket: string): Promise<BucketContents> {
  const contents: BucketContents = { versions: 0, deleteMarkers: 0 };
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    let page: ListObjectVersionsCommandOutput;
    try {
      page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          MaxKeys: BATCH_SIZE,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
    } catch (error) {
      if (isNoSuchBucket(error)) return contents;
      throw translateAwsError(error, { action: 's3:ListBucketVersions' });
    }
    contents.versions += page.Versions?.length ?? 0;
    contents.deleteMarkers += page.DeleteMarkers?.length ?? 0;
    const next = nextMarkers(page, keyMarker, versionIdMarker, bucket);
    if (!next) return contents;
    [keyMarker, versionIdMarker] = next;
  }
}

/**
 * Where the next page starts, or undefined after the last page. Throws rather than loop forever when S3
 * claims more pages but hands back no marker, or the same marker again.
 */
function nextMarkers(
  page: ListObjectVersionsCommandOutput,
  keyMarker: string | undefined,
  versionIdMarker: string | undefined,
  bucket: string,
): [string, string | undefined] | undefined {
  if (!page.IsTruncated) return undefined;
  const nextKey = page.NextKeyMarker;
  const nextVersion = page.NextVersionIdMarker;
  if (!nextKey || (nextKey === keyMarker && nextVersion === versionIdMarker)) {
    throw new Error(
      `ListObjectVersions of bucket ${bucket} said more versions follow but gave no new position ` +
        `(NextKeyMarker ${JSON.stringify(nextKey)}, NextVersionIdMarker ${JSON.stringify(nextVersion)}).`,
    );
  }
  return [nextKey, nextVersion];
}

/**
 * Turns off server access logging of `bucket`, so that no new log objects are written on its behalf.
 * Returns true if logging was on; false if it was off or the bucket does not exist.
 */
export async function stopServerAccessLogging(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    const status = await s3.send(new GetBucketLoggingCommand({ Bucket: bucket }));
    if (!status.LoggingEnabled) return false;
    // An empty BucketLoggingStatus is S3's way of disabling logging.
    await s3.send(new PutBucketLoggingCommand({ Bucket: bucket, BucketLoggingStatus: {} }));
    return true;
  } catch (error) {
    if (isNoSuchBucket(error)) return false;
    throw translateAwsError(error, { action: 's3:PutBucketLogging' });
  }
}

export async function bucketExists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    // HeadBucket has no body, so a missing bucket arrives as a bare 404 named NotFound.
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || isAwsErrorNamed(error, 'NotFound', 'NoSuchBucket')) return false;
    throw translateAwsError(error, { action: 's3:ListBucket' });
  }
}

/**
 * Deletes every object version and delete marker in one pass over the listing.
 *
 * Listing and deleting are pipelined: while up to `concurrency` DeleteObjects requests (1000 keys each,
 * quiet mode) run, the next page is listed. A page is only handed to DeleteObjects after the page behind it
 * has been listed, because the next request's KeyMarker/VersionIdMarker name the last entry of that page, and
 * an emulator such as moto loses its place when that entry is already gone.
 *
 * The per-key `Errors` of each DeleteObjects response are failures, never counted as deleted; transient
 * codes are retried a bounded number of times, the rest are returned in `failed`. A missing bucket is
 * nothing to do. A request that fails as a whole (access denied, …) stops the pass and is thrown once the
 * requests in flight have settled.
 */
export async function emptyVersionedBucket(
  s3: S3Client,
  bucket: string,
  opts: EmptyOptions = {},
): Promise<EmptyResult> {
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_DELETE_CONCURRENCY));
  const retries = Math.max(0, opts.retries ?? 4);
  const retryBaseDelayMs = opts.retryBaseDelayMs ?? 250;
  const signal = opts.signal;

  let deleted = 0;
  const failed: FailedDeletion[] = [];
  let fatal: { error: unknown } | undefined;
  let bucketGone = false;
  const inFlight = new Set<Promise<void>>();

  const deleteBatch = async (batch: ObjectIdentifier[]): Promise<void> => {
    let pending = batch;
    for (let attempt = 0; ; attempt++) {
      const out = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: pending, Quiet: true } }),
        { abortSignal: signal },
      );
      const errors = out.Errors ?? [];
      deleted += pending.length - errors.length;
      if (pending.length > errors.length) opts.onProgress?.(deleted);
      const retryable: ObjectIdentifier[] = [];
      for (const e of errors) {
        const failure: FailedDeletion = {
          key: e.Key ?? '',
          ...(e.VersionId ? { versionId: e.VersionId } : {}),
          ...(e.Code ? { code: e.Code } : {}),
          ...(e.Message ? { message: e.Message } : {}),
        };
        if (e.Key !== undefined && e.Code && TRANSIENT_KEY_ERRORS.has(e.Code) && attempt < retries) {
          retryable.push({ Key: e.Key, ...(e.VersionId ? { VersionId: e.VersionId } : {}) });
        } else {
          failed.push(failure);
        }
      }
      if (retryable.length === 0) return;
      // Full jitter, so that concurrent batches hit by the same SlowDown do not retry in lockstep.
      await sleep(Math.random() * retryBaseDelayMs * 2 ** attempt, undefined, { signal });
      pending = retryable;
    }
  };

  const submit = async (ids: ObjectIdentifier[]): Promise<void> => {
    const stopped = () => fatal !== undefined || bucketGone || signal?.aborted === true;
    for (let start = 0; start < ids.length && !stopped(); start += BATCH_SIZE) {
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (stopped()) return;
      const task = deleteBatch(ids.slice(start, start + BATCH_SIZE))
        .catch((error: unknown) => {
          if (isNoSuchBucket(error)) bucketGone = true;
          else fatal ??= { error };
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
  };

  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  let heldBack: ObjectIdentifier[] = [];
  try {
    while (!fatal && !bucketGone && !signal?.aborted) {
      let page: ListObjectVersionsCommandOutput;
      try {
        page = await s3.send(
          new ListObjectVersionsCommand({
            Bucket: bucket,
            MaxKeys: BATCH_SIZE,
            KeyMarker: keyMarker,
            VersionIdMarker: versionIdMarker,
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (isNoSuchBucket(error)) bucketGone = true;
        else fatal ??= { error };
        break;
      }
      const ids: ObjectIdentifier[] = [];
      for (const v of page.Versions ?? []) if (v.Key !== undefined) ids.push(identifier(v.Key, v.VersionId));
      for (const m of page.DeleteMarkers ?? [])
        if (m.Key !== undefined) ids.push(identifier(m.Key, m.VersionId));
      await submit(heldBack);
      heldBack = ids;
      const next = nextMarkers(page, keyMarker, versionIdMarker, bucket);
      if (!next) break;
      [keyMarker, versionIdMarker] = next;
    }
    if (!signal?.aborted) await submit(heldBack);
  } finally {
    // Never leave requests running behind the caller's back, whatever ended the pass.
    await Promise.allSettled([...inFlight]);
  }

  if (signal?.aborted || (fatal && isSdkAbortError(fatal.error))) {
    throw new AbortError(
      `Stopped emptying bucket ${bucket} after deleting ${deleted} object versions and delete markers.`,
      { hint: 'Run the same command again to continue; what is deleted stays deleted.' },
    );
  }
  if (fatal) {
    const translated = translateAwsError(fatal.error, { action: 's3:DeleteObjectVersion' });
    if (translated !== fatal.error) throw translated;
    throw new Error(
      `Emptying bucket ${bucket} failed after deleting ${deleted} object versions and delete markers ` +
        `(${awsErrorName(fatal.error) ?? 'error'}: ${errorMessage(fatal.error)}).`,
      { cause: fatal.error },
    );
  }
  return { deleted, failed };
}

function identifier(key: string, versionId: string | undefined): ObjectIdentifier {
  // Unversioned objects (written before versioning was enabled) list with VersionId "null", which
  // DeleteObjects accepts as that version's ID.
  return versionId ? { Key: key, VersionId: versionId } : { Key: key };
}

export interface EmptyAndVerifyOptions extends EmptyOptions {
  /** Emptying passes at most, each followed by a fresh count; default 5. */
  maxRounds?: number;
  /** Wait before a further pass, for log objects still on their way; default 2000 ms. */
  settleMs?: number;
  /** Turn off the bucket's own server access logging first; default true. */
  stopLogging?: boolean;
  /** Called after each pass with what that pass did and what a fresh listing still shows. */
  onRound?(round: number, result: EmptyResult, remaining: BucketContents): void;
}

export interface EmptyAndVerifyResult extends EmptyResult {
  /** Passes made (0 when the bucket does not exist). */
  rounds: number;
  /** What a listing after the last pass still showed; zero on both counts means the bucket is empty. */
  remaining: BucketContents;
  /** Whether server access logging of this bucket was on and has been turned off. */
  loggingStopped: boolean;
  /** False when the bucket did not exist (nothing to do). */
  existed: boolean;
}

/**
 * Empties the bucket and checks by listing again. Server access logs keep arriving for a while after the last
 * request (S3 delivers them late and best-effort), so when a fresh listing shows new objects it waits and
 * empties again, at most `maxRounds` times, then reports what is left rather than looping forever.
 * Keys S3 refused are not counted as "late arrivals": they are in `failed` and end the rounds.
 */
export async function emptyAndVerifyBucket(
  s3: S3Client,
  bucket: string,
  opts: EmptyAndVerifyOptions = {},
): Promise<EmptyAndVerifyResult> {
  const maxRounds = Math.max(1, opts.maxRounds ?? 5);
  const settleMs = opts.settleMs ?? 2000;
  if (!(await bucketExists(s3, bucket))) {
    return {
      deleted: 0,
      failed: [],
      rounds: 0,
      remaining: { versions: 0, deleteMarkers: 0 },
      loggingStopped: false,
      existed: false,
    };
  }
  const loggingStopped = opts.stopLogging === false ? false : await stopServerAccessLogging(s3, bucket);
  let deleted = 0;
  let failed: FailedDeletion[] = [];
  let remaining: BucketContents = { versions: 0, deleteMarkers: 0 };
  let rounds = 0;
  while (rounds < maxRounds) {
    if (rounds > 0) await sleep(settleMs, undefined, { signal: opts.signal }).catch(rethrowAsAbort(bucket));
    rounds++;
    const result = await emptyVersionedBucket(s3, bucket, opts);
    deleted += result.deleted;
    // A key refused in one pass is listed and tried again in the next; only the last pass's refusals stand.
    failed = result.failed;
    remaining = await countObjectVersions(s3, bucket);
    opts.onRound?.(rounds, result, remaining);
    const left = remaining.versions + remaining.deleteMarkers;
    if (left === 0 || left <= failed.length) break;
  }
  return { deleted, failed, rounds, remaining, loggingStopped, existed: true };
}

function rethrowAsAbort(bucket: string): (error: unknown) => never {
  return (error) => {
    if (awsErrorName(error) === 'AbortError') {
      throw new AbortError(`Stopped emptying bucket ${bucket}.`, {
        hint: 'Run the same command again to continue; what is deleted stays deleted.',
      });
    }
    throw error;
  };
}
