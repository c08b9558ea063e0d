// send-test-finding: flag validation, the exact BatchImportFindings input, and the resolve/archive updates
// (BatchUpdateFindings is not in moto, so those calls are asserted on SDK mocks).
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { importFindings, updateFindings } from '../../src/aws/security-hub.js';
import { OperationError, UsageError } from '../../src/core/errors.js';
import {
  buildArchiveImport,
  buildResolveUpdate,
  buildTestFinding,
  parseResourceTags,
  parseSeverity,
  type SubscriptionStack,
  subscriptionVerdict,
  testFindingTitle,
  wrapAsImportedEvent,
} from '../../src/core/test-finding.js';
import { emailsForEvent } from '../../src/notify/format.js';

const target = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' };
const now = new Date('2026-03-04T05:06:07.890Z');
const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';

function usage(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('flags', () => {
  it('accepts the five severity labels in any case and refuses others', () => {
    expect(parseSeverity('critical')).toBe('CRITICAL');
    expect(parseSeverity('Informational')).toBe('INFORMATIONAL');
    const e = usage(() => parseSeverity('SEVERE'));
    expect(e.field).toBe('--severity');
    expect(e.message).toContain('CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL');
  });

  it('parses KEY=VALUE tags, keeping = in values, and refuses malformed ones', () => {
    expect(parseResourceTags(['app=payments', 'url=a=b'])).toEqual({ app: 'payments', url: 'a=b' });
    for (const bad of [['app'], ['=x'], ['aws:cloudformation:stack-name=x'], ['app=a', 'app=b']]) {
      expect(usage(() => parseResourceTags(bad)).field).toBe('--resource-tag');
    }
  });

  it('labels titles once and bounds them at 256 characters', () => {
    expect(testFindingTitle('Disk full')).toBe('[secnotify test] Disk full');
    expect(testFindingTitle('[secnotify test] Disk full')).toBe('[secnotify test] Disk full');
    expect(usage(() => testFindingTitle('x'.repeat(250))).field).toBe('--title');
  });
});

const sh = mockClient(SecurityHubClient);
afterEach(() => sh.reset());

describe('BatchImportFindings input', () => {
  it('sends exactly the labelled finding under the default product ARN', async () => {
    sh.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
    const finding = buildTestFinding(
      { severity: 'CRITICAL', title: 'Public bucket', resourceTags: { app: 'payments' } },
      target,
      { uuid, now },
    );
    await importFindings(new SecurityHubClient({ region: 'eu-west-1' }), [finding]);
    const id = `secnotify-test/${uuid}`;
    expect(sh.commandCalls(BatchImportFindingsCommand)[0]!.args[0].input).toEqual({
      Findings: [
        {
          SchemaVersion: '2018-10-08',
          Id: id,
          ProductArn: 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default',
          GeneratorId: 'secnotify-send-test-finding',
          AwsAccountId: '123456789012',
          Types: ['Software and Configuration Checks/secnotify/Test notification'],
          CreatedAt: '2026-03-04T05:06:07.890Z',
          UpdatedAt: '2026-03-04T05:06:07.890Z',
          FirstObservedAt: '2026-03-04T05:06:07.890Z',
          Severity: { Label: 'CRITICAL', Normalized: 90 },
          Title: '[secnotify test] Public bucket',
          Description: expect.stringContaining('synthetic'),
          Remediation: {
            Recommendation: {
              Text: `Nothing to fix. Archive this test finding with: secnotify send-test-finding --archive '${id}' --region eu-west-1`,
            },
          },
          ProductFields: { 'secnotify/TestFinding': 'true' },
          Resources: [
            {
              Type: 'Other',
              Id: 'secnotify-test-resource',
              Partition: 'aws',
              Region: 'eu-west-1',
              Tags: { app: 'payments' },
            },
          ],
          Workflow: { Status: 'NEW' },
          RecordState: 'ACTIVE',
        },
      ],
    });
  });

  it('uses the partition of the caller (GovCloud) and leaves Tags out without --resource-tag', () => {
    const f = buildTestFinding(
      { severity: 'LOW', resourceTags: {} },
      { ...target, partition: 'aws-us-gov', region: 'us-gov-west-1' },
      { uuid, now },
    );
    expect(f.ProductArn).toBe(
      'arn:aws-us-gov:securityhub:us-gov-west-1:123456789012:product/123456789012/default',
    );
    expect(f.Resources[0]).not.toHaveProperty('Tags');
    expect(f.Title).toBe('[secnotify test] Synthetic finding to check security notification emails');
  });

  it('reports findings Security Hub refuses, and a region without Security Hub, as errors with a remedy', async () => {
    sh.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 0,
      FailedFindings: [
        {
          Id: 'secnotify-test/x',
          ErrorCode: 'InvalidInput',
          ErrorMessage: 'Finding does not adhere to ASFF',
        },
      ],
    });
    const client = new SecurityHubClient({ region: 'eu-west-1' });
    const f = buildTestFinding({ severity: 'HIGH', resourceTags: {} }, target, { uuid, now });
    await expect(importFindings(client, [f])).rejects.toThrow(
      'Security Hub refused 1 finding(s): secnotify-test/x: InvalidInput Finding does not adhere to ASFF',
    );
    sh.on(BatchImportFindingsCommand).rejects(
      Object.assign(new Error('Account 123456789012 is not subscribed to AWS Security Hub'), {
        name: 'InvalidAccessException',
        $metadata: {},
      }),
    );
    const error = await importFindings(client, [f]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as OperationError).hint).toContain(
      'aws securityhub enable-security-hub --region eu-west-1',
    );
  });
});

