// Writes a set of files as one folder, all or nothing: everything goes into a temporary folder beside the
// target, which is then renamed into place (rename is atomic within one file system, POSIX rename(2)). The
// target ends up holding exactly the new files, or is left as it was; it is never half-written. A target
// that is not ours to replace (a file, a device, a symbolic link, a folder with other files, /proc) is
// refused before anything is written.
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { OperationError, UsageError } from '../../core/errors.js';
import { quoteValue } from '../../core/input-file.js';

export interface FolderFile {
  name: string;
  body: string;
}

/** Linux's PATH_MAX and NAME_MAX: longer paths fail in the middle of writing, so they are refused first. */
const PATH_MAX = 4096;
const NAME_MAX = 255;
/** Kernel file systems: writing there configures the system (or fails), it never stores files. */
const KERNEL_ROOTS = ['/proc', '/sys', '/dev'];

const USAGE_CODES: Record<string, string> = {
  EACCES: 'is not writable (permission denied)',
  EPERM: 'is not writable (operation not permitted)',
  EROFS: 'is on a read-only file system',
  ENOTDIR: 'is inside something that is not a folder',
  ENAMETOOLONG: 'is longer than the file system allows',
  ELOOP: 'passes through a loop of symbolic links',
};

function writeError(field: string, dir: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const what = USAGE_CODES[code];
  if (what) return new UsageError(`${field}: ${quoteValue(dir)} ${what}.`, { field });
  return new OperationError(
    `${field}: the file system failed while writing ${quoteValue(dir)} (${code || (error as Error).message}); the folder was left as it was.`,
    { cause: error },
  );
}

/**
 * Whether an existing folder may be replaced: it holds only files a render writes (`*.yaml`,
 * `*.parameters.json`), so an earlier render. Anything else is the user's, and stays untouched.
 */
function foreignEntries(dir: string, isOurs: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !(e.isFile() && isOurs(e.name)))
    .map((e) => e.name);
}

export interface ReplaceFolderOptions {
  /** The flag that named the folder, for messages. */
  field: string;
  /** Names of files an earlier run wrote; a folder holding only such files is replaced. */
  isOurs: (name: string) => boolean;
}

/** Checks the target before anything is rendered or written; returns the absolute path. */
export function checkTargetFolder(dirArg: string, options: ReplaceFolderOptions): string {
  const { field } = options;
  const dir = resolve(dirArg);
  if (dir.length >= PATH_MAX || dir.split(sep).some((part) => part.length > NAME_MAX)) {
    throw new UsageError(
      `${field}: ${quoteValue(dirArg)} is longer than the file system allows (${PATH_MAX} characters, ${NAME_MAX} per name).`,
      { field },
    );
  }
  if (KERNEL_ROOTS.some((root) => dir === root || dir.startsWith(`${root}/`))) {
    throw new UsageError(
      `${field}: ${quoteValue(dir)} is inside ${dir.split('/')[1] ? `/${dir.split('/')[1]}` : dir}, a kernel file system; choose a folder of your own.`,
      {
        field,
      },
    );
  }
  let stat: import('node:fs').Stats | undefined;
  try {
    stat = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(field, dir, error);
  }
  if (stat === undefined) return dir;
  if (stat.isSymbolicLink()) {
    throw new UsageError(
      `${field}: ${quoteValue(dir)} is a symbolic link; give the folder it points to, or a new folder.`,
      { field },
    );
  }
  if (!stat.isDirectory()) {
    const kind = stat.isFile() ? 'a file' : stat.isFIFO() ? 'a named pipe' : 'a device or special file';
    throw new UsageError(`${field}: ${quoteValue(dir)} is ${kind}, not a folder.`, { field });
  }
  let foreign: string[];
  try {
    foreign = foreignEntries(dir, options.isOurs);
  } catch (error) {
    throw writeError(field, dir, error);
  }
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? ', …' : '');
    throw new UsageError(
      `${field}: ${quoteValue(dir)} holds files that are not an earlier render (${shown}); give an empty or new folder.`,
      { field },
    );
  }
  return dir;
}

/**
 * Writes `files` into a temporary folder beside `dir`, then moves it into place. An existing folder
 * (checked by checkTargetFolder) is moved aside first and removed only after the new one is in place; if
 * the swap fails it is moved back.
 */
export function replaceFolder(dirArg: string, files: FolderFile[], options: ReplaceFolderOptions): string {
  const dir = checkTargetFolder(dirArg, options);
  const { field } = options;
  const parent = dirname(dir);
  const base = basename(dir);
  let staging: string;
  try {
    mkdirSync(parent, { recursive: true });
    staging = mkdtempSync(join(parent, `.${base}.new-`));
    // mkdtemp makes a private (0700) folder; the render gets the mode the folder it replaces had, else
    // what mkdir would give it.
    chmodSync(staging, existsAsFolder(dir) ? statSync(dir).mode & 0o7777 : 0o777 & ~process.umask());
  } catch (error) {
    throw writeError(field, parent, error);
  }
  try {
    for (const file of files) writeFileSync(join(staging, file.name), file.body, { flag: 'wx' });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw writeError(field, dir, error);
  }
  let old: string | undefined;
  try {
    if (existsAsFolder(dir)) {
      const aside = staging.replace(/\.new-([^/]*)$/, '.old-$1');
      renameSync(dir, aside);
      old = aside;
    }
    renameSync(staging, dir);
  } catch (error) {
    if (old !== undefined && !existsAsFolder(dir)) renameSync(old, dir);
    rmSync(staging, { recursive: true, force: true });
    throw writeError(field, dir, error);
  }
  if (old !== undefined) rmSync(old, { recursive: true, force: true });
  return dir;
}

function existsAsFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
