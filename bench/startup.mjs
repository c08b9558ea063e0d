// Start-up benchmark: median wall time of `secnotify --version`, `secnotify --help` and bare `node -e ""`
// over the same number of interleaved runs, and the ratios against bare Node (budget: both <= 2.0).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin/secnotify.js');
const runs = Number(process.env.BENCH_RUNS ?? 25);
const cases = {
  'node -e ""': [process.execPath, ['-e', '']],
  'secnotify --version': [process.execPath, [bin, '--version']],
  'secnotify --help': [process.execPath, [bin, '--help']],
};
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));

function once([cmd, args]) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return ms;
}

for (const c of Object.values(cases)) once(c); // warm the file cache
for (let i = 0; i < runs; i++) {
  // Interleave the cases so machine noise hits them alike.
  for (const [name, c] of Object.entries(cases)) times[name].push(once(c));
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const base = median(times['node -e ""']);
let ok = true;
console.log(`start-up, median of ${runs} runs each`);
for (const name of Object.keys(cases)) {
  const m = median(times[name]);
  const ratio = m / base;
  const budget =
    name === 'node -e ""' ? '' : ratio <= 2.0 ? '  (budget <= 2.0: ok)' : '  (budget <= 2.0: OVER)';
  if (name !== 'node -e ""' && ratio > 2.0) ok = false;
  console.log(`${name.padEnd(22)} ${m.toFixed(1).padStart(7)} ms   ratio ${ratio.toFixed(2)}${budget}`);
}
process.exitCode = ok ? 0 : 1;
