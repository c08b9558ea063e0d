// One builder of installation and doctor facts for the unit tests of status, uninstall and doctor: a
// complete, healthy installation (hub and management account) in real shapes, which each test bends with
// overrides to the state it is about.
import type { AccountFacts, DoctorFacts, DoctorStack } from '../../src/core/doctor.js';
import {
  type Fact,
  type FactError,
  fact,
  type InstallationFacts,
  type ManagementFacts,
  type StackFact,
} from '../../src/core/facts.js';
import type { OrganizationTree } from '../../src/core/launch-coverage.js';
import { defaultOptions } from '../../src/core/options.js';

export const HUB = '111122223333';
export const MGMT = '444455556666';
export const MEMBER = '999988887777';
export const REGION = 'eu-west-1';
export const ORG_ID = 'o-abcdefghij';
/** First 16 hex digits of the published product template's SHA-256. */
export const TEMPLATE_HASH = '0123456789abcdef';
export const PRODUCT_BUCKET = 'securitynotifications-sc-bucket-producttemplatebucket-abc';
export const LOG_BUCKET = 'securitynotifications-sc-bucket-accesslogbucket-def';
export const LAST_UPDATED = '2025-03-04T05:06:07.000Z';
export const STACKSET_NAME = 'Security-Hub-Notifications-Product-IAM-Roles';
const names = defaultOptions.stackNames;

export const templateUrl = (hash: string) =>
  `https://${PRODUCT_BUCKET}.s3.${REGION}.amazonaws.com/products/security-notifications-${hash}.yaml`;

export const { present, absent } = fact;

/** A lookup refused by IAM. */
export const denied = (message: string): Fact<never> =>
  fact.unknown({ name: 'AccessDeniedException', message } satisfies FactError);

export function stackFact(stackName: string, fields: Partial<Omit<StackFact, 'stackName'>> = {}): StackFact {
  return {
    stackName,
    region: REGION,
    status: 'UPDATE_COMPLETE',
    lastUpdated: LAST_UPDATED,
    parameters: {},
    ...fields,
  };
}

export function managementFacts(overrides: Partial<ManagementFacts> = {}): ManagementFacts {
  return {
    accountId: MGMT,
    region: REGION,
    launchRoleStack: present(
      stackFact(names.launchRoleStackSet, {
        status: 'CREATE_COMPLETE',
        parameters: { CurrentAccountType: 'management' },
      }),
    ),
    stackSet: present({
      name: STACKSET_NAME,
      callAs: 'SELF',
      instances: [
        { account: HUB, region: REGION, status: 'CURRENT', detailedStatus: 'SUCCEEDED' },
        { account: MEMBER, region: REGION, status: 'CURRENT', detailedStatus: 'SUCCEEDED' },
      ],
    }),
    unsuccessfulInstances: present([]),
    permissionSetStack: present(
      stackFact(names.permissionSet, {
        status: 'CREATE_COMPLETE',
        parameters: { PermissionSetName: 'SubscribeToSecurityNotifications' },
      }),
    ),
    orgSetup: present({
      serviceCatalogAccess: 'ENABLED',
      hubIsDelegatedAdmin: true,
      stackSetsTrustedAccess: 'ENABLED',
    }),
    ...overrides,
  };
}

/** A complete installation: every part present and healthy, shared with the organization and one account. */
export function installationFacts(overrides: Partial<InstallationFacts> = {}): InstallationFacts {
  return {
    hubAccountId: HUB,
    hubRegion: REGION,
    organizationId: ORG_ID,
    stackNames: names,
    bucketStack: present(stackFact(names.bucket)),
    buckets: present([
      { role: 'product-templates', name: PRODUCT_BUCKET, exists: true, versions: 3, deleteMarkers: 1 },
      { role: 'access-logs', name: LOG_BUCKET, exists: true, versions: 120, deleteMarkers: 0 },
    ]),
    portfolioStack: present(
      stackFact(names.portfolio, {
        parameters: { ProductVersion: 'v2', ProductTemplateUrl: templateUrl(TEMPLATE_HASH) },
      }),
    ),
    portfolio: present({ id: 'port-abc123', foundBy: 'stack-output' }),
    productId: 'prod-xyz789',
    shares: present([
      { type: 'ORGANIZATION', principalId: ORG_ID, accepted: true, sharePrincipals: true },
      { type: 'ACCOUNT', principalId: MEMBER, accepted: true, sharePrincipals: false },
    ]),
    productVersions: present([
      // Install deprecates every earlier version after the portfolio deploy.
      {
        id: 'pa-1',
        name: 'v1',
        active: true,
        guidance: 'DEPRECATED',
        createdTime: '2025-01-10T09:00:00.000Z',
      },
      { id: 'pa-2', name: 'v2', active: true, guidance: 'DEFAULT', createdTime: '2025-03-04T05:00:00.000Z' },
    ]),
    subscribers: present([]),
    management: managementFacts(),
    ...overrides,
  };
}

