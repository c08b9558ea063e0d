// Aligned tables that fit the terminal. Too wide: the widest columns give up width first (cells cut with
// "…", never wrapped mid-word by the terminal); when even that leaves columns too narrow to read, each row
// is printed as "Header: value" lines instead.
import { Chalk } from 'chalk';

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what we strip
const ANSI = /\u001b\[[0-9;]*m/g;

/** Visible width, ignoring colour codes. */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/** Cuts a cell to `max` visible characters, ending in "…" (colour is dropped from a cut cell). */
export function truncateCell(text: string, max: number): string {
  if (visibleWidth(text) <= max) return text;
  const plain = [...text.replace(ANSI, '')];
  return max <= 1 ? '…'.slice(0, max) : `${plain.slice(0, max - 1).join('')}…`;
}

/** The terminal width for tables: the stream's columns on a TTY, else $COLUMNS, else no limit. */
export function terminalWidth(
  stream: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  if (stream.isTTY && stream.columns > 0) return stream.columns;
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : undefined;
}

const GAP = 2;
/** No column is cut narrower than this (or its header), else rows are printed as records. */
const MIN_COLUMN = 8;

export interface TableOptions {
  color?: boolean;
  /** The width to fit; no limit when undefined. */
  maxWidth?: number;
}

export function formatTable(header: string[], rows: string[][], options: TableOptions = {}): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const all = [header, ...rows];
  const natural = header.map((_, i) => Math.max(...all.map((r) => visibleWidth(r[i] ?? ''))));
  const widths = fitWidths(natural, header, options.maxWidth);
  if (!widths) return formatRecords(header, rows, options.maxWidth, c);
  const line = (cells: string[]) =>
    cells
      .map((raw, i) => {
        const cell = truncateCell(raw, widths[i]!);
        return i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visibleWidth(cell));
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return [c.bold(line(header)), ...rows.map(line)].join('\n');
}

/** Column widths within `max`, taking width from the widest column first; undefined when it cannot fit. */
function fitWidths(natural: number[], header: string[], max: number | undefined): number[] | undefined {
  const widths = [...natural];
  if (max === undefined) return widths;
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  const floor = widths.map((w, i) => Math.min(w, Math.max(MIN_COLUMN, visibleWidth(header[i] ?? ''))));
  while (total() > max) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (widths[i]! > floor[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0) return undefined;
    widths[widest]! -= 1;
  }
  return widths;
}

/** One block per row: "Header: value", values cut to the width. */
function formatRecords(
  header: string[],
  rows: string[][],
  max: number | undefined,
  c: InstanceType<typeof Chalk>,
): string {
  const label = Math.max(...header.map(visibleWidth)) + 1;
  return rows
    .map((row) =>
      header
        .map((h, i) => {
          const name = `${h}:`.padEnd(label);
          const value = row[i] ?? '';
          const room = max === undefined ? Number.POSITIVE_INFINITY : Math.max(1, max - label - 1);
          const text = `${i === 0 ? c.bold(name) : name} ${truncateCell(value, room)}`;
          return text.trimEnd();
        })
        .join('\n'),
    )
    .join('\n\n');
}
