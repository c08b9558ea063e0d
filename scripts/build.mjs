// Builds the CLI (ESM, code-split so `--version` and `--help` load almost nothing) and, when its
// source exists, the formatter Lambda (one CommonJS file without the AWS SDK, which the runtime provides).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // Prefer the SDK's ES modules: esbuild can see their named exports (and shake what is unused).
  mainFields: ['module', 'main'],
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const lambdaEntry = join(root, 'src/notify/handler.ts');
if (existsSync(lambdaEntry)) {
  await build({
    absWorkingDir: root,
    entryPoints: [lambdaEntry],
    outfile: join(dist, 'lambda/index.js'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    external: ['@aws-sdk/*'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // The package is "type": "module"; the bundle is CommonJS, as Lambda's index.js in a zip is read.
  writeFileSync(join(dist, 'lambda/package.json'), '{ "type": "commonjs" }\n');
}
