// status verdicts from gathered facts (pure): what counts as present, and each thing that looks wrong.
import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/cli/io/stack-progress.js';
import { formatStatus } from '../../src/cli/status/report.js';
import { defaultOptions } from '../../src/core/options.js';
import { evaluateStatus, type StatusReport } from '../../src/core/status.js';
import {
  denied,
  installationFacts as facts,
  TEMPLATE_HASH as HASH,
  HUB,
  LAST_UPDATED,
  MEMBER,
  managementFacts as management,
  nothingInstalled,
  present,
  REGION,
  stackFact as stack,
} from '../support/facts.js';

const expected = { productTemplateHash: HASH, options: defaultOptions };
const part = (report: StatusReport, id: string) => report.parts.find((p) => p.id === id)!;

describe('evaluateStatus', () => {
  it('reports a complete, healthy installation part by part', () => {
    const report = evaluateStatus(facts(), expected);
    expect(report.installed).toBe('complete');
    expect(report.problems).toEqual([]);
    expect(report.couldNotCheck).toEqual([]);
    expect(report.parts.map((p) => [p.id, p.state])).toEqual([
      ['org-setup', 'present'],
      ['launch-roles', 'present'],
      ['bucket', 'present'],
      ['product-versions', 'present'],
      ['portfolio', 'present'],
      ['shares', 'present'],
      ['permission-set', 'present'],
    ]);
    expect(part(report, 'product-versions')).toMatchObject({
      version: 'v2',
      lastUpdated: LAST_UPDATED,
      details: { deployedTemplateHash: HASH, renderedTemplateHash: HASH, productId: 'prod-xyz789' },
    });
    expect(part(report, 'launch-roles').details).toMatchObject({ instances: 2, byStatus: { SUCCEEDED: 2 } });
  });

  it('says nothing is installed when every part is absent', () => {
    const report = evaluateStatus(
      nothingInstalled({
        serviceCatalogAccess: 'DISABLED',
        hubIsDelegatedAdmin: false,
        stackSetsTrustedAccess: 'DISABLED',
      }),
      expected,
    );
    expect(report.installed).toBe('none');
    expect(report.parts.every((p) => p.state === 'absent')).toBe(true);
    expect(report.problems).toEqual([]);
  });

  it('flags a stack in a failed state with its reason', () => {
    const report = evaluateStatus(
      facts({
        bucketStack: present(
          stack('SecurityNotifications-SC-Bucket', {
            status: 'UPDATE_ROLLBACK_FAILED',
            statusReason: 'Resource AccessLogBucket failed',
          }),
        ),
      }),
      expected,
    );
    expect(report.installed).toBe('partial');
    expect(part(report, 'bucket')).toMatchObject({
      state: 'present',
      stackStatus: 'UPDATE_ROLLBACK_FAILED',
      problems: [
        'stack SecurityNotifications-SC-Bucket is UPDATE_ROLLBACK_FAILED: Resource AccessLogBucket failed',
      ],
    });
  });

  it('flags a busy stack as something to look at again, not as installed', () => {
    const report = evaluateStatus(
      facts({
        portfolioStack: present(
          stack('SecurityNotifications-Service-Catalog', { status: 'UPDATE_IN_PROGRESS' }),
        ),
      }),
      expected,
    );
    expect(report.installed).toBe('partial');
    expect(part(report, 'portfolio').problems).toEqual([
      'stack SecurityNotifications-Service-Catalog is busy (UPDATE_IN_PROGRESS); look again when it settles',
    ]);
  });

  it('flags a published template that differs from what this version renders', () => {
    const report = evaluateStatus(facts(), { ...expected, productTemplateHash: 'fedcba9876543210' });
    expect(part(report, 'product-versions').details).toMatchObject({
      deployedTemplateHash: HASH,
      renderedTemplateHash: 'fedcba9876543210',
    });
    expect(part(report, 'product-versions').problems).toEqual([
      `the published product template (${HASH}) differs from the one this secnotify version renders (fedcba9876543210): run secnotify install to publish it as a new version`,
    ]);
    expect(report.installed).toBe('partial');
  });

  it('flags shares that are missing, without principal sharing, or not accepted', () => {
    const report = evaluateStatus(
      facts({
        shares: present([
          {
            type: 'ORGANIZATIONAL_UNIT',
            principalId: 'ou-ab12-cdef3456',
            accepted: true,
            sharePrincipals: false,
          },
          { type: 'ACCOUNT', principalId: MEMBER, accepted: false, sharePrincipals: false },
        ]),
      }),
      expected,
    );
    expect(part(report, 'shares').problems).toEqual([
      'the configured share with the organization is missing',
      'the share with OU ou-ab12-cdef3456 does not share principals, so nobody there can see the product',
      `account ${MEMBER} has not accepted the share yet`,
    ]);
  });

  it('flags stack instances that are not current, and a half-done organization setup', () => {
    const report = evaluateStatus(
      facts({
        management: management({
          stackSet: present({
            name: 'Security-Hub-Notifications-Product-IAM-Roles',
            callAs: 'SELF',
            instances: [
              { account: HUB, region: REGION, status: 'CURRENT', detailedStatus: 'SUCCEEDED' },
              {
                account: MEMBER,
                region: REGION,
                status: 'OUTDATED',
                detailedStatus: 'FAILED',
                statusReason: 'Role already exists',
              },
            ],
          }),
          orgSetup: present({
            serviceCatalogAccess: 'ENABLED',
            hubIsDelegatedAdmin: false,
            stackSetsTrustedAccess: 'ENABLED',
          }),
        }),
      }),
      expected,
    );
    expect(part(report, 'launch-roles').details).toMatchObject({ byStatus: { SUCCEEDED: 1, FAILED: 1 } });
    expect(part(report, 'launch-roles').problems).toEqual([
      `stack instance ${MEMBER}/eu-west-1 is OUTDATED FAILED: Role already exists`,
    ]);
    expect(part(report, 'org-setup').problems).toEqual([
      `hub account ${HUB} is not a Service Catalog delegated administrator`,
    ]);
  });

  it('marks management parts not checked without management credentials, which is not a failure to look', () => {
    const report = evaluateStatus(facts({ management: undefined }), expected);
    for (const id of ['org-setup', 'launch-roles', 'permission-set']) {
      expect(part(report, id)).toMatchObject({
        state: 'not-checked',
        reason: expect.stringContaining('--management-profile'),
      });
    }
    expect(report.couldNotCheck).toEqual([]);
    expect(report.installed).toBe('complete');
  });

  it('lists the parts it could not look at, which makes the command exit 1', () => {
    const report = evaluateStatus(
      facts({ portfolioStack: denied('not authorized to perform cloudformation:DescribeStacks') }),
      expected,
    );
    expect(report.couldNotCheck).toEqual(['product-versions', 'portfolio']);
    expect(part(report, 'portfolio')).toMatchObject({
      state: 'unknown',
      reason: 'not authorized to perform cloudformation:DescribeStacks',
    });
  });

  it('says a StackSet that could not be listed, without hiding the stack that is there', () => {
    const report = evaluateStatus(
      facts({ management: management({ stackSet: denied('not authorized to perform ListStackInstances') }) }),
      expected,
    );
    expect(part(report, 'launch-roles')).toMatchObject({
      state: 'present',
      problems: ['could not list the stack instances: not authorized to perform ListStackInstances'],
    });
    expect(report.couldNotCheck).toEqual([]);
  });
});

describe('formatStatus', () => {
  it('prints one row per part and the problems under the table', () => {
    const report = evaluateStatus(facts({ management: undefined }), {
      ...expected,
      productTemplateHash: 'fedcba9876543210',
    });
    const text = formatStatus(report, (h, r) => formatTable(h, r, false));
    expect(text).toContain(`secnotify in hub account ${HUB}, eu-west-1: partly installed`);
    expect(text).toMatch(
      /Product versions\s+present\s+hub 111122223333\s+-\s+v2\s+2025-03-04 05:06:07Z\s+1 problem\(s\)/,
    );
    expect(text).toMatch(/Template bucket\s+present\s+hub 111122223333\s+UPDATE_COMPLETE/);
    expect(text).toContain('What looks wrong:\n  - Product versions: the published product template');
    expect(text).toContain('Not checked:\n  - Organization setup: needs management-account credentials');
  });
});
