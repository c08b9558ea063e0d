// The fixtures under test/fixtures: one reader and one lister for every test that walks them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '../fixtures');

/** A JSON fixture, by its path under test/fixtures (e.g. `events/asff/guardduty-bitcoin-dns.json`). */
export const loadFixture = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));

/** The JSON fixtures of one folder under test/fixtures, as paths `loadFixture` takes. */
export const fixtureFiles = (dir: string): string[] =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `${dir}/${f}`);
