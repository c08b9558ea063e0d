// Renders the stack engine's events: a live spinner with a summary on a TTY, one line per event in CI
// logs and pipes, and the failed resources as a table when an operation fails. It knows nothing of the
// IoHost: it writes lines through a function, so any host (or a test) can own the output.
import { Chalk, type ChalkInstance } from 'chalk';
import ora from 'ora';
import type { ResourceChange, StackEvent, StackOperation } from '../../aws/stacks.js';
import type { FailedResource } from '../../core/errors.js';

/** The part of an ora spinner the printer uses; tests pass a recorder. */
export interface SpinnerLike {
  text: string;
  start(): unknown;
  stop(): unknown;
  clear(): unknown;
  render(): unknown;
  succeed(text?: string): unknown;
  fail(text?: string): unknown;
}

export interface StackProgressOptions {
  /** Writes one line (no trailing newline needed). */
  write(line: string): void;
  /** A person watches a terminal: use the live spinner instead of one line per event. */
  isTty: boolean;
  color: boolean;
  /** Where the spinner draws on a TTY; default process.stderr. */
  stream?: NodeJS.WritableStream;
  /** Replaces ora (tests). */
  createSpinner?: (text: string) => SpinnerLike;
}

export interface StackProgressPrinter {
  onEvent(event: StackEvent): void;
  /** Stops a spinner that is still running (e.g. after an abort). */
  finish(): void;
  /** The failed resources seen so far, in order. */
  readonly failures: readonly FailedResource[];
}

const CANCELLED_NOISE = /^Resource (creation|update|deletion) cancelled/i;

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

/** Visible width, ignoring colour codes. */
function width(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what we strip
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** Aligned columns; cells may be coloured. The last column is not padded. */
export function formatTable(header: string[], rows: string[][], color = false): string {
  const c = painter(color);
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell))))
      .join('  ')
      .trimEnd();
  return [c.bold(line(header)), ...rows.map(line)].join('\n');
}

/** The change-set preview: action, logical ID, type, replacement. */
export function formatChangeTable(
  changes: readonly ResourceChange[],
  options: { color?: boolean } = {},
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
  );
}

/** The failed resources with their status reasons. */
export function formatFailureTable(
  failures: readonly FailedResource[],
  options: { color?: boolean } = {},
): string {
  const c = painter(options.color ?? false);
  return formatTable(
    ['Stack', 'Logical ID', 'Type', 'Status', 'Reason'],
    failures.map((f) => [f.stackName, f.logicalId, f.resourceType, c.red(f.status), f.reason]),
    options.color ?? false,
  );
}

const VERB: Record<StackOperation, string> = { create: 'Creating', update: 'Updating', delete: 'Deleting' };
const DONE: Record<StackOperation, string> = { create: 'created', update: 'updated', delete: 'deleted' };

export function createStackProgress(options: StackProgressOptions): StackProgressPrinter {
  const c = painter(options.color);
  const failures: FailedResource[] = [];
  /** Latest status per resource of the running operation, for the summary line. */
  const latest = new Map<string, string>();
  let expected = 0;
  let spinner: SpinnerLike | undefined;
  let operation: StackOperation | undefined;
  let lastEvent = '';

  const makeSpinner =
    options.createSpinner ??
    ((text: string) =>
      ora({
        text,
        stream: options.stream ?? process.stderr,
        // A terminal that reports no width (some pseudo-terminals) makes ora erase lines forever.
        isEnabled: ((options.stream ?? process.stderr) as NodeJS.WriteStream).columns > 0,
        discardStdin: false,
        color: 'cyan',
      }));

  // Persistent lines go above the spinner; it is redrawn after them.
  const writeLine = (line: string) => {
    spinner?.clear();
    options.write(line);
    spinner?.render();
  };

  const summary = (stackName: string) => {
    let done = 0;
    let running = 0;
    for (const status of latest.values()) {
      if (status.endsWith('_IN_PROGRESS')) running++;
      else if (status.endsWith('_COMPLETE') || status.endsWith('_SKIPPED')) done++;
    }
    const total = Math.max(expected, latest.size);
    const counts = total > 0 ? ` ${done}/${total} resources done` : '';
    const active = running > 0 ? `, ${running} in progress` : '';
    const last = lastEvent ? ` · ${lastEvent}` : '';
    return `${VERB[operation ?? 'update']} ${c.bold(stackName)}:${counts}${active}${last}`;
  };

  const eventLine = (
    timestamp: Date,
    stackName: string,
    logicalId: string,
    type: string,
    status: string,
    reason?: string,
  ) =>
    [c.dim(clock(timestamp)), stackName, logicalId, c.dim(type), paintStatus(c, status), reason ?? '']
      .join(' ')
      .trimEnd();

  return {
    get failures() {
      return failures;
    },
    onEvent(event) {
      switch (event.kind) {
        case 'change-set-created':
          // The preview is the command's to show (formatChangeTable), before it asks.
          expected = event.changes.length;
          return;
        case 'notice': {
          const text = event.level === 'warn' ? c.yellow(`! ${event.text}`) : event.text;
          writeLine(text);
          return;
        }
        case 'operation-started':
          operation = event.operation;
          latest.clear();
          lastEvent = '';
          if (event.operation === 'delete') expected = 0;
          if (options.isTty) {
            spinner = makeSpinner(summary(event.stackName));
            spinner.start();
          } else {
            options.write(`${VERB[event.operation]} stack ${event.stackName} …`);
          }
          return;
        case 'resource': {
          latest.set(event.logicalId, event.status);
          lastEvent = `${event.logicalId} ${event.status}`;
          const failed = event.status.endsWith('_FAILED') && !CANCELLED_NOISE.test(event.reason ?? '');
          if (failed) {
            failures.push({
              stackName: event.stackName,
              logicalId: event.logicalId,
              resourceType: event.resourceType,
              status: event.status,
              reason: event.reason ?? '',
            });
          }
          const line = eventLine(
            event.timestamp,
            event.stackName,
            event.logicalId,
            event.resourceType,
            event.status,
            event.reason,
          );
          if (!spinner) options.write(line);
          else {
            // On a TTY only failures stay in the scrollback; the rest is the summary line.
            if (failed) writeLine(line);
            spinner.text = summary(event.stackName);
          }
          return;
        }
        case 'stack-status': {
          const line = eventLine(
            event.timestamp,
            event.stackName,
            event.stackName,
            'AWS::CloudFormation::Stack',
            event.status,
            event.reason,
          );
          if (spinner) {
            lastEvent = `stack ${event.status}`;
            spinner.text = summary(event.stackName);
          } else options.write(line);
          return;
        }
        case 'operation-finished': {
          const ok = event.ok;
          const text = ok
            ? `Stack ${event.stackName} ${DONE[event.operation]} (${event.status})`
            : `Stack ${event.stackName} failed to ${event.operation} (${event.status})`;
          if (spinner) {
            if (ok) spinner.succeed(text);
            else spinner.fail(text);
            spinner = undefined;
          } else options.write(ok ? c.green(text) : c.red(text));
          const mine = failures.filter((f) => f.stackName === event.stackName);
          if (!ok && mine.length > 0) {
            options.write('');
            for (const line of formatFailureTable(mine, { color: options.color }).split('\n'))
              options.write(line);
          }
          return;
        }
      }
    },
    finish() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}
