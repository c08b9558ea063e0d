// Benchmark: emptying a versioned bucket with secnotify's emptyVersionedBucket vs boto3's
// `Bucket.object_versions.delete()`, both against one moto server that this script starts on 127.0.0.1.
//
//   npm run bench:empty-bucket -- [--keys 1250] [--puts-per-key 2] [--markers-per-key 14] [--concurrency N]
//                                 [--boto3-first] [--sequential]
//
// Two buckets get the same content (keys × puts versions, then keys × markers delete markers, made with
// DeleteObjects without version IDs, 1000 per request, because moto spends ~5 ms per request). Only the
// emptying is timed. Budget: secnotify's objects per second ≥ boto3's (ratio ≥ 1.0); exit code 1 otherwise,
// or when either bucket is not empty afterwards.
//
// Reading the figures: moto runs in one Python process and copies the whole bucket for every
// ListObjectVersions page, so here the server's CPU, not request latency, is the limit; concurrent deletes
// gain little and the ratio swings with other load on the machine. Against S3, where a 1000-key
// DeleteObjects takes far longer than a listing, the pipelined deletes are what pays off.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { countObjectVersions, DEFAULT_DELETE_CONCURRENCY, emptyVersionedBucket } from '../src/aws/buckets.js';
import { startMotoServer } from '../test/support/moto-server.js';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '1250' },
    'puts-per-key': { type: 'string', default: '2' },
    'markers-per-key': { type: 'string', default: '14' },
    concurrency: { type: 'string', default: String(DEFAULT_DELETE_CONCURRENCY) },
    'boto3-first': { type: 'boolean', default: false },
    sequential: { type: 'boolean', default: false },
  },
});
const keys = Number(args.keys);
const putsPerKey = Number(args['puts-per-key']);
const markersPerKey = Number(args['markers-per-key']);
const concurrency = Number(args.concurrency);
const total = keys * (putsPerKey + markersPerKey);

const root = process.cwd();
const python = join(root, '.venv/bin/python');

function keyName(i: number): string {
  return `AWSLogs/123456789012/S3/2025-06-01-12-${String(i).padStart(6, '0')}`;
}

async function fill(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  let next = 0;
  const puts = keys * putsPerKey;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < puts) {
        const i = next++;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: keyName(i % keys), Body: `version ${i}` }));
      }
    }),
  );
  // Deleting a key without a version ID adds a delete marker on top, one per key per request.
  for (let round = 0; round < markersPerKey; round++) {
    for (let start = 0; start < keys; start += 1000) {
      const objects = [];
      for (let i = start; i < Math.min(keys, start + 1000); i++) objects.push({ Key: keyName(i) });
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
    }
  }
  // No count here: moto copies the whole bucket for every ListObjectVersions page, so counting 20,000
  // entries costs ~20 s; both emptying methods report how many they deleted, which is checked against total.
}

interface Measurement {
  name: string;
  deleted: number;
  seconds: number;
  note?: string;
}

async function runSecnotify(s3: S3Client, bucket: string, withConcurrency: number): Promise<Measurement> {
  const started = performance.now();
  const result = await emptyVersionedBucket(s3, bucket, { concurrency: withConcurrency });
  const seconds = (performance.now() - started) / 1000;
  if (result.failed.length > 0) throw new Error(`secnotify: ${result.failed.length} deletions refused`);
  return { name: `secnotify (concurrency ${withConcurrency})`, deleted: result.deleted, seconds };
}

async function runBoto3(endpoint: string, bucket: string): Promise<Measurement> {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(python, [join(root, 'bench/boto3_empty.py'), endpoint, bucket], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_ENDPOINT_URL: endpoint },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`boto3_empty.py exited ${code}`)),
    );
  });
  const parsed = JSON.parse(output.trim().split('\n').pop() ?? '{}') as {
    seconds: number;
    deleted: number;
    errors: number;
    rounds: number;
  };
  if (parsed.errors > 0) throw new Error(`boto3: ${parsed.errors} deletions refused`);
  return {
    name: 'boto3 object_versions.delete()',
    deleted: parsed.deleted,
    seconds: parsed.seconds,
    note: `${parsed.rounds} calls, the last finding nothing`,
  };
}

function rate(m: Measurement): number {
  return m.deleted / m.seconds;
}

async function main(): Promise<number> {
  if (!existsSync(python)) throw new Error(`${python} missing: run \`bash scripts/ensure-python.sh\``);
  const { endpoint, stop } = await startMotoServer(root);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      stop();
      process.exit(code);
    });
  }
  process.once('exit', stop);
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  try {
    const run = Date.now().toString(36);
    const buckets = {
      secnotify: `bench-secnotify-${run}`,
      boto3: `bench-boto3-${run}`,
      sequential: `bench-sequential-${run}`,
    };
    const setupStarted = performance.now();
    await fill(s3, buckets.secnotify);
    await fill(s3, buckets.boto3);
    if (args.sequential) await fill(s3, buckets.sequential);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    console.log(
      `moto_server ${endpoint}; each bucket: ${total} entries = ${keys} keys × (${putsPerKey} versions + ` +
        `${markersPerKey} delete markers); setup ${setupSeconds.toFixed(1)} s (not timed below)`,
    );

    const measurements: Measurement[] = [];
    const ours = () => runSecnotify(s3, buckets.secnotify, concurrency);
    const theirs = () => runBoto3(endpoint, buckets.boto3);
    if (args['boto3-first']) measurements.push(await theirs(), await ours());
    else measurements.push(await ours(), await theirs());
    if (args.sequential) measurements.push(await runSecnotify(s3, buckets.sequential, 1));

    let ok = true;
    for (const [name, bucket] of Object.entries(buckets)) {
      if (name === 'sequential' && !args.sequential) continue;
      const left = await countObjectVersions(s3, bucket);
      if (left.versions + left.deleteMarkers > 0) {
        console.log(`FAIL: bucket ${bucket} (${name}) still holds ${JSON.stringify(left)}`);
        ok = false;
      }
    }
    for (const m of measurements) {
      if (m.deleted !== total) {
        console.log(`FAIL: ${m.name} deleted ${m.deleted} of ${total}`);
        ok = false;
      }
      const note = m.note ? `  (${m.note})` : '';
      console.log(
        `${m.name.padEnd(34)} ${String(m.deleted).padStart(6)} deleted in ${m.seconds.toFixed(2).padStart(6)} s = ` +
          `${rate(m).toFixed(0).padStart(6)} objects/s${note}`,
      );
    }
    const secnotify = measurements.find(
      (m) => m.name.startsWith('secnotify') && m.name.includes(`${concurrency})`),
    )!;
    const boto3 = measurements.find((m) => m.name.startsWith('boto3'))!;
    const ratio = rate(secnotify) / rate(boto3);
    const holds = ratio >= 1.0;
    console.log(
      `ratio secnotify/boto3: ${ratio.toFixed(2)}  budget (ratio >= 1.0): ${holds ? 'holds' : 'MISSED'}`,
    );
    return ok && holds ? 0 : 1;
  } finally {
    s3.destroy();
    stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
