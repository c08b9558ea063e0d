// Reading a file the user names (`--config`, `--event`): only a regular file (or stdin where the command
// allows `-`), never more than a size limit, UTF-8 only. A device that never ends (/dev/zero), a FIFO that
// blocks until someone writes, a folder or a UTF-16 file each end with one line naming the input, exit 2;
// a failing file system (EIO and the like) ends with exit 1 and says so.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { OperationError, UsageError } from './errors.js';

/** A configuration file holds a few dozen keys; 1 MiB is far above any real one. */
export const CONFIG_MAX_BYTES = 1024 * 1024;
/**
 * An EventBridge event is at most 256 KB; a bare `aws securityhub get-findings` dump for preview can be
 * larger, so events get more room.
 */
export const EVENT_MAX_BYTES = 16 * 1024 * 1024;
/** Deeper than this, a configuration or event is not something a person wrote; refuse it before walking it. */
export const MAX_NESTING_DEPTH = 64;

export interface InputSpec {
  /** The flag (or config key) that named the file, e.g. `--config`. */
  field: string;
  maxBytes: number;
}

/** At most about 100 characters of a value, JSON-quoted, so that a pasted blob never floods the terminal. */
export function quoteValue(value: string, max = 100): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(cut);
}

/** An empty value for a flag that names a file, folder or profile: say so instead of acting on "". */
export function rejectEmpty(field: string, value: unknown, expected: string): void {
  if (typeof value === 'string' && value.trim() === '') {
    throw new UsageError(`${field}: the value is empty; expected ${expected}.`, { field });
  }
}

const USAGE_CODES: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'does not exist (a part of the path is not a folder)',
  EISDIR: 'is a folder, not a file',
  EACCES: 'cannot be read (permission denied)',
  EPERM: 'cannot be read (operation not permitted)',
  ENAMETOOLONG: 'is a path longer than the file system allows',
  ELOOP: 'is a loop of symbolic links',
};

function fileSystemError(spec: InputSpec, path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const what = USAGE_CODES[code];
  if (what)
    return new UsageError(`${spec.field}: cannot read ${quoteValue(path)}: it ${what}.`, {
      field: spec.field,
    });
  return new OperationError(
    `${spec.field}: the file system failed while reading ${quoteValue(path)} (${code || (error as Error).message}).`,
    { cause: error },
  );
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooLarge(spec: InputSpec, name: string): UsageError {
  return new UsageError(
    `${spec.field}: ${name} is larger than ${Math.round(spec.maxBytes / 1024)} KiB; this is not a file secnotify reads.`,
    { field: spec.field },
  );
}

/**
 * Reads a regular file, at most `spec.maxBytes`. Opened non-blocking, so a FIFO never hangs the open;
 * the type is checked on the open descriptor, so a swap between check and read cannot slip a device in.
 */
export function readInputFileSync(path: string, spec: InputSpec): string {
  rejectEmpty(spec.field, path, 'a file path');
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fileSystemError(spec, path, error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new UsageError(
        `${spec.field}: ${quoteValue(path)} is ${kindOf(stat)}; expected a regular file.`,
        {
          field: spec.field,
        },
      );
    }
    if (stat.size > spec.maxBytes) throw tooLarge(spec, quoteValue(path));
    // Read one byte past the limit: a file that grows while being read is caught too.
    const buffer = Buffer.alloc(Math.min(stat.size, spec.maxBytes) + 1);
    let length = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, length, buffer.length - length, null);
      } catch (error) {
        throw fileSystemError(spec, path, error);
      }
      if (n === 0) break;
      length += n;
      if (length > spec.maxBytes) throw tooLarge(spec, quoteValue(path));
      if (length === buffer.length) break;
    }
    return decodeInput(buffer.subarray(0, length), spec, quoteValue(path));
  } finally {
    closeSync(fd);
  }
}

/** Reads stdin to its end, at most `spec.maxBytes`. */
export async function readStdin(
  spec: InputSpec,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    length += bytes.length;
    if (length > spec.maxBytes) {
      (stdin as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw tooLarge(spec, 'standard input');
    }
    chunks.push(bytes);
  }
  return decodeInput(Buffer.concat(chunks), spec, 'standard input');
}

/** `-` reads stdin, anything else a regular file; both with the same limit and checks. */
export async function readInput(path: string, spec: InputSpec): Promise<string> {
  if (path === '-') return readStdin(spec);
  return readInputFileSync(path, spec);
}

/**
 * UTF-8 only. A UTF-8 byte-order mark is dropped (editors on Windows write one; JSON.parse rejects it);
 * UTF-16 and UTF-32 (recognised by their byte-order marks) and invalid UTF-8 are refused by name.
 */
export function decodeInput(bytes: Uint8Array, spec: InputSpec, name: string): string {
  const b = bytes;
  if (
    (b[0] === 0xff && b[1] === 0xfe) ||
    (b[0] === 0xfe && b[1] === 0xff) ||
    (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)
  ) {
    throw new UsageError(`${spec.field}: ${name} is UTF-16 or UTF-32 text; save it as UTF-8.`, {
      field: spec.field,
    });
  }
  const start = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b.subarray(start));
  } catch {
    throw new UsageError(
      `${spec.field}: ${name} is not UTF-8 text (byte ${invalidUtf8Offset(b, start)} is not valid UTF-8); save it as UTF-8.`,
      { field: spec.field },
    );
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function invalidUtf8Offset(b: Uint8Array, start: number): number {
  let i = start;
  while (i < b.length) {
    const c = b[i] as number;
    const n =
      c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k += 1) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
    }
    i += n + 1;
  }
  return i;
}

/**
 * The nesting depth of parsed data, walked without recursion (a hostile document must not overflow the
 * stack here either). Stops counting at `limit + 1`.
 */
export function nestingDepth(value: unknown, limit = MAX_NESTING_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Object.values(v as object)) stack.push([child, here]);
  }
  return deepest;
}

/** The error for input nested deeper than `limit` (also when the parser itself ran out of stack). */
export function tooDeep(field: string, name: string, limit = MAX_NESTING_DEPTH): UsageError {
  return new UsageError(
    `${field}: ${quoteValue(name)} is nested more than ${limit} levels deep; this is not input secnotify reads.`,
    { field },
  );
}

/** Throws when parsed input nests deeper than `limit`. */
export function assertNesting(value: unknown, field: string, name: string, limit = MAX_NESTING_DEPTH): void {
  if (nestingDepth(value, limit) > limit) throw tooDeep(field, name, limit);
}

/** Whether a parser's failure is the stack overflow of a deeply nested document. */
export function isTooDeep(error: unknown): boolean {
  // The yaml parser reports its own stack overflow as a parse error carrying V8's message.
  return error instanceof Error && /maximum call stack size exceeded/i.test(error.message);
}
