// The CloudShell path: `npm pack` yields one self-contained tarball. Its package.json declares no runtime
// dependency, it holds the built CLI, the Lambda bundle and the templates and nothing of the sources, the
// bundle imports nothing but Node built-ins, and installed from the file alone (offline) it runs.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'sn-pack-'));
let tarball = '';
let entries: string[] = [];
let manifest: Record<string, unknown> = {};

/** Bytes on disk, like `du`. */
function diskUsage(path: string): number {
  const stat = lstatSync(path);
  let total = stat.blocks * 512;
  if (stat.isDirectory()) for (const entry of readdirSync(path)) total += diskUsage(join(path, entry));
  return total;
}

beforeAll(() => {
  // dist/ is built before the tests (npm test's pretest); --ignore-scripts packs exactly that build.
  const packed = JSON.parse(
    execFileSync(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--no-update-notifier', '--pack-destination', work],
      {
        encoding: 'utf8',
      },
    ),
  ) as { filename: string }[];
  tarball = join(work, packed[0]!.filename);
  entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
  manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
  );
}, 60_000);

describe('npm pack', () => {
  it('declares no runtime dependencies: installing it fetches nothing else', () => {
    for (const key of [
      'dependencies',
      'optionalDependencies',
      'peerDependencies',
      'bundleDependencies',
      'bundledDependencies',
    ]) {
      expect(Object.keys((manifest[key] as object | undefined) ?? {}), key).toEqual([]);
    }
    expect(manifest.bin).toEqual({ secnotify: 'bin/secnotify.js' });
  });

  it('holds the built CLI, the Lambda bundle, the templates and the README, and no sources or tests', () => {
    for (const file of [
      'package/bin/secnotify.js',
      'package/dist/cli.js',
      'package/dist/lambda/index.js',
      'package/templates/product.yaml',
      'package/templates/portfolio.yaml',
      'package/README.md',
      'package/package.json',
    ]) {
      expect(entries).toContain(file);
    }
    expect(
      entries.filter((e) => /^package\/(src|test|scripts|bench|\.ci|\.github|node_modules)\//.test(e)),
    ).toEqual([]);
  });

  it('the CLI bundle imports only Node built-ins (and the SDK optional SigV4a signers it never loads)', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const optional = new Set(['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a']);
    const files = entries.filter((e) => /^package\/dist\/(cli\.js|chunks\/.*\.js)$/.test(e));
    expect(files.length).toBeGreaterThan(1);
    const external = new Set<string>();
    for (const entry of files) {
      const text = readFileSync(join(process.cwd(), entry.replace(/^package\//, '')), 'utf8');
      for (const m of text.matchAll(/(?:\bfrom ?|\bimport\(|\brequire\()["']([^"'./][^"']*)["']/g))
        external.add(m[1]!);
    }
    expect([...external].filter((s) => !builtins.has(s) && !optional.has(s))).toEqual([]);
  });

  it('installs from the file alone (offline) within 15 MB, and the installed command runs', () => {
    const prefix = join(work, 'install');
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        tarball,
        '--offline',
        '--no-audit',
        '--no-fund',
        '--no-update-notifier',
      ],
      {
        encoding: 'utf8',
        cwd: work,
      },
    );
    expect(readdirSync(join(prefix, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual([
      'secnotify',
    ]);
    expect(diskUsage(prefix)).toBeLessThan(15_000_000);
    const bin = join(prefix, 'node_modules/.bin/secnotify');
    const out = join(work, 'rendered');
    const env = { PATH: process.env.PATH, HOME: work, AWS_REGION: 'eu-west-1', CI: 'true' };
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8', env }).trim()).toBe(manifest.version);
    const rendered = execFileSync(bin, ['render', '--out', out], { encoding: 'utf8', env, cwd: work });
    expect(rendered).toMatch(new RegExp(`Rendered \\d+ templates into ${out}`));
    expect(readdirSync(out)).toContain('product.yaml');
  }, 120_000);
});