describe('--archive', () => {
  const original = buildTestFinding({ severity: 'HIGH', resourceTags: { app: 'payments' } }, target, {
    uuid,
    now,
  });
  // As GetFindings returns it: with the fields Security Hub adds.
  const stored = {
    ...original,
    ProductName: 'Default',
    CompanyName: 'Personal',
    Region: 'eu-west-1',
    WorkflowState: 'NEW',
    ProductFields: { ...original.ProductFields, 'aws/securityhub/ProductName': 'Default' },
  };
  const later = new Date('2026-03-04T06:00:00.000Z');

  it('resolves with BatchUpdateFindings (Workflow is the customer field)', async () => {
    sh.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [{ Id: original.Id, ProductArn: original.ProductArn }],
      UnprocessedFindings: [],
    });
    await updateFindings(new SecurityHubClient({ region: 'eu-west-1' }), buildResolveUpdate(stored));
    expect(sh.commandCalls(BatchUpdateFindingsCommand)[0]!.args[0].input).toEqual({
      FindingIdentifiers: [{ Id: original.Id, ProductArn: original.ProductArn }],
      Workflow: { Status: 'RESOLVED' },
      Note: {
        Text: 'Test finding resolved by secnotify send-test-finding --archive.',
        UpdatedBy: 'secnotify',
      },
    });
    sh.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: original.Id, ProductArn: original.ProductArn },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'not found',
        },
      ],
    });
    await expect(
      updateFindings(new SecurityHubClient({ region: 'eu-west-1' }), buildResolveUpdate(stored)),
    ).rejects.toThrow(`Security Hub did not update 1 finding(s): ${original.Id}: FindingNotFound not found`);
  });

  it('archives with the provider fields only, a new UpdatedAt and the original CreatedAt', () => {
    const update = buildArchiveImport(stored, later);
    expect(update).toEqual({
      ...original,
      UpdatedAt: '2026-03-04T06:00:00.000Z',
      RecordState: 'ARCHIVED',
      Workflow: undefined,
    });
    expect(update).not.toHaveProperty('Workflow');
    expect(update).not.toHaveProperty('ProductName');
    expect(update.ProductFields).toEqual({ 'secnotify/TestFinding': 'true' });
    expect(update.CreatedAt).toBe(original.CreatedAt);
  });

  it('the resolved update formats as a RESOLVED email for notify-when-resolved subscribers', () => {
    const event = wrapAsImportedEvent(original, { eventId: 'e-2', time: later, workflowStatus: 'RESOLVED' });
    const [email] = emailsForEvent(event, { timeZone: 'UTC', skipRepeated: true });
    expect(email?.subject).toMatch(/RESOLVED/i);
    expect(email?.subject).toContain('[secnotify test]');
  });
});

