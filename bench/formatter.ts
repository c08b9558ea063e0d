// Formatter benchmark (`npm run bench:formatter`, after a build): median time to format one finding over
// every fixture, the Lambda bundle's size (budget 100 KB), and its cold load time in a fresh Node process
// against bare `node -e ""` in the same run (budget 50 ms above bare Node).
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
import { type EmailSettings, emailsForEvent, parseFindings } from '../src/notify/format.js';

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
