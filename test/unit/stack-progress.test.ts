// Stack activity as the hosts print it: lines in CI (prefixed with the step), a live view on a TTY drawn on
// the host's one spinner, JSON lines with --json; the preview and failure tables.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createIoHost } from '../../src/cli/io/hosts.js';
import {
  createLinePrinter,
  createLivePrinter,
  formatChangeTable,
  formatFailureTable,
} from '../../src/cli/io/stack-progress.js';
import { MSG } from '../../src/core/messages.js';
import type { StackEvent } from '../../src/core/stack-activity.js';

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

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { stream, lines: () => text.split('\n').filter((l) => l !== '') };
}

const hostSettings = { yes: false, debug: false, interactive: false };

describe('the line printer (CI logs and pipes)', () => {
  it('prints one plain line per event, and no failure table (the entry prints failures once, at the end)', () => {
    const lines: string[] = [];
    const printer = createLinePrinter({ write: (l) => lines.push(l), color: false });
    for (const e of failedUpdate) printer.onEvent(e);

    expect(lines).toEqual([
      `Updating stack ${STACK} …`,
      `10:00:01 ${STACK} ${STACK} AWS::CloudFormation::Stack UPDATE_IN_PROGRESS User Initiated`,
      `10:00:02 ${STACK} Portfolio AWS::ServiceCatalog::Portfolio UPDATE_IN_PROGRESS`,
      `10:00:03 ${STACK} Product AWS::ServiceCatalog::CloudFormationProduct UPDATE_FAILED Provisioning artifact v2 already exists`,
      `10:00:04 ${STACK} Portfolio AWS::ServiceCatalog::Portfolio UPDATE_FAILED Resource update cancelled`,
      `10:00:09 ${STACK} ${STACK} AWS::CloudFormation::Stack UPDATE_ROLLBACK_COMPLETE`,
      `Stack ${STACK} failed to update (UPDATE_ROLLBACK_COMPLETE)`,
    ]);
    expect(lines.join('\n')).not.toContain('\u001b[');
  });

  it('prefixes every line with the step, so two steps running together stay readable', () => {
    const lines: string[] = [];
    const printer = createLinePrinter({ write: (l) => lines.push(l), color: false });
    printer.onEvent({ ...failedUpdate[0]!, step: 'portfolio' });
    printer.onEvent({
      kind: 'operation-started',
      stackName: 'Roles',
      step: 'launch-roles',
      operation: 'create',
      timestamp: at(0),
    });
    expect(lines).toEqual([`[portfolio] Updating stack ${STACK} …`, '[launch-roles] Creating stack Roles …']);
  });

  it('colours statuses when colour is on', () => {
    const lines: string[] = [];
    const printer = createLinePrinter({ write: (l) => lines.push(l), color: true });
    for (const e of failedUpdate) printer.onEvent(e);
    expect(lines[3]).toContain('\u001b[31mUPDATE_FAILED\u001b[39m');
  });
});

