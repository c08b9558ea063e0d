// The printers of stack activity (SN_STACK_ACTIVITY), owned by the IoHost: one line per event in CI logs
// and pipes (prefixed with the step, since steps may run side by side), and on a TTY a live view with one
// summary line per running operation, drawn by the host's spinner. Failed resources are not tabled here:
// the failure is printed once, at the end, by the entry (main.ts) from the DeploymentError.
import { Chalk, type ChalkInstance } from 'chalk';
import type { FailedResource } from '../../core/errors.js';
import {
  OPERATION_DONE,
  OPERATION_VERB,
  type ResourceChange,
  type StackEvent,
  type StackOperation,
} from '../../core/stack-activity.js';
import { isInProgress, isResourceFailure } from '../../core/stack-status.js';
import { formatTable as fitTable, terminalWidth } from './table.js';

/** What the live printer draws on: the host's spinner (one implementation, see hosts.ts). */
export interface LiveSurface {
  /** Shows (or replaces) the live text; starts the spinner when it is not running. */
  show(text: string): void;
  /** Removes the live text; stops the spinner. */
  clear(): void;
}

export interface StackActivityPrinter {
  onEvent(event: StackEvent): void;
  /** Removes a live view that is still shown (e.g. after an abort). */
  finish(): void;
}