/** Nothing installed, as the gatherer reports it; the organization setup as given. */
export function nothingInstalled(
  orgSetup = {
    serviceCatalogAccess: 'DISABLED',
    hubIsDelegatedAdmin: false,
    stackSetsTrustedAccess: 'ENABLED',
  },
): InstallationFacts {
  return installationFacts({
    bucketStack: absent(),
    buckets: present([]),
    portfolioStack: absent(),
    portfolio: absent(),
    shares: present([]),
    productVersions: present([]),
    subscribers: present([]),
    management: managementFacts({
      launchRoleStack: absent(),
      stackSet: absent(),
      permissionSetStack: absent(),
      orgSetup: present(orgSetup),
    }),
  });
}

const account = (accountId: string): AccountFacts => ({
  accountId,
  arn: `arn:aws:sts::${accountId}:assumed-role/Admin/me`,
  partition: 'aws',
  region: REGION,
});

export function doctorStack(
  role: DoctorStack['role'],
  stack: Fact<StackFact> = present(stackFact(names[role], { status: 'CREATE_COMPLETE' })),
): DoctorStack {
  const account = role === 'bucket' || role === 'portfolio' ? 'hub' : 'management';
  return { role, account, stackName: names[role], region: REGION, stack };
}

export const ROOT_ID = 'r-ab12';
export const OUTSIDE = '121212121212';

/**
 * The organization as the management account reads it: the management account at the root; OU Workloads
 * (ou-ab12-workload) with the hub and, nested in it, OU Prod (ou-ab12-prod) with MEMBER; OU Sandbox
 * (ou-ab12-sandbox) with OUTSIDE.
 */
export function organizationTree(): OrganizationTree {
  return {
    rootId: ROOT_ID,
    ous: [
      { id: 'ou-ab12-workload', parentId: ROOT_ID },
      { id: 'ou-ab12-prod', parentId: 'ou-ab12-workload' },
      { id: 'ou-ab12-sandbox', parentId: ROOT_ID },
    ],
    accounts: [
      { id: MGMT, parentId: ROOT_ID, name: 'Management' },
      { id: HUB, parentId: 'ou-ab12-workload', name: 'Hub' },
      { id: MEMBER, parentId: 'ou-ab12-prod', name: 'Prod' },
      { id: OUTSIDE, parentId: 'ou-ab12-sandbox', name: 'Sandbox' },
    ],
  };
}

/** A healthy setup as doctor sees it with hub and management credentials. */
export function doctorFacts(overrides: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    hub: present(account(HUB)),
    management: present(account(MGMT)),
    organization: present({ id: ORG_ID, managementAccountId: MGMT, featureSet: 'ALL' }),
    serviceCatalogAccess: present({ status: 'ENABLED', askedBy: 'management' as const }),
    hubIsDelegatedAdmin: present(true),
    stackSetsAccess: present('ENABLED'),
    securityHub: present({ hubArn: `arn:aws:securityhub:${REGION}:${HUB}:hub/default` }),
    securityHubV2: absent(),
    aggregation: absent(),
    identityCenter: present({
      askedBy: 'management' as const,
      searched: [REGION],
      instance: { instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef', homeRegion: REGION },
    }),
    stacks: [doctorStack('bucket')],
    launchCoverage: present({ tree: organizationTree(), ouIds: {} }),
    ...overrides,
  };
}

export { account as accountFacts };
