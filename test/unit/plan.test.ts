import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { resolveOptions } from '../../src/core/options.js';
import { parseSteps, planInstall } from '../../src/core/plan.js';

const run = (steps: ReturnType<typeof planInstall>) => steps.filter((s) => s.run).map((s) => s.id);

describe('planInstall', () => {
  it('runs every step with management credentials, the permission set in the Identity Center home region', () => {
    const steps = planInstall({
      options: resolveOptions(),
      hubRegion: 'eu-west-1',
      idcHomeRegion: 'us-east-1',
      haveManagementCredentials: true,
    });
    expect(run(steps)).toEqual([
      'org-setup',
      'launch-roles',
      'templates',
      'portfolio',
      'share',
      'permission-set',
    ]);
    expect(steps.find((s) => s.id === 'permission-set')?.region).toBe('us-east-1');
    expect(steps.find((s) => s.id === 'portfolio')?.region).toBe('eu-west-1');
  });

  it('lists management steps with the credentials they need when only hub credentials are given', () => {
    const steps = planInstall({
      options: resolveOptions(),
      hubRegion: 'eu-west-1',
      haveManagementCredentials: false,
    });
    expect(run(steps)).toEqual(['templates', 'portfolio', 'share']);
    for (const id of ['org-setup', 'launch-roles', 'permission-set']) {
      expect(steps.find((s) => s.id === id)?.skipReason).toContain('--management-profile');
    }
  });

  it('leaves out what the options make unnecessary', () => {
    const options = resolveOptions({
      values: { launchRole: false, share: 'none', principalType: 'iam-role', principals: 'Dev' },
      sources: {},
    });
    const steps = planInstall({ options, hubRegion: 'eu-west-1', haveManagementCredentials: true });
    expect(run(steps)).toEqual(['org-setup', 'templates', 'portfolio']);
  });

  it('honours --steps and rejects unknown step names', () => {
    const steps = planInstall({
      options: resolveOptions(),
      hubRegion: 'eu-west-1',
      haveManagementCredentials: true,
      selected: parseSteps('portfolio, templates'),
    });
    expect(run(steps)).toEqual(['templates', 'portfolio']);
    expect(() => parseSteps('templates,deploy')).toThrow(UsageError);
    expect(() => parseSteps('templates,deploy')).toThrow(/"deploy" is not a step/);
  });
});
