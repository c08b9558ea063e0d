// Formatter benchmark (`npm run bench:formatter`, after a build): median time to format one finding over
// every fixture; the handler on one event of 1,000 findings with a fake Publish of 25 ms, one publish after
// the other (the baseline) against bounded concurrent publishing and the default (summary e-mail), run in
// the same process (budget: under 5 s); the Lambda bundle's size (budget 100 KB), and its cold load time in
// a fresh Node process against bare `node -e ""` in the same run (budget 50 ms above bare Node); and the
// digest of 10,000 queued findings (queue messages to one e-mail and one chat message, budget under 2 s)
// against formatting one e-mail per finding for the same findings in the same process (the baseline).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queueBodies } from '../src/notify/digest.js';
import { publishDigests } from '../src/notify/digest-delivery.js';
import { type EmailSettings, emailsForEvent, parseFindings, planEmails } from '../src/notify/format.js';
import { createHandler, PUBLISH_CONCURRENCY } from '../src/notify/handler.js';

const root = process.cwd();
const fixtureDirs = ['test/fixtures/events/asff', 'test/fixtures/events/ocsf', 'test/fixtures/findings/asff'];
const BUNDLE_BUDGET_BYTES = 100 * 1024;
const LOAD_BUDGET_MS = 50;
const LOAD_RUNS = 21;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// --- Formatting time ---------------------------------------------------------------------------------
const inputs = fixtureDirs.flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(root, dir, f), 'utf8')) as unknown),
);
const findingCounts = inputs.map((input) => parseFindings(input).findings.length);
const settings: EmailSettings = {
  timeZone: 'Europe/Berlin',
  idcSubdomain: 'd-abcd1234',
  permissionSet: 'SubscribeToSecurityNotifications',
  skipRepeated: false,
};
const ROUNDS = 200;
for (let i = 0; i < 20; i++) for (const input of inputs) emailsForEvent(input, settings);
const perFinding: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  inputs.forEach((input, i) => {
    const start = process.hrtime.bigint();
    emailsForEvent(input, settings);
    perFinding.push(Number(process.hrtime.bigint() - start) / 1e6 / findingCounts[i]!);
  });
}
const findings = findingCounts.reduce((a, b) => a + b, 0);
console.log(
  `format: median ${median(perFinding).toFixed(3)} ms per finding (${inputs.length} fixtures, ${findings} findings, ${ROUNDS} rounds; p90 ${[...perFinding].sort((a, b) => a - b)[Math.floor(perFinding.length * 0.9)]!.toFixed(3)} ms)`,
);

// --- One event of 1,000 findings, Publish taking 25 ms -----------------------------------------------------
const PUBLISH_MS = 25;
const EVENT_FINDINGS = 1000;
const EVENT_BUDGET_MS = 5000;
const bigEvent = (() => {
  const event = JSON.parse(
    readFileSync(join(root, 'test/fixtures/events/asff/guardduty-bitcoin-dns.json'), 'utf8'),
  ) as { detail: { findings: Record<string, unknown>[] } };
  const base = event.detail.findings[0]!;
  event.detail.findings = Array.from({ length: EVENT_FINDINGS }, (_, i) => ({
    ...structuredClone(base),
    Id: `${String(base.Id)}-${i}`,
  }));
  return event;
})();
async function timeEvent(
  concurrency: number,
  summaryThreshold?: number,
): Promise<{ ms: number; emails: number }> {
  let publishes = 0;
  const run = createHandler({
    env: { SNS_TOPIC_ARN: 'arn:aws:sns:eu-central-1:111122223333:bench', ACCOUNT_SCOPE: 'organization' },
    client: () => ({
      send: async () => {
        publishes++;
        await new Promise((resolve) => setTimeout(resolve, PUBLISH_MS));
        return { MessageId: String(publishes) };
      },
    }),
    log: () => {},
    concurrency,
    summaryThreshold,
  });
  // Warm-up on a small event: loads the SDK's command classes and lets the JIT settle.
  await run({ ...bigEvent, detail: { findings: bigEvent.detail.findings.slice(0, 5) } });
  publishes = 0;
  const start = process.hrtime.bigint();
  const result = await run(bigEvent);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.sent !== EVENT_FINDINGS) throw new Error(`sent ${result.sent} of ${EVENT_FINDINGS}`);
  return { ms, emails: publishes };
}
{
  const sequential = await timeEvent(1, Number.POSITIVE_INFINITY);
  const bounded = await timeEvent(PUBLISH_CONCURRENCY, Number.POSITIVE_INFINITY);
  const summary = await timeEvent(PUBLISH_CONCURRENCY);
  const line = (name: string, r: { ms: number; emails: number }) =>
    `event: ${name}: ${(r.ms / 1000).toFixed(2)} s, ${r.emails} e-mail(s), ratio ${(r.ms / sequential.ms).toFixed(3)} of the sequential baseline`;
  console.log(
    `event: ${EVENT_FINDINGS} findings, fake Publish ${PUBLISH_MS} ms; sequential baseline (one publish after the other, one e-mail per finding): ${(sequential.ms / 1000).toFixed(2)} s`,
  );
  console.log(line(`bounded concurrency ${PUBLISH_CONCURRENCY}, one e-mail per finding`, bounded));
  console.log(
    `${line('default (more than 20 findings: one summary e-mail)', summary)}; budget ${EVENT_BUDGET_MS / 1000} s: ${summary.ms <= EVENT_BUDGET_MS && bounded.ms <= EVENT_BUDGET_MS ? 'OK' : 'OVER BUDGET'}`,
  );
}

