// Event Ruler, the open-source matcher behind EventBridge (software.amazon.event.ruler:event-ruler 1.8.1), as a
// test peer: test/eventruler holds a small Java CLI around it, built once by scripts/ensure-eventruler.sh. One
// JVM run matches every pattern of a test file against every event, in the events' natural JSON form.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/render/templates-dir.js';

const ROOT = packageRoot(import.meta.url);
const DIR = join(ROOT, 'test/eventruler/target');

export interface RulerResult {
  /** Event name → names of the patterns that match it, sorted. */
  matches: Record<string, string[]>;
  /** Pattern name → why Event Ruler refused it (a refused pattern matches nothing). */
  errors: Record<string, string>;
}

/** Builds the peer when its sources changed (a no-op otherwise); needs Java 17 and Maven. */
function ensureBuilt(): void {
  execFileSync('bash', [join(ROOT, 'scripts/ensure-eventruler.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Matches every pattern against every event with Event Ruler's `rulesForJSONEvent`, in one JVM run. */
export function eventRuler(patterns: Record<string, string>, events: Record<string, unknown>): RulerResult {
  ensureBuilt();
  const out = execFileSync(
    'java',
    ['-cp', `${join(DIR, 'eventruler-peer.jar')}:${join(DIR, 'lib', '*')}`, 'secnotify.eventruler.Match'],
    { input: JSON.stringify({ patterns, events }), maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
  );
  return JSON.parse(out) as RulerResult;
}
