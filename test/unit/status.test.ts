// status verdicts from gathered facts (pure): what counts as present, and each thing that looks wrong.
import { describe, expect, it } from 'vitest';
import { formatTable } from '../../src/cli/io/stack-progress.js';
import { evaluateStatus, formatStatus, type StatusReport } from '../../src/cli/status/report.js';
import { defaultOptions } from '../../src/core/options.js';
import type { InstallationFacts, ManagementFacts, StackFact } from '../../src/core/removal.js';

const HUB = '111122223333';
const MGMT = '444455556666';
const HASH = '0123456789abcdef';
const REGION = 'eu-west-1';
const URL = (hash: string) =>
  `https://securitynotifications-sc-bucket-producttemplatebucket-abc.s3.${REGION}.amazonaws.com/products/security-notifications-${hash}.yaml`;

const stack = (
  stackName: string,
  status = 'UPDATE_COMPLETE',
  parameters: Record<string, string> = {},
): StackFact => ({
  stackName,
  region: REGION,
  status,
  lastUpdated: '2025-03-04T05:06:07.000Z',
  parameters,
});

function management(overrides: Partial<ManagementFacts> = {}): ManagementFacts {
  return {
    accountId: MGMT,
    region: REGION,
    launchRoleStack: {
      value: stack('SecurityNotifications-IAM-roles-StackSet', 'CREATE_COMPLETE', {
        CurrentAccountType: 'management',
      }),
    },
    stackSet: {
      value: {
        name: 'Security-Hub-Notifications-Product-IAM-Roles',
        callAs: 'SELF',
        instances: [{ account: HUB, region: REGION, status: 'CURRENT', detailedStatus: 'SUCCEEDED' }],
      },
    },
    permissionSetStack: {
      value: stack('SecurityNotifications-PermissionSet', 'CREATE_COMPLETE', {
        PermissionSetName: 'SubscribeToSecurityNotifications',
      }),
    },
    orgSetup: {
      value: {
        serviceCatalogAccess: 'ENABLED',
        hubIsDelegatedAdmin: true,
        stackSetsTrustedAccess: 'ENABLED',
      },
    },
    ...overrides,
  };
}

