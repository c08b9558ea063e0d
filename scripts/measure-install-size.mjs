#!/usr/bin/env node
// Measures what the CloudShell path installs: `npm pack` → `npm install --prefix TMP ./secnotify-x.y.z.tgz`
// from the local file (no network: --offline, and the package has no runtime dependencies), then the size
// of TMP on disk. Prints the figure against the 15 MB budget, and beside it the node_modules of a
// contributor's `npm ci` when there is one. Exit 1 when over budget.
// Usage: npm run build && node scripts/measure-install-size.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET_BYTES = 15 * 1000 * 1000;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bytes on disk (allocated blocks, like `du`), following no symbolic links. */
function diskUsage(path) {
  const stat = lstatSync(path);
  let total = stat.blocks * 512;
  if (stat.isDirectory()) for (const entry of readdirSync(path)) total += diskUsage(join(path, entry));
  return total;
}
/** Bytes of file contents (what a download or a quota on apparent size counts). */
function apparentSize(path) {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.isFile() ? stat.size : 0;
  return readdirSync(path).reduce((sum, entry) => sum + apparentSize(join(path, entry)), 0);
}
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

if (!existsSync(join(root, 'dist/cli.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'secnotify-size-'));
try {
  const npm = (args, cwd) =>
    execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // --ignore-scripts: pack the dist/ just built instead of building again (prepare).
  const packed = JSON.parse(
    npm(['pack', '--json', '--ignore-scripts', '--no-update-notifier', '--pack-destination', work], root),
  );
  const tarball = join(work, packed[0].filename);
  const prefix = join(work, 'install');
  npm(
    [
      'install',
      '--prefix',
      prefix,
      tarball,
      '--offline',
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
      '--no-save',
    ],
    work,
  );
  const installed = diskUsage(prefix);
  const files = apparentSize(prefix);
  const tgz = lstatSync(tarball).size;
  const version = execFileSync(join(prefix, 'node_modules/.bin/secnotify'), ['--version'], {
    encoding: 'utf8',
  }).trim();
  console.log(`tarball            ${packed[0].filename}: ${mb(tgz)}, ${packed[0].entryCount} files`);
  console.log(
    `installed (du)     ${mb(installed)} on disk (${mb(files)} of file contents); budget ${mb(BUDGET_BYTES)}: ${((installed / BUDGET_BYTES) * 100).toFixed(0)}% of it`,
  );
  console.log(`installed CLI      secnotify --version → ${version}`);
  const contributor = join(root, 'node_modules');
  if (existsSync(contributor)) {
    const ci = diskUsage(realpathSync(contributor));
    console.log(
      `git clone + npm ci node_modules: ${mb(ci)} on disk; the tarball path is ${(ci / installed).toFixed(0)}× smaller`,
    );
  }
  if (installed > BUDGET_BYTES) {
    console.error(`Over budget: ${mb(installed)} > ${mb(BUDGET_BYTES)}.`);
    process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
