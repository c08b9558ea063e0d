// status through the built CLI against moto, asserted on its JSON: before anything is installed, after a
// partial install (the bucket stack alone), and after the hub's templates and portfolio steps.
import { describe, expect, it } from 'vitest';
import { motoAccount, motoOrganization } from '../support/aws.js';
import { runCli } from '../support/cli.js';

const FAST = { SECNOTIFY_POLL_MS: '100' };

type Part = {
  id: string;
  state: string;
  stackStatus?: string;
  version?: string;
  lastUpdated?: string;
  problems: string[];
  details: Record<string, unknown>;
};

const byId = (doc: { parts: Part[] }) => Object.fromEntries(doc.parts.map((p) => [p.id, p]));

describe('status', () => {
  it('reports nothing, then the bucket stack alone, then the hub parts of an install', async () => {
    const { hub } = await motoOrganization();
    const env = { ...hub.env, ...FAST };
    const status = async () => {
      const result = await runCli(['status', '--json'], { env });
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    };

    const before = await status();
    expect(before).toMatchObject({
      hubAccountId: hub.accountId,
      region: 'eu-west-1',
      installed: 'none',
      problems: [],
    });
    expect(Object.fromEntries(before.parts.map((p: Part) => [p.id, p.state]))).toEqual({
      'org-setup': 'not-checked',
      'launch-roles': 'not-checked',
      bucket: 'absent',
      'product-versions': 'absent',
      portfolio: 'absent',
      shares: 'absent',
      'permission-set': 'not-checked',
    });

    const partial = await runCli(['install', '--yes', '--steps', 'templates'], { env });
    expect(partial.code, partial.stderr).toBe(0);
    const during = await status();
    expect(during.installed).toBe('partial');
    const duringParts = byId(during);
    expect(duringParts.bucket).toMatchObject({
      state: 'present',
      stackStatus: 'CREATE_COMPLETE',
      problems: [],
    });
    expect(Date.parse(duringParts.bucket!.lastUpdated!)).toBeGreaterThan(Date.now() - 10 * 60_000);
    const buckets = duringParts.bucket!.details.buckets as {
      role: string;
      exists: boolean;
      versions: number;
    }[];
    expect(buckets.map((b) => [b.role, b.exists])).toEqual([
      ['product-templates', true],
      ['access-logs', true],
    ]);
    // The uploaded product template is in the template bucket.
    expect(buckets[0]!.versions).toBe(1);
    expect(duringParts.portfolio!.state).toBe('absent');
    expect(duringParts['product-versions']!.state).toBe('absent');

    const full = await runCli(
      ['install', '--yes', '--steps', 'templates,portfolio', '--idc-region', 'eu-west-1', '--share', 'none'],
      {
        env,
      },
    );
    expect(full.code, full.stderr).toBe(0);
    const after = await status();
    const parts = byId(after);
    expect(parts.portfolio).toMatchObject({ state: 'present', stackStatus: 'CREATE_COMPLETE' });
    expect(parts['product-versions']).toMatchObject({ state: 'present', version: 'v1', problems: [] });
    // The published template is the one this version of secnotify renders for the deployed settings.
    const details = parts['product-versions']!.details;
    expect(details.deployedTemplateHash).toMatch(/^[0-9a-f]{16}$/);
    expect(details.deployedTemplateHash).toBe(details.renderedTemplateHash);
    // moto skips the portfolio resource, so the stack has no portfolio: status says so.
    expect(parts.portfolio!.problems).toEqual(['the portfolio stack has no portfolio']);
    expect(after.installed).toBe('partial');
  });

  it('prints a table without --json and exits 0 when nothing is installed', async () => {
    const account = await motoAccount('eu-west-1');
    const result = await runCli(['status'], { env: { ...account.env, ...FAST } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `secnotify in hub account ${account.accountId}, eu-west-1: not installed`,
    );
    expect(result.stdout).toMatch(/Template bucket\s+absent\s+hub/);
    expect(result.stdout).toContain('Not checked:');
  });
});