function painter(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

function paintStatus(c: ChalkInstance, status: string): string {
  if (status.endsWith('_FAILED')) return c.red(status);
  if (status.includes('ROLLBACK')) return c.yellow(status);
  if (status.endsWith('_COMPLETE')) return c.green(status);
  return status;
}

function clock(date: Date): string {
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

/** Aligned columns; cells may be coloured; cut to `maxWidth` when given (see table.ts). */
export function formatTable(header: string[], rows: string[][], color = false, maxWidth?: number): string {
  return fitTable(header, rows, { color, ...(maxWidth !== undefined ? { maxWidth } : {}) });
}

/** The change-set preview: action, logical ID, type, replacement. */
export function formatChangeTable(
  changes: readonly ResourceChange[],
  options: { color?: boolean; width?: number } = {},
): string {
  if (changes.length === 0) return 'No resource changes.';
  const c = painter(options.color ?? false);
  const action = (a: string) => (a === 'Add' ? c.green(a) : a === 'Remove' ? c.red(a) : c.yellow(a));
  const replacement = (r: string | undefined) =>
    r === 'True'
      ? c.red('Replace')
      : r === 'Conditional'
        ? c.yellow('May replace')
        : r === 'False'
          ? 'No'
          : '';
  return formatTable(
    ['Action', 'Logical ID', 'Type', 'Replacement'],
    changes.map((ch) => [action(ch.action), ch.logicalId, ch.resourceType, replacement(ch.replacement)]),
    options.color ?? false,
    options.width ?? terminalWidth(process.stderr),
  );
}

/** The failed resources with their status reasons. */
export function formatFailureTable(
  failures: readonly FailedResource[],
  options: { color?: boolean; width?: number } = {},
): string {
  const c = painter(options.color ?? false);
  return formatTable(
    ['Stack', 'Logical ID', 'Type', 'Status', 'Reason'],
    failures.map((f) => [f.stackName, f.logicalId, f.resourceType, c.red(f.status), f.reason]),
    options.color ?? false,
    // The reason is the point of this table: never cut (the terminal wraps the last column).
    options.width,
  );
}

const prefix = (event: StackEvent) => (event.step ? `[${event.step}] ` : '');

function eventLine(c: ChalkInstance, event: StackEvent & { kind: 'resource' | 'stack-status' }): string {
  const [logicalId, type] =
    event.kind === 'resource'
      ? [event.logicalId, event.resourceType]
      : [event.stackName, 'AWS::CloudFormation::Stack'];
  return [
    c.dim(clock(event.timestamp)),
    event.stackName,
    logicalId,
    c.dim(type),
    paintStatus(c, event.status),
    event.reason ?? '',
  ]
    .join(' ')
    .trimEnd();
}

function finishedLine(c: ChalkInstance, event: StackEvent & { kind: 'operation-finished' }): string {
  return event.ok
    ? c.green(`Stack ${event.stackName} ${OPERATION_DONE[event.operation]} (${event.status})`)
    : c.red(`Stack ${event.stackName} failed to ${event.operation} (${event.status})`);
}

/** CI logs and pipes: one line per event, prefixed with the step when there is one. */
export function createLinePrinter(options: {
  write(line: string): void;
  color: boolean;
}): StackActivityPrinter {
  const c = painter(options.color);
  return {
    onEvent(event) {
      const write = (line: string) => options.write(prefix(event) + line);
      switch (event.kind) {
        case 'change-set-created':
          return; // the preview is the caller's to show, before it asks
        case 'operation-started':
          return write(`${OPERATION_VERB[event.operation]} stack ${event.stackName} …`);
        case 'resource':
        case 'stack-status':
          return write(eventLine(c, event));
        case 'operation-finished':
          return write(finishedLine(c, event));
      }
    },
    finish() {},
  };
}

interface RunningOperation {
  step?: string;
  stackName: string;
  operation: StackOperation;
  /** Resources the change set touches (0 for deletes: unknown). */
  expected: number;
  latest: Map<string, string>;
  lastEvent: string;
}

/**
 * A terminal: one summary line per running operation (several when steps run side by side), drawn on the
 * host's spinner; only failed resources and finished operations stay in the scrollback.
 */
export function createLivePrinter(options: {
  write(line: string): void;
  color: boolean;
  live: LiveSurface;
}): StackActivityPrinter {
  const c = painter(options.color);
  const running = new Map<string, RunningOperation>();
  const expected = new Map<string, number>();
  const key = (e: { step?: string; stackName: string }) => `${e.step ?? ''}\u0000${e.stackName}`;

  const summary = (op: RunningOperation) => {
    let done = 0;
    let busy = 0;
    for (const status of op.latest.values()) {
      if (isInProgress(status)) busy++;
      else if (status.endsWith('_COMPLETE') || status.endsWith('_SKIPPED')) done++;
    }
    const total = Math.max(op.expected, op.latest.size);
    const counts = total > 0 ? ` ${done}/${total} resources done` : '';
    const active = busy > 0 ? `, ${busy} in progress` : '';
    const last = op.lastEvent ? ` · ${op.lastEvent}` : '';
    const step = op.step ? `[${op.step}] ` : '';
    return `${step}${OPERATION_VERB[op.operation]} ${c.bold(op.stackName)}:${counts}${active}${last}`;
  };
  const redraw = () => {
    if (running.size === 0) options.live.clear();
    else options.live.show([...running.values()].map(summary).join('\n'));
  };

  return {
    onEvent(event) {
      const k = key(event);
      const op = running.get(k);
      switch (event.kind) {
        case 'change-set-created':
          expected.set(k, event.changes.length);
          return;
        case 'operation-started':
          running.set(k, {
            ...(event.step ? { step: event.step } : {}),
            stackName: event.stackName,
            operation: event.operation,
            expected: event.operation === 'delete' ? 0 : (expected.get(k) ?? 0),
            latest: new Map(),
            lastEvent: '',
          });
          expected.delete(k);
          return redraw();
        case 'resource':
          if (isResourceFailure(event.status, event.reason))
            options.write(prefix(event) + eventLine(c, event));
          if (!op) return;
          op.latest.set(event.logicalId, event.status);
          op.lastEvent = `${event.logicalId} ${event.status}`;
          return redraw();
        case 'stack-status':
          if (!op) return options.write(prefix(event) + eventLine(c, event));
          op.lastEvent = `stack ${event.status}`;
          return redraw();
        case 'operation-finished':
          running.delete(k);
          redraw();
          options.write(prefix(event) + (event.ok ? c.green('✔ ') : c.red('✖ ')) + finishedLine(c, event));
          return;
      }
    },
    finish() {
      running.clear();
      options.live.clear();
    },
  };
}
