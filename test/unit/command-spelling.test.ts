// Hints name commands as they run here: `npx secnotify …` unless `secnotify` is on PATH.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spellCommands } from '../../src/cli/io/command-name.js';

const OFF_PATH = { PATH: '/nonexistent' };
function onPathEnv() {
  const dir = mkdtempSync(join(tmpdir(), 'secnotify-bin-'));
  writeFileSync(join(dir, 'secnotify'), '#!/bin/sh\n');
  chmodSync(join(dir, 'secnotify'), 0o755);
  return { PATH: dir };
}

describe('spellCommands', () => {
  it('writes npx secnotify for every command named in a hint when secnotify is not on PATH', () => {
    expect(
      spellCommands('Run the portfolio step first: secnotify install --steps portfolio,share', OFF_PATH),
    ).toBe('Run the portfolio step first: npx secnotify install --steps portfolio,share');
    expect(spellCommands('then run `secnotify doctor` again; secnotify status shows it', OFF_PATH)).toBe(
      'then run `npx secnotify doctor` again; npx secnotify status shows it',
    );
  });

  it('leaves other mentions of the name, and hints already spelled with npx, as they are', () => {
    for (const text of ['[secnotify test] Sample', 'secnotify in hub account 1', 'npx secnotify doctor'])
      expect(spellCommands(text, OFF_PATH)).toBe(text);
  });

  it('keeps plain secnotify when it is on PATH', () => {
    expect(spellCommands('run secnotify doctor', onPathEnv())).toBe('run secnotify doctor');
  });
});