// --- Digest of 10,000 queued findings -----------------------------------------------------------------
const DIGEST_FINDINGS = 10_000;
const DIGEST_BUDGET_MS = 2000;
{
  const pool = inputs.flatMap((input) => parseFindings(input).findings);
  // Every 10th finding is an update of an earlier one (same ID, later time): counted once, latest state.
  const queued = Array.from({ length: DIGEST_FINDINGS }, (_, i) => {
    const n = i % 10 === 9 ? i - 9 : i;
    const f = pool[n % pool.length]!;
    return { ...f, id: `${f.id}-${n}`, updatedAt: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString() };
  });
  const bodies = queueBodies(queued, ['email', 'chat']).map((body, i) => ({ messageId: `m-${i}`, body }));
  let published = 0;
  const deps = {
    sns: { send: async () => ({ MessageId: String(++published) }) },
    settings,
    targets: {
      emailTopicArn: 'arn:aws:sns:eu-central-1:111122223333:e',
      chatTopicArn: 'arn:aws:sns:eu-central-1:111122223333:c',
    },
    log: () => {},
  };
  await publishDigests(bodies.slice(0, 50), deps as never);
  const digestRuns: number[] = [];
  let listed = 0;
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    const result = await publishDigests(bodies, deps as never);
    digestRuns.push(Number(process.hrtime.bigint() - start) / 1e6);
    listed = result.findings.email ?? 0;
    if (result.published.length !== 2) throw new Error('the digest was not published');
  }
  // Baseline: today's delivery, one e-mail per finding, for the same findings.
  const raw = { Findings: queued.map((f) => f.raw) };
  planEmails({ Findings: raw.Findings.slice(0, 50) }, settings);
  const baseStart = process.hrtime.bigint();
  const plans = planEmails(raw, settings);
  const baseline = Number(process.hrtime.bigint() - baseStart) / 1e6;
  const digestMs = median(digestRuns);
  console.log(
    `digest: ${DIGEST_FINDINGS} queued findings (${bodies.length} messages, ${listed} distinct) to one e-mail and one chat message: median ${digestMs.toFixed(0)} ms over ${digestRuns.length} runs; baseline one e-mail per finding (${plans.length} e-mails) ${baseline.toFixed(0)} ms; ratio ${(digestMs / baseline).toFixed(3)} of the baseline; budget ${DIGEST_BUDGET_MS / 1000} s: ${digestMs <= DIGEST_BUDGET_MS ? 'OK' : 'OVER BUDGET'}`,
  );
}

// --- Bundle size -------------------------------------------------------------------------------------
const bundle = join(root, 'dist/lambda/index.js');
const size = statSync(bundle).size;
console.log(
  `bundle: dist/lambda/index.js ${(size / 1024).toFixed(1)} KB (budget ${BUNDLE_BUDGET_BYTES / 1024} KB): ${size <= BUNDLE_BUDGET_BYTES ? 'OK' : 'OVER BUDGET'}`,
);

// --- Cold load ---------------------------------------------------------------------------------------
// Lambda loads index.js with no package.json around it, i.e. as CommonJS. In this repository the root
// package.json says "type": "module", so the bundle is copied next to a CommonJS package.json to be
// loaded the way Lambda loads it; the AWS SDK (external, provided by the runtime) comes from node_modules.
const inPlace = execFileSync(
  process.execPath,
  ['-e', `const m = require(${JSON.stringify(bundle)}); process.stdout.write(typeof m.handler)`],
  { encoding: 'utf8' },
);
const sandbox = mkdtempSync(join(tmpdir(), 'secnotify-lambda-'));
try {
  copyFileSync(bundle, join(sandbox, 'index.js'));
  writeFileSync(join(sandbox, 'package.json'), '{"type":"commonjs"}\n');
  const env = { ...process.env, NODE_PATH: join(root, 'node_modules') };
  const target = join(sandbox, 'index.js');
  const check = execFileSync(
    process.execPath,
    ['-e', `process.stdout.write(typeof require(${JSON.stringify(target)}).handler)`],
    { encoding: 'utf8', env },
  );
  const time = (args: string[]): number => {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const bare: number[] = [];
  const load: number[] = [];
  const withSdk: number[] = [];
  time(['-e', '']);
  for (let i = 0; i < LOAD_RUNS; i++) {
    // Interleaved so that machine noise hits both series alike.
    bare.push(time(['-e', '']));
    load.push(time(['-e', `require(${JSON.stringify(target)})`]));
    withSdk.push(time(['-e', `require(${JSON.stringify(target)}); require('@aws-sdk/client-sns')`]));
  }
  const over = median(load) - median(bare);
  console.log(
    `load: bundle exports handler as CommonJS: ${check === 'function' ? 'yes' : `NO (${check})`}; in place under the root "type": "module": ${inPlace === 'function' ? 'yes' : 'NO - dist/lambda needs {"type":"commonjs"} beside it'}`,
  );
  console.log(
    `load: median node -e "require(bundle)" ${median(load).toFixed(1)} ms vs node -e "" ${median(bare).toFixed(1)} ms over ${LOAD_RUNS} runs: +${over.toFixed(1)} ms (budget +${LOAD_BUDGET_MS} ms): ${over <= LOAD_BUDGET_MS ? 'OK' : 'OVER BUDGET'} (ratio ${(median(load) / median(bare)).toFixed(2)}x)`,
  );
  console.log(
    `load: the first invocation also loads @aws-sdk/client-sns (provided by the Lambda runtime): bundle + SDK median ${median(withSdk).toFixed(1)} ms, +${(median(withSdk) - median(bare)).toFixed(1)} ms over bare Node (not part of the budget)`,
  );
} finally {
  rmSync(sandbox, { recursive: true, force: true });
}
