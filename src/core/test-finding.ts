// The synthetic finding of `secnotify send-test-finding`: an ASFF record imported under the account's
// default product ("custom integration"), clearly labelled, so that a subscriber can see an email arrive
// end to end; and the updates that resolve and archive it again. Pure: no SDK, no clock, no randomness.
import { UsageError } from './errors.js';

export const TEST_FINDING_GENERATOR_ID = 'secnotify-send-test-finding';
export const TEST_FINDING_TITLE_PREFIX = '[secnotify test]';
export const TEST_FINDING_DEFAULT_TITLE = 'Synthetic finding to check security notification emails';
/** Prefix of every test finding's Id, so that `--archive` can refuse to touch real findings. */
export const TEST_FINDING_ID_PREFIX = 'secnotify-test/';
/** Marker in ProductFields (the `aws/` namespace is reserved for AWS). */
export const TEST_FINDING_PRODUCT_FIELD = 'secnotify/TestFinding';
export const TEST_FINDING_RESOURCE_ID = 'secnotify-test-resource';
export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** ASFF type: namespace/category/classifier; the namespace must be one of ASFF's five. */
export const TEST_FINDING_TYPE = 'Software and Configuration Checks/secnotify/Test notification';

export const SEVERITY_LABELS = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'] as const;
export type SeverityLabel = (typeof SEVERITY_LABELS)[number];

/** ASFF's documented label → normalized score mapping (lower bound of each band). */
const NORMALIZED: Record<SeverityLabel, number> = {
  CRITICAL: 90,
  HIGH: 70,
  MEDIUM: 40,
  LOW: 1,
  INFORMATIONAL: 0,
};

const TITLE_MAX = 256;
const TAG_KEY_MAX = 128;
const TAG_VALUE_MAX = 256;

/** The parts of an ASFF finding this tool writes (and reads back for `--archive`). */
export interface AsffResource {
  Type: string;
  Id: string;
  Partition: string;
  Region: string;
  Tags?: Record<string, string>;
}

export interface AsffFinding {
  SchemaVersion: string;
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt?: string;
  Severity: { Label: SeverityLabel; Normalized?: number };
  Title: string;
  Description: string;
  Remediation?: { Recommendation?: { Text?: string; Url?: string } };
  ProductFields?: Record<string, string>;
  Resources: AsffResource[];
  Workflow?: { Status: string };
  RecordState?: 'ACTIVE' | 'ARCHIVED';
  /** Added by Security Hub on import, never sent by us. */
  ProductName?: string;
  CompanyName?: string;
  Region?: string;
  WorkflowState?: string;
}

export interface TestFindingRequest {
  severity: SeverityLabel;
  /** Title after the label prefix; the default says what the finding is for. */
  title?: string;
  resourceTags: Record<string, string>;
}

export interface AccountTarget {
  partition: string;
  region: string;
  accountId: string;
}

/** `--severity`: case-insensitive, one of the five ASFF labels. */
export function parseSeverity(value: unknown): SeverityLabel {
  const label = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!(SEVERITY_LABELS as readonly string[]).includes(label)) {
    throw new UsageError(
      `--severity: ${JSON.stringify(value ?? null)} is not valid; expected one of ${SEVERITY_LABELS.join(', ')}.`,
      { field: '--severity' },
    );
  }
  return label as SeverityLabel;
}

/** `--resource-tag KEY=VALUE`, repeatable; the value may contain `=`, the key may not be empty. */
export function parseResourceTags(values: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const raw of values) {
    const at = raw.indexOf('=');
    const key = at < 0 ? '' : raw.slice(0, at).trim();
    const value = at < 0 ? '' : raw.slice(at + 1).trim();
    if (at < 0 || key === '') {
      throw new UsageError(`--resource-tag: ${JSON.stringify(raw)} is not valid; expected KEY=VALUE.`, {
        field: '--resource-tag',
      });
    }
    if (key.length > TAG_KEY_MAX || value.length > TAG_VALUE_MAX || key.toLowerCase().startsWith('aws:')) {
      throw new UsageError(
        `--resource-tag: ${JSON.stringify(raw)} is not a valid tag (key 1–${TAG_KEY_MAX} characters, not starting with aws:, value up to ${TAG_VALUE_MAX}).`,
        { field: '--resource-tag' },
      );
    }
    if (key in tags) {
      throw new UsageError(`--resource-tag: the key ${JSON.stringify(key)} is given twice.`, {
        field: '--resource-tag',
      });
    }
    tags[key] = value;
  }
  return tags;
}

