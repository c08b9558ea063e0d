// Finds the templates/ folder the package ships. The code runs from src/ (vitest), from dist/cli.js or
// from dist/chunks/*.js (the bundle), and from an npm install under node_modules/secnotify, so the only
// stable landmark is the package root: the nearest directory upwards whose package.json names secnotify.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'secnotify';

function isPackageRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The package root above `from` (a file URL or path); throws when there is none. */
export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (;;) {
    if (isPackageRoot(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `cannot find the ${PACKAGE_NAME} package root above ${from}: is the package installed whole?`,
      );
    }
    dir = parent;
  }
}

let cached: string | undefined;

/** Absolute path of the shipped templates/ directory. */
export function templatesDir(): string {
  cached ??= join(packageRoot(), 'templates');
  return cached;
}

/** Text of one shipped template, e.g. `readTemplate('bucket.yaml')`. */
export function readTemplate(fileName: string): string {
  return readFileSync(join(templatesDir(), fileName), 'utf8');
}