function facts(overrides: Partial<InstallationFacts> = {}): InstallationFacts {
  return {
    hubAccountId: HUB,
    hubRegion: REGION,
    organizationId: 'o-abcdefghij',
    stackNames: defaultOptions.stackNames,
    bucketStack: { value: stack('SecurityNotifications-SC-Bucket') },
    buckets: {
      value: [
        { role: 'product-templates', name: 'tpl', exists: true, versions: 2, deleteMarkers: 0 },
        { role: 'access-logs', name: 'logs', exists: true, versions: 40, deleteMarkers: 0 },
      ],
    },
    portfolioStack: {
      value: stack('SecurityNotifications-Service-Catalog', 'UPDATE_COMPLETE', {
        ProductVersion: 'v2',
        ProductTemplateUrl: URL(HASH),
      }),
    },
    portfolio: { value: { id: 'port-abc123', foundBy: 'stack-output' } },
    productId: 'prod-xyz789',
    shares: {
      value: [{ type: 'ORGANIZATION', principalId: 'o-abcdefghij', accepted: true, sharePrincipals: true }],
    },
    productVersions: {
      value: [
        { id: 'pa-1', name: 'v1', active: true, guidance: 'DEFAULT' },
        { id: 'pa-2', name: 'v2', active: true, guidance: 'DEFAULT' },
      ],
    },
    subscribers: { value: [] },
    management: management(),
    ...overrides,
  };
}

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
      lastUpdated: '2025-03-04T05:06:07.000Z',
      details: { deployedTemplateHash: HASH, renderedTemplateHash: HASH, productId: 'prod-xyz789' },
    });
    expect(part(report, 'launch-roles').details).toMatchObject({ instances: 1, byStatus: { SUCCEEDED: 1 } });
  });

  it('says nothing is installed when every part is absent', () => {
    const report = evaluateStatus(
      facts({
        bucketStack: { value: undefined },
        buckets: { value: [] },
        portfolioStack: { value: undefined },
        portfolio: { value: undefined },
        shares: { value: [] },
        productVersions: { value: [] },
        management: management({
          launchRoleStack: { value: undefined },
          stackSet: { value: undefined },
          permissionSetStack: { value: undefined },
          orgSetup: {
            value: {
              serviceCatalogAccess: 'DISABLED',
              hubIsDelegatedAdmin: false,
              stackSetsTrustedAccess: 'DISABLED',
            },
          },
        }),
      }),
      expected,
    );
    expect(report.installed).toBe('none');
    expect(report.problems).toEqual([]);
  });

  it('flags a stack in a failed state with its reason', () => {
    const report = evaluateStatus(
      facts({
        bucketStack: {
          value: {
            ...stack('SecurityNotifications-SC-Bucket', 'UPDATE_ROLLBACK_FAILED'),
            statusReason: 'Resource AccessLogBucket failed',
          },
        },
      }),
      expected,
    );
    expect(report.installed).toBe('partial');
    expect(part(report, 'bucket').problems).toEqual([
      'stack SecurityNotifications-SC-Bucket is UPDATE_ROLLBACK_FAILED: Resource AccessLogBucket failed',
    ]);
  });

  it('flags a published template that differs from what this version renders', () => {
    const report = evaluateStatus(facts(), { ...expected, productTemplateHash: 'fedcba9876543210' });
    expect(part(report, 'product-versions').problems).toEqual([
      `the published product template (${HASH}) differs from the one this secnotify version renders (fedcba9876543210): run secnotify install to publish it as a new version`,
    ]);
  });

  it('flags shares that are missing, without principal sharing, or not accepted', () => {
    const report = evaluateStatus(
      facts({
        shares: {
          value: [
            {
              type: 'ORGANIZATIONAL_UNIT',
              principalId: 'ou-ab12-cdef3456',
              accepted: true,
              sharePrincipals: false,
            },
            { type: 'ACCOUNT', principalId: '999988887777', accepted: false, sharePrincipals: false },
          ],
        },
      }),
      expected,
    );
    expect(part(report, 'shares').problems).toEqual([
      'the configured share with the organization is missing',
      'the share with OU ou-ab12-cdef3456 does not share principals, so nobody there can see the product',
      'account 999988887777 has not accepted the share yet',
    ]);
  });

  it('flags stack instances that are not current, and a half-done organization setup', () => {
    const report = evaluateStatus(
      facts({
        management: management({
          stackSet: {
            value: {
              name: 'Security-Hub-Notifications-Product-IAM-Roles',
              callAs: 'SELF',
              instances: [
                { account: HUB, region: REGION, status: 'CURRENT', detailedStatus: 'SUCCEEDED' },
                {
                  account: '999988887777',
                  region: REGION,
                  status: 'OUTDATED',
                  detailedStatus: 'FAILED',
                  statusReason: 'Role already exists',
                },
              ],
            },
          },
          orgSetup: {
            value: {
              serviceCatalogAccess: 'ENABLED',
              hubIsDelegatedAdmin: false,
              stackSetsTrustedAccess: 'ENABLED',
            },
          },
        }),
      }),
      expected,
    );
    expect(part(report, 'launch-roles').problems).toEqual([
      'stack instance 999988887777/eu-west-1 is OUTDATED FAILED: Role already exists',
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
      facts({
        portfolioStack: {
          error: { name: 'AccessDenied', message: 'not authorized to perform cloudformation:DescribeStacks' },
        },
      }),
      expected,
    );
    expect(report.couldNotCheck).toEqual(['product-versions', 'portfolio']);
    expect(part(report, 'portfolio')).toMatchObject({
      state: 'unknown',
      reason: 'not authorized to perform cloudformation:DescribeStacks',
    });
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