/** The labelled title; a title the user already prefixed is not prefixed twice. */
export function testFindingTitle(title: string | undefined): string {
  const text = title?.trim() || TEST_FINDING_DEFAULT_TITLE;
  const full = text.startsWith(TEST_FINDING_TITLE_PREFIX) ? text : `${TEST_FINDING_TITLE_PREFIX} ${text}`;
  if (full.length > TITLE_MAX) {
    throw new UsageError(
      `--title: the title is ${full.length} characters with its "${TEST_FINDING_TITLE_PREFIX}" prefix; Security Hub allows ${TITLE_MAX}.`,
      { field: '--title' },
    );
  }
  return full;
}

/** The product ARN every account may import its own findings under (Security Hub's "custom integration"). */
export function defaultProductArn(target: AccountTarget): string {
  return `arn:${target.partition}:securityhub:${target.region}:${target.accountId}:product/${target.accountId}/default`;
}

export function isTestFindingId(id: string): boolean {
  return id.startsWith(TEST_FINDING_ID_PREFIX);
}

/** `command` is how hints spell the CLI (`secnotify` or `npx secnotify`, decided by the CLI). */
export function archiveCommand(id: string, region: string, command = 'secnotify'): string {
  return `${command} send-test-finding --archive '${id}' --region ${region}`;
}

/**
 * The finding for BatchImportFindings. CreatedAt equals UpdatedAt so that no "skip repeated control
 * findings" logic could take it for a re-evaluated control (that rule only concerns the Security Hub
 * product anyway, and this finding's product is the account's default one).
 */
export function buildTestFinding(
  request: TestFindingRequest,
  target: AccountTarget,
  ids: { uuid: string; now: Date; command?: string },
): AsffFinding {
  const id = `${TEST_FINDING_ID_PREFIX}${ids.uuid}`;
  const now = ids.now.toISOString();
  const hasTags = Object.keys(request.resourceTags).length > 0;
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: id,
    ProductArn: defaultProductArn(target),
    GeneratorId: TEST_FINDING_GENERATOR_ID,
    AwsAccountId: target.accountId,
    Types: [TEST_FINDING_TYPE],
    CreatedAt: now,
    UpdatedAt: now,
    FirstObservedAt: now,
    Severity: { Label: request.severity, Normalized: NORMALIZED[request.severity] },
    Title: testFindingTitle(request.title),
    Description:
      'This finding is synthetic: it was imported by `secnotify send-test-finding` to check that Security Hub ' +
      'notification emails reach their subscribers. It describes no real problem.',
    Remediation: {
      Recommendation: {
        Text: `Nothing to fix. Archive this test finding with: ${archiveCommand(id, target.region, ids.command)}`,
      },
    },
    ProductFields: { [TEST_FINDING_PRODUCT_FIELD]: 'true' },
    Resources: [
      {
        Type: 'Other',
        // Not a real resource: nothing in the account is implicated by a test.
        Id: TEST_FINDING_RESOURCE_ID,
        Partition: target.partition,
        Region: target.region,
        ...(hasTags ? { Tags: { ...request.resourceTags } } : {}),
      },
    ],
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
  };
}

/** BatchUpdateFindings input that marks the finding RESOLVED (the customer-side workflow field). */
export function buildResolveUpdate(finding: Pick<AsffFinding, 'Id' | 'ProductArn'>): {
  FindingIdentifiers: { Id: string; ProductArn: string }[];
  Workflow: { Status: 'RESOLVED' };
  Note: { Text: string; UpdatedBy: string };
} {
  return {
    FindingIdentifiers: [{ Id: finding.Id, ProductArn: finding.ProductArn }],
    Workflow: { Status: 'RESOLVED' },
    Note: { Text: 'Test finding resolved by secnotify send-test-finding --archive.', UpdatedBy: 'secnotify' },
  };
}