describe('which subscriptions will email the test finding', () => {
  const stack = (
    parameters: Record<string, string>,
    extra: Partial<SubscriptionStack> = {},
  ): SubscriptionStack => ({
    stackName: 'SC-123456789012-pp-abc',
    accountId: '123456789012',
    parameters: { EmailAddresses: 'team@example.com', ...parameters },
    ...extra,
  });
  const high = { accountId: '123456789012', severity: 'HIGH' as const, resourceTags: { app: 'payments' } };
  // [what, parameters, finding, receives, reason]
  const rows: [string, Record<string, string>, typeof high, boolean, RegExp][] = [
    [
      'the product defaults (ASFF, High)',
      {},
      high,
      true,
      /^matches \(source Security Hub CSPM \(ASFF\), minimum severity High\)$/,
    ],
    ['ASFF and OCSF', { FindingSource: 'Both' }, high, true, /matches/],
    [
      'OCSF only',
      { FindingSource: 'Security Hub (OCSF)' },
      high,
      false,
      /OCSF\) findings only; the test finding is an ASFF/,
    ],
    [
      'minimum Critical, finding HIGH',
      { MinimumSeverity: 'Critical' },
      high,
      false,
      /minimum severity is Critical; the test finding is HIGH/,
    ],
    [
      'minimum Low, finding LOW',
      { MinimumSeverity: 'Low' },
      { ...high, severity: 'LOW' as never },
      true,
      /matches/,
    ],
    [
      'INFORMATIONAL never matches',
      { MinimumSeverity: 'Low' },
      { ...high, severity: 'INFORMATIONAL' as never },
      false,
      /minimum severity is Low/,
    ],
    ['tag key present', { TagKey: 'app' }, high, true, /tag app/],
    ['tag key absent', { TagKey: 'team' }, high, false, /tagged team; send with --resource-tag team=<value>/],
    ['tag value listed', { TagKey: 'app', TagValues: 'billing,payments' }, high, true, /matches/],
    [
      'tag value not listed',
      { TagKey: 'app', TagValues: 'billing' },
      high,
      false,
      /tagged app=billing; the test finding's app is "payments"/,
    ],
    ['tag values are exact (case)', { TagKey: 'app', TagValues: 'Payments' }, high, false, /app=Payments/],
    [
      'products: Default included',
      { ProductFilter: 'Only include listed products', ProductList: 'Default,GuardDuty' },
      high,
      true,
      /only include listed products/,
    ],
    [
      'products: Default not included',
      { ProductFilter: 'Only include listed products', ProductList: 'GuardDuty' },
      high,
      false,
      /only follows the products GuardDuty; the test finding's product is "Default"/,
    ],
    [
      'products: Default excluded',
      { ProductFilter: 'Exclude listed products', ProductList: 'Inspector,Default' },
      high,
      false,
      /excludes the product "Default"/,
    ],
    [
      'products: others excluded',
      { ProductFilter: 'Exclude listed products', ProductList: 'Inspector' },
      high,
      true,
      /exclude listed products/,
    ],
    ['account scope: this account', { AccountScope: 'This account' }, high, true, /matches/],
    [
      'account scope: another account',
      { AccountScope: 'This account' },
      { ...high, accountId: '210987654321' },
      false,
      /follows findings of account 123456789012 only/,
    ],
    [
      'account scope: all accounts',
      { AccountScope: 'All accounts' },
      { ...high, accountId: '210987654321' },
      true,
      /matches/,
    ],
  ];
  it.each(rows)('%s', (_what, parameters, finding, receives, reason) => {
    const verdict = subscriptionVerdict(stack(parameters), finding);
    expect(verdict.receives).toBe(receives);
    expect(verdict.reason).toMatch(reason);
    expect(verdict.emails).toBe('team@example.com');
  });
  it('a failed launch has no rules to match', () => {
    const verdict = subscriptionVerdict(stack({}, { status: 'ROLLBACK_COMPLETE' }), high);
    expect(verdict).toMatchObject({ receives: false, reason: expect.stringContaining('ROLLBACK_COMPLETE') });
    expect(subscriptionVerdict(stack({}, { status: 'UPDATE_ROLLBACK_COMPLETE' }), high).receives).toBe(true);
  });
});
