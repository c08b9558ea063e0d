// Colour in one place. chalk honours NO_COLOR / FORCE_COLOR; --no-color and non-TTY output switch it off.
import { Chalk } from 'chalk';
import type { MessageLevel } from '../../core/io.js';

export interface Painter {
  message(level: MessageLevel, text: string): string;
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

export function createPainter(color: boolean): Painter {
  const c = new Chalk({ level: color ? 1 : 0 });
  return {
    message(level, text) {
      switch (level) {
        case 'error':
          return c.red(`✖ ${text}`);
        case 'warn':
          return c.yellow(`! ${text}`);
        case 'success':
          return c.green(`✔ ${text}`);
        case 'debug':
          return c.dim(text);
        default:
          return text;
      }
    },
    bold: (t) => c.bold(t),
    dim: (t) => c.dim(t),
    green: (t) => c.green(t),
    red: (t) => c.red(t),
    yellow: (t) => c.yellow(t),
    cyan: (t) => c.cyan(t),
  };
}

/** Colour is on when stderr is a TTY, unless NO_COLOR or --no-color; FORCE_COLOR turns it on anywhere. */
export function colorEnabled(flag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(process.stderr.isTTY);
}
