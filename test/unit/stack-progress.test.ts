// The stack progress printer: lines in CI, a spinner summary on a TTY, the failure table, the preview table.
import { describe, expect, it } from 'vitest';
import type { StackEvent } from '../../src/aws/stacks.js';
import { createStackProgress, formatChangeTable, type SpinnerLike } from '../../src/cli/io/stack-progress.js';

const STACK = 'SecurityNotifications-Service-Catalog';
const at = (s: number) => new Date(2025, 2, 1, 10, 0, s);

const failedUpdate: StackEvent[] = [
  { kind: 'operation-started', stackName: STACK, operation: 'update', timestamp: at(0) },
  {
    kind: 'stack-status',
    stackName: STACK,
    status: 'UPDATE_IN_PROGRESS',
    reason: 'User Initiated',
    timestamp: at(1),
  },
  {
    kind: 'resource',
    stackName: STACK,
    logicalId: 'Portfolio',
    resourceType: 'AWS::ServiceCatalog::Portfolio',
    status: 'UPDATE_IN_PROGRESS',
    timestamp: at(2),
  },
  {
    kind: 'resource',
    stackName: STACK,
    logicalId: 'Product',
    resourceType: 'AWS::ServiceCatalog::CloudFormationProduct',
    status: 'UPDATE_FAILED',
    reason: 'Provisioning artifact v2 already exists',
    timestamp: at(3),
  },
  {
    kind: 'resource',
    stackName: STACK,
    logicalId: 'Portfolio',
    resourceType: 'AWS::ServiceCatalog::Portfolio',
    status: 'UPDATE_FAILED',
    reason: 'Resource update cancelled',
    timestamp: at(4),
  },
  { kind: 'stack-status', stackName: STACK, status: 'UPDATE_ROLLBACK_COMPLETE', timestamp: at(9) },
  {
    kind: 'operation-finished',
    stackName: STACK,
    operation: 'update',
    status: 'UPDATE_ROLLBACK_COMPLETE',
    ok: false,
  },
];

describe('createStackProgress without a TTY', () => {
  it('prints one plain line per event and the failed resources as a table at the end', () => {
    const lines: string[] = [];
    const printer = createStackProgress({ write: (l) => lines.push(l), isTty: false, color: false });
    for (const e of failedUpdate) printer.onEvent(e);

    expect(lines.slice(0, 6)).toEqual([
      `Updating stack ${STACK} …`,
      `10:00:01 ${STACK} ${STACK} AWS::CloudFormation::Stack UPDATE_IN_PROGRESS User Initiated`,
      `10:00:02 ${STACK} Portfolio AWS::ServiceCatalog::Portfolio UPDATE_IN_PROGRESS`,
      `10:00:03 ${STACK} Product AWS::ServiceCatalog::CloudFormationProduct UPDATE_FAILED Provisioning artifact v2 already exists`,
      `10:00:04 ${STACK} Portfolio AWS::ServiceCatalog::Portfolio UPDATE_FAILED Resource update cancelled`,
      `10:00:09 ${STACK} ${STACK} AWS::CloudFormation::Stack UPDATE_ROLLBACK_COMPLETE`,
    ]);
    expect(lines[6]).toBe(`Stack ${STACK} failed to update (UPDATE_ROLLBACK_COMPLETE)`);
    const table = lines.slice(8);
    expect(table[0]).toMatch(/^Stack\s+Logical ID\s+Type\s+Status\s+Reason$/);
    // Only the real failure; the cancellation it caused is noise.
    expect(table.slice(1)).toEqual([
      `${STACK}  Product     AWS::ServiceCatalog::CloudFormationProduct  UPDATE_FAILED  Provisioning artifact v2 already exists`,
    ]);
    expect(printer.failures).toHaveLength(1);
    // No colour codes when colour is off.
    expect(lines.join('\n')).not.toContain('\u001b[');
  });

  it('colours statuses when colour is on', () => {
    const lines: string[] = [];
    const printer = createStackProgress({ write: (l) => lines.push(l), isTty: false, color: true });
    for (const e of failedUpdate) printer.onEvent(e);
    expect(lines[3]).toContain('\u001b[31mUPDATE_FAILED\u001b[39m');
  });
});

describe('createStackProgress on a TTY', () => {
  it('keeps a live summary in the spinner, writes only failures above it, and ends with succeed/fail', () => {
    const lines: string[] = [];
    const spinnerLog: string[] = [];
    const spinner: SpinnerLike = {
      text: '',
      start: () => spinnerLog.push('start'),
      stop: () => spinnerLog.push('stop'),
      clear: () => spinnerLog.push('clear'),
      render: () => spinnerLog.push('render'),
      succeed: (t) => spinnerLog.push(`succeed ${t}`),
      fail: (t) => spinnerLog.push(`fail ${t}`),
    };
    const texts: string[] = [];
    const printer = createStackProgress({
      write: (l) => lines.push(l),
      isTty: true,
      color: false,
      createSpinner: (text) => {
        spinner.text = text;
        return spinner;
      },
    });
    printer.onEvent({
      kind: 'change-set-created',
      stackName: STACK,
      changeSetName: 'secnotify-1',
      changeSetType: 'UPDATE',
      changes: [
        { action: 'Modify', logicalId: 'Portfolio', resourceType: 'AWS::ServiceCatalog::Portfolio' },
        {
          action: 'Modify',
          logicalId: 'Product',
          resourceType: 'AWS::ServiceCatalog::CloudFormationProduct',
        },
      ],
    });
    for (const e of failedUpdate.slice(0, 4)) {
      printer.onEvent(e);
      texts.push(spinner.text);
    }
    expect(texts[2]).toBe(
      `Updating ${STACK}: 0/2 resources done, 1 in progress · Portfolio UPDATE_IN_PROGRESS`,
    );
    expect(lines).toEqual([
      `10:00:03 ${STACK} Product AWS::ServiceCatalog::CloudFormationProduct UPDATE_FAILED Provisioning artifact v2 already exists`,
    ]);
    for (const e of failedUpdate.slice(4)) printer.onEvent(e);
    expect(spinnerLog[0]).toBe('start');
    expect(spinnerLog).toContain(`fail Stack ${STACK} failed to update (UPDATE_ROLLBACK_COMPLETE)`);
    expect(lines.at(-1)).toContain('Provisioning artifact v2 already exists');
  });
});

describe('formatChangeTable', () => {
  it('lists action, logical ID, type and replacement in aligned columns', () => {
    expect(
      formatChangeTable([
        { action: 'Add', logicalId: 'AuditTopic', resourceType: 'AWS::SNS::Topic' },
        { action: 'Modify', logicalId: 'Bucket', resourceType: 'AWS::S3::Bucket', replacement: 'True' },
        {
          action: 'Modify',
          logicalId: 'Policy',
          resourceType: 'AWS::S3::BucketPolicy',
          replacement: 'False',
        },
        { action: 'Remove', logicalId: 'Old', resourceType: 'AWS::SNS::Topic' },
      ]).split('\n'),
    ).toEqual([
      'Action  Logical ID  Type                   Replacement',
      'Add     AuditTopic  AWS::SNS::Topic',
      'Modify  Bucket      AWS::S3::Bucket        Replace',
      'Modify  Policy      AWS::S3::BucketPolicy  No',
      'Remove  Old         AWS::SNS::Topic',
    ]);
    expect(formatChangeTable([])).toBe('No resource changes.');
  });
});