/**
 * The provider-side update that archives the finding: the same record with RecordState ARCHIVED and a new
 * UpdatedAt. Only the fields we originally sent are repeated: Workflow, Note and the fields Security Hub adds
 * cannot be updated through BatchImportFindings once the finding exists.
 */
export function buildArchiveImport(existing: AsffFinding, now: Date): AsffFinding {
  const productFields = Object.fromEntries(
    Object.entries(existing.ProductFields ?? {}).filter(([key]) => !key.startsWith('aws/')),
  );
  return {
    SchemaVersion: existing.SchemaVersion,
    Id: existing.Id,
    ProductArn: existing.ProductArn,
    GeneratorId: existing.GeneratorId,
    AwsAccountId: existing.AwsAccountId,
    Types: existing.Types,
    CreatedAt: existing.CreatedAt,
    UpdatedAt: now.toISOString(),
    ...(existing.FirstObservedAt ? { FirstObservedAt: existing.FirstObservedAt } : {}),
    Severity: existing.Severity,
    Title: existing.Title,
    Description: existing.Description,
    ...(existing.Remediation ? { Remediation: existing.Remediation } : {}),
    ProductFields: productFields,
    Resources: existing.Resources,
    RecordState: 'ARCHIVED',
  };
}

/**
 * The EventBridge event Security Hub CSPM emits for an imported finding ("Security Hub Findings - Imported"):
 * the finding as stored, with the fields Security Hub fills in for a custom integration. Used by tests and
 * by `preview`-style checks to see what a subscriber's rule and formatter receive.
 */
