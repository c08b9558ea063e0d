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

  it('lists the accounts the StackSet left without the launch role (account, status, reason), failed before skipped', () => {
    const SUSPENDED = '555566667777';
    const report = evaluateStatus(
      facts({
        management: management({
          stackSet: present({
            name: 'Security-Hub-Notifications-Product-IAM-Roles',
            callAs: 'SELF',
            instances: [
              { account: HUB, region: REGION, status: 'CURRENT', detailedStatus: 'SUCCEEDED' },
              { account: MEMBER, region: REGION, status: 'OUTDATED', detailedStatus: 'FAILED' },
              { account: SUSPENDED, region: REGION, status: 'OUTDATED' },
            ],
          }),
          // What ListStackInstances filtered by DETAILED_STATUS returned: the authoritative list.
          unsuccessfulInstances: present([
            {
              account: SUSPENDED,
              region: REGION,
              status: 'OUTDATED',
              detailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT',
            },
            {
              account: MEMBER,
              region: REGION,
              status: 'OUTDATED',
              detailedStatus: 'FAILED',
              statusReason:
                'User is not authorized to perform: iam:CreateRole with an explicit deny in a service control policy',
            },
          ]),
          orgSetup: present({
            serviceCatalogAccess: 'ENABLED',
            hubIsDelegatedAdmin: false,
            stackSetsTrustedAccess: 'ENABLED',
          }),
        }),
      }),
      expected,
    );
    const roles = part(report, 'launch-roles');
    expect(roles.details).toMatchObject({
      byStatus: { SUCCEEDED: 1, FAILED: 1, OUTDATED: 1 },
      accountsWithoutLaunchRole: [SUSPENDED, MEMBER].sort(),
    });
    expect(roles.problems).toEqual([
      `no launch role: ${MEMBER} eu-west-1 FAILED: User is not authorized to perform: iam:CreateRole with an explicit deny in a service control policy`,
      `no launch role: ${SUSPENDED} eu-west-1 SKIPPED_SUSPENDED_ACCOUNT: the account is suspended`,
    ]);
    expect(report.lists[0]).toEqual({
      title: "Launch role missing in 2 account(s) (the StackSet's stack instances that did not succeed):",
      rows: [
        `${MEMBER} eu-west-1 FAILED: User is not authorized to perform: iam:CreateRole with an explicit deny in a service control policy`,
        `${SUSPENDED} eu-west-1 SKIPPED_SUSPENDED_ACCOUNT: the account is suspended`,
      ],
    });
    expect(part(report, 'org-setup').problems).toEqual([
      `hub account ${HUB} is not a Service Catalog delegated administrator`,
    ]);
    expect(report.installed).toBe('partial');
  });

  it('says the failed stack instances could not be listed, and that instances still deploying are not failures', () => {
    const refused = evaluateStatus(
      facts({
        management: management({
          unsuccessfulInstances: denied('not authorized to perform ListStackInstances'),
        }),
      }),
      expected,
    );
    expect(part(refused, 'launch-roles').problems).toEqual([
      'could not list the failed stack instances: not authorized to perform ListStackInstances',
    ]);
    const running = evaluateStatus(
      facts({
        management: management({
          stackSet: present({
            name: 'Security-Hub-Notifications-Product-IAM-Roles',
            callAs: 'SELF',
            instances: [{ account: MEMBER, region: REGION, status: 'OUTDATED', detailedStatus: 'RUNNING' }],
          }),
        }),
      }),
      expected,
    );
    expect(part(running, 'launch-roles').problems).toEqual([
      '1 stack instance(s) still being deployed; look again when the operation ends',
    ]);
    expect(running.lists.some((l) => l.title.startsWith('Launch role missing'))).toBe(false);
  });

  it('lists the product versions oldest first with current/deprecated/active/inactive, and flags an earlier one left active', () => {
    const versions = (list: Parameters<typeof present>[0]) =>
      evaluateStatus(facts({ productVersions: present(list as never) }), expected);
    const kept = versions([
      { id: 'pa-3', name: 'v3', active: true, guidance: 'DEFAULT', createdTime: '2025-03-04T05:00:00.000Z' },
      {
        id: 'pa-1',
        name: 'v1',
        active: false,
        guidance: 'DEPRECATED',
        createdTime: '2025-01-10T09:00:00.000Z',
      },
      {
        id: 'pa-2',
        name: 'v2',
        active: true,
        guidance: 'DEPRECATED',
        createdTime: '2025-02-01T09:00:00.000Z',
      },
    ]);
    // The portfolio stack's ProductVersion (v2 in the builder) is the current one, even when newer exist.
    expect(part(kept, 'product-versions').details.versions).toEqual([
      { id: 'pa-1', name: 'v1', state: 'inactive', createdTime: '2025-01-10T09:00:00.000Z' },
      { id: 'pa-2', name: 'v2', state: 'current', createdTime: '2025-02-01T09:00:00.000Z' },
      { id: 'pa-3', name: 'v3', state: 'active', createdTime: '2025-03-04T05:00:00.000Z' },
    ]);
    expect(kept.lists.find((l) => l.title.startsWith('Product versions'))?.rows).toEqual([
      'v1  2025-01-10  inactive',
      'v2  2025-02-01  current',
      'v3  2025-03-04  active',
    ]);
    expect(part(kept, 'product-versions').problems).toEqual([
      'earlier version v3 is not deprecated, so new subscriptions can still launch it: run secnotify install to mark it',
    ]);
    const healthy = evaluateStatus(facts(), expected);
    expect(healthy.lists.find((l) => l.title.startsWith('Product versions'))?.rows).toEqual([
      'v1  2025-01-10  deprecated',
      'v2  2025-03-04  current',
    ]);
    expect(part(versions([]), 'product-versions').problems).toEqual([]);
    expect(
      part(versions([{ id: 'pa-9', name: 'v9', active: true, guidance: 'DEFAULT' }]), 'product-versions')
        .problems,
    ).toEqual(["the current version v2 is not among the product's active versions", expect.any(String)]);
  });

  it("reports what the hub can see of the account shares' acceptance", () => {
    const OTHER = '123412341234';
    const report = evaluateStatus(
      facts({
        shares: present([
          { type: 'ORGANIZATION', principalId: 'o-abcdefghij', accepted: true, sharePrincipals: true },
          { type: 'ACCOUNT', principalId: MEMBER, accepted: true, sharePrincipals: false },
          { type: 'ACCOUNT', principalId: OTHER, accepted: false, sharePrincipals: false },
        ]),
      }),
      expected,
    );
    expect(part(report, 'shares').details.accountShares).toEqual([
      { accountId: OTHER, state: 'not-accepted' },
      { accountId: MEMBER, state: 'accepted' },
    ]);
    const list = report.lists.find((l) => l.title.startsWith('Account shares'));
    expect(list?.title).toContain(
      'whether the recipient associated its principals is not visible from the hub',
    );
    expect(list?.rows).toEqual([
      `${OTHER} not accepted yet: the recipient must accept (import) the share and associate its principals`,
      `${MEMBER} accepted`,
    ]);
    expect(part(report, 'shares').problems).toEqual([`account ${OTHER} has not accepted the share yet`]);
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
    expect(text).toContain(
      'Product versions (oldest first):\n  v1  2025-01-10  deprecated\n  v2  2025-03-04  current',
    );
    expect(text).toContain(`Account shares (acceptance as the hub sees it;`);
    expect(text).toContain(`\n  ${MEMBER} accepted`);
  });
});
