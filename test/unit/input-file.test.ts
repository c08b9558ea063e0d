// The checks behind every file the user names: size, type, encoding and nesting (the CLI cases are in
// test/e2e/cli-usage.test.ts); and the spelling of hints.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cliCommand, onPath } from '../../src/cli/io/command-name.js';
import { OperationError, UsageError } from '../../src/core/errors.js';
import {
  decodeInput,
  nestingDepth,
  quoteValue,
  readInputFileSync,
  readStdin,
} from '../../src/core/input-file.js';

const spec = { field: '--config', maxBytes: 64 };
const dir = mkdtempSync(join(tmpdir(), 'sn-input-'));

describe('decodeInput', () => {
  it('drops a UTF-8 byte-order mark and keeps the text', () => {
    expect(decodeInput(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x3a, 0x20, 0xc3, 0xa9]), spec, 'f')).toBe(
      'a: é',
    );
  });
  it('refuses UTF-16 (both byte orders) by name', () => {
    expect(() => decodeInput(Buffer.from([0xff, 0xfe, 0x61, 0]), spec, 'f')).toThrow(/UTF-16 or UTF-32/);
    expect(() => decodeInput(Buffer.from([0xfe, 0xff, 0, 0x61]), spec, 'f')).toThrow(/UTF-16 or UTF-32/);
  });
  it('names the offset of the first byte that is not UTF-8', () => {
    expect(() => decodeInput(Buffer.from('ab\xe9cd', 'latin1'), spec, 'f')).toThrow(
      /byte 2 is not valid UTF-8/,
    );
    expect(() => decodeInput(Buffer.from([0x61, 0xe2, 0x82]), spec, 'f')).toThrow(
      /byte 1 is not valid UTF-8/,
    );
  });
});

describe('readInputFileSync', () => {
  it('reads a regular file within the limit', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'formatter: lambda\n');
    expect(readInputFileSync(file, spec)).toBe('formatter: lambda\n');
  });
  it('refuses a file over the limit, a folder, a device and a missing file with usage errors', () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, 'x'.repeat(65));
    expect(() => readInputFileSync(big, spec)).toThrow(UsageError);
    expect(() => readInputFileSync(dir, spec)).toThrow(/is a folder; expected a regular file/);
    expect(() => readInputFileSync('/dev/zero', spec)).toThrow(/is a device/);
    expect(() => readInputFileSync(join(dir, 'absent'), spec)).toThrow(/does not exist/);
  });
  it('a failing file system is exit 1 and says so', () => {
    // Reading a folder's descriptor fails with EISDIR at read time on some systems; /proc/self/mem fails with EIO.
    let error: unknown;
    try {
      readInputFileSync('/proc/self/mem', { field: '--event', maxBytes: 1 << 30 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toMatch(
      /^--event: the file system failed while reading "\/proc\/self\/mem" \(EIO\)/,
    );
  });
});

describe('readStdin', () => {
  it('stops at the limit', async () => {
    await expect(readStdin(spec, Readable.from([Buffer.alloc(40), Buffer.alloc(40)]))).rejects.toThrow(
      /standard input is larger than/,
    );
    await expect(readStdin(spec, Readable.from([Buffer.from('{"a":1}')]))).resolves.toBe('{"a":1}');
  });
});

describe('nestingDepth', () => {
  it('counts levels without recursion and stops past the limit', () => {
    expect(nestingDepth({ a: [1, { b: 2 }] })).toBe(3);
    expect(nestingDepth('text')).toBe(0);
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    expect(nestingDepth(deep, 64)).toBe(65);
  });
});

describe('quoteValue', () => {
  it('quotes at most 100 characters', () => {
    expect(quoteValue('x'.repeat(500))).toBe(`"${'x'.repeat(100)}…"`);
  });
});

describe('hint spelling', () => {
  it('finds an executable on PATH', () => {
    expect(onPath('sh', { PATH: '/bin:/usr/bin' })).toBe(true);
    expect(onPath('secnotify', { PATH: dir })).toBe(false);
    expect(cliCommand({ PATH: dir })).toBe('npx secnotify');
  });
});