export function wrapAsImportedEvent(
  finding: AsffFinding,
  meta: { eventId: string; time: Date; workflowStatus?: string },
): Record<string, unknown> {
  const region = finding.Resources[0]?.Region ?? finding.ProductArn.split(':')[3] ?? '';
  const status = meta.workflowStatus ?? finding.Workflow?.Status ?? 'NEW';
  const stored: AsffFinding = {
    ...finding,
    ProductFields: {
      ...finding.ProductFields,
      'aws/securityhub/FindingId': `${finding.ProductArn}/${finding.Id}`,
      'aws/securityhub/ProductName': 'Default',
      'aws/securityhub/CompanyName': 'Personal',
    },
    ProductName: 'Default',
    CompanyName: 'Personal',
    Region: region,
    Workflow: { Status: status },
    WorkflowState: status,
    RecordState: finding.RecordState ?? 'ACTIVE',
  };
  return {
    version: '0',
    id: meta.eventId,
    'detail-type': 'Security Hub Findings - Imported',
    source: 'aws.securityhub',
    account: finding.AwsAccountId,
    time: meta.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`${finding.ProductArn}/${finding.Id}`],
    detail: { findings: [stored] },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Which subscriptions will email the test finding. A subscription is one launch of the product (an `SC-…`
// stack); its event rules are built from its parameters (templates/product.yaml), so the parameters decide
// whether Security Hub's event for this finding matches. The test finding is ASFF, imported under the
// account's default product, whose ProductName Security Hub sets to "Default".

/** The product name Security Hub gives findings imported under an account's default product ARN. */
export const TEST_FINDING_PRODUCT_NAME = 'Default';

/** One subscription as its stack shows it: the stack name, account, and its launch parameters. */
export interface SubscriptionStack {
  stackName: string;
  /** The account the stack (and so its rules) lives in. */
  accountId: string;
  parameters: Record<string, string>;
  /** CloudFormation stack status; a failed or rolled-back launch has no rules. */
  status?: string;
}

export interface SubscriptionVerdict {
  stackName: string;
  /** EmailAddresses as launched (the addresses that confirmed their SNS subscription get the email). */
  emails: string;
  receives: boolean;
  /** Why, in words a subscriber understands. */
  reason: string;
}

/** The ASFF severities each MinimumSeverity lets through (the template's Severity mapping). */
const SEVERITY_ORDER: SeverityLabel[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

/** A comma separated parameter (CommaDelimitedList or comma string) as the rule sees its items. */
function listParameter(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(',').filter((item) => item !== '');
}

/**
 * Whether the rule of one subscription matches the test finding, with the first reason it does not.
 * Mirrors the event patterns of templates/product.yaml: FindingSource (the ASFF rule exists unless the
 * source is OCSF only), AccountScope, MinimumSeverity, TagKey/TagValues on the resource's tags, and
 * ProductFilter/ProductList on ProductName.
 */
export function subscriptionVerdict(
  stack: SubscriptionStack,
  finding: { accountId: string; severity: SeverityLabel; resourceTags: Record<string, string> },
): SubscriptionVerdict {
  const p = stack.parameters;
  const base = { stackName: stack.stackName, emails: p.EmailAddresses ?? '' };
  const no = (reason: string): SubscriptionVerdict => ({ ...base, receives: false, reason });

  if (
    stack.status &&
    /(FAILED|ROLLBACK_COMPLETE|DELETE_IN_PROGRESS)$/.test(stack.status) &&
    !/^UPDATE_ROLLBACK_COMPLETE$/.test(stack.status)
  ) {
    return no(`its stack is ${stack.status}, so its rules may not exist; relaunch or update it`);
  }
  const source = p.FindingSource ?? 'Security Hub CSPM (ASFF)';
  if (source === 'Security Hub (OCSF)') {
    return no(
      'follows Security Hub (OCSF) findings only; the test finding is an ASFF (Security Hub CSPM) finding',
    );
  }
  if ((p.AccountScope ?? 'This account') === 'This account' && stack.accountId !== finding.accountId) {
    return no(
      `follows findings of account ${stack.accountId} only; the test finding is in ${finding.accountId}`,
    );
  }
  const minimum = (p.MinimumSeverity ?? 'High').toUpperCase();
  const allowed = SEVERITY_ORDER.slice(0, SEVERITY_ORDER.indexOf(minimum as SeverityLabel) + 1);
  if (!allowed.includes(finding.severity)) {
    return no(
      `its minimum severity is ${p.MinimumSeverity ?? 'High'}; the test finding is ${finding.severity}`,
    );
  }
  const tagKey = p.TagKey ?? '';
  if (tagKey !== '') {
    const values = listParameter(p.TagValues);
    const has = Object.hasOwn(finding.resourceTags, tagKey);
    const shown = values.length ? `${tagKey}=${values.join('|')}` : tagKey;
    if (!has) {
      return no(
        `it only follows resources tagged ${shown}; send with --resource-tag ${tagKey}=${values[0] ?? '<value>'}`,
      );
    }
    if (values.length > 0 && !values.includes(finding.resourceTags[tagKey] as string)) {
      return no(
        `it only follows resources tagged ${shown}; the test finding's ${tagKey} is "${finding.resourceTags[tagKey]}"`,
      );
    }
  }
  const filter = p.ProductFilter ?? 'Do not limit products';
  const products = listParameter(p.ProductList);
  if (filter === 'Only include listed products' && !products.includes(TEST_FINDING_PRODUCT_NAME)) {
    return no(
      `it only follows the products ${products.join(', ')}; the test finding's product is "${TEST_FINDING_PRODUCT_NAME}"`,
    );
  }
  if (filter === 'Exclude listed products' && products.includes(TEST_FINDING_PRODUCT_NAME)) {
    return no(`it excludes the product "${TEST_FINDING_PRODUCT_NAME}", the test finding's product`);
  }
  const because = [
    `source ${source}`,
    `minimum severity ${p.MinimumSeverity ?? 'High'}`,
    ...(tagKey ? [`tag ${tagKey}`] : []),
    ...(filter !== 'Do not limit products' ? [filter.toLowerCase()] : []),
  ];
  return { ...base, receives: true, reason: `matches (${because.join(', ')})` };
}