describe('the live printer (a terminal)', () => {
  it('shows one summary per running operation, writes only failures and ends above it', () => {
    const lines: string[] = [];
    const shown: string[] = [];
    let cleared = 0;
    const printer = createLivePrinter({
      write: (l) => lines.push(l),
      color: false,
      live: { show: (t) => shown.push(t), clear: () => cleared++ },
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
    for (const e of failedUpdate.slice(0, 3)) printer.onEvent(e);
    expect(shown.at(-1)).toBe(
      `Updating ${STACK}: 0/2 resources done, 1 in progress · Portfolio UPDATE_IN_PROGRESS`,
    );

    // A second stack of another step runs at the same time: both lines are shown.
    printer.onEvent({
      kind: 'operation-started',
      stackName: 'Roles',
      step: 'launch-roles',
      operation: 'create',
      timestamp: at(2),
    });
    expect(shown.at(-1)?.split('\n')).toEqual([
      `Updating ${STACK}: 0/2 resources done, 1 in progress · Portfolio UPDATE_IN_PROGRESS`,
      '[launch-roles] Creating Roles:',
    ]);

    for (const e of failedUpdate.slice(3)) printer.onEvent(e);
    expect(lines).toEqual([
      `10:00:03 ${STACK} Product AWS::ServiceCatalog::CloudFormationProduct UPDATE_FAILED Provisioning artifact v2 already exists`,
      `✖ Stack ${STACK} failed to update (UPDATE_ROLLBACK_COMPLETE)`,
    ]);
    expect(shown.at(-1)).toBe('[launch-roles] Creating Roles:');
    printer.onEvent({
      kind: 'operation-finished',
      stackName: 'Roles',
      step: 'launch-roles',
      operation: 'create',
      status: 'CREATE_COMPLETE',
      ok: true,
    });
    expect(lines.at(-1)).toBe('[launch-roles] ✔ Stack Roles created (CREATE_COMPLETE)');
    expect(cleared).toBe(1);
  });
});

describe('the hosts own the printer', () => {
  it('the plain host prints stack activity as lines and step-scoped notices with the step', () => {
    const err = capture();
    const io = createIoHost({ ...hostSettings, json: false, color: false, stderr: err.stream });
    for (const e of failedUpdate.slice(0, 1))
      io.notify(MSG.STACK_ACTIVITY.msg('x', { ...e, step: 'portfolio' }));
    io.notify(MSG.STACK_NO_CHANGES.msg(`Stack A: no changes.`, { stackName: 'A', step: 'bucket' }));
    expect(err.lines()).toEqual([`[portfolio] Updating stack ${STACK} …`, '[bucket] Stack A: no changes.']);
    expect(io.color).toBe(false);
  });

  it('the terminal host keeps resource events in its live view: only failures and the end stay printed', async () => {
    const err = capture(); // a stream with no width: the spinner draws nothing, lines still print
    const io = createIoHost({
      ...hostSettings,
      interactive: true,
      json: false,
      color: false,
      stderr: err.stream,
    });
    for (const e of failedUpdate) io.notify(MSG.STACK_ACTIVITY.msg('x', e));
    (io as { close(): void }).close();
    await new Promise((r) => setTimeout(r, 50)); // the spinner module loads lazily
    expect(err.lines()).toEqual([
      `10:00:03 ${STACK} Product AWS::ServiceCatalog::CloudFormationProduct UPDATE_FAILED Provisioning artifact v2 already exists`,
      `✖ Stack ${STACK} failed to update (UPDATE_ROLLBACK_COMPLETE)`,
    ]);
  });

  it('the JSON host writes one JSON line per message on stderr, with code and typed payload', () => {
    const err = capture();
    const out = capture();
    const io = createIoHost({
      ...hostSettings,
      json: true,
      color: false,
      stderr: err.stream,
      stdout: out.stream,
    });
    for (const e of failedUpdate) io.notify(MSG.STACK_ACTIVITY.msg('activity', e));
    io.result({ stacks: 1 }, 'done');
    // The document is written once the command ends (the entry says whether it succeeded).
    (io as unknown as { writeDocument(): void }).writeDocument();
    const parsed = err.lines().map((l) => JSON.parse(l));
    expect(parsed).toHaveLength(failedUpdate.length);
    expect(parsed[3]).toMatchObject({
      code: 'SN_STACK_ACTIVITY',
      level: 'info',
      data: { kind: 'resource', logicalId: 'Product', status: 'UPDATE_FAILED', stackName: STACK },
    });
    expect(JSON.parse(out.lines().join('\n'))).toEqual({ stacks: 1, ok: true });
  });
});

describe('formatFailureTable', () => {
  it('lists stack, logical ID, type, status and reason', () => {
    expect(
      formatFailureTable([
        {
          stackName: STACK,
          logicalId: 'Product',
          resourceType: 'AWS::ServiceCatalog::CloudFormationProduct',
          status: 'UPDATE_FAILED',
          reason: 'Provisioning artifact v2 already exists',
        },
      ]).split('\n'),
    ).toEqual([
      expect.stringMatching(/^Stack\s+Logical ID\s+Type\s+Status\s+Reason$/),
      `${STACK}  Product     AWS::ServiceCatalog::CloudFormationProduct  UPDATE_FAILED  Provisioning artifact v2 already exists`,
    ]);
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
