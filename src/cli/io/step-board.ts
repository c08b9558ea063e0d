// How the steps' stack work is shown. In CI and pipes: plain lines, each prefixed with its step. On a
// terminal: one live area with a line per running stack operation, so the management account's StackSet
// and the hub's stacks are seen moving at the same time; finished operations leave one line above it.
import type { Activity, IoHost } from '../../core/io.js';
import type { InstallView } from '../../ops/install/context.js';
import { createStackProgress, formatChangeTable, type SpinnerLike } from './stack-progress.js';

export function stepView(io: IoHost, color: boolean): InstallView {
  const board = new Map<symbol, string>();
  let live: Activity | undefined;
  const redraw = () => {
    if (board.size === 0) {
      live?.stop();
      live = undefined;
      return;
    }
    const text = [...board.values()].join('\n');
    if (live) live.update(text);
    else live = io.activity(text);
  };

  const boardSpinner = (stepIo: IoHost, step: string, initial: string): SpinnerLike => {
    const key = Symbol(step);
    let text = initial;
    const end = (level: 'success' | 'error', line?: string) => {
      board.delete(key);
      redraw();
      if (line) stepIo.notify({ level, code: 'SN_STACK_PROGRESS', text: line });
    };
    return {
      get text() {
        return text;
      },
      set text(value: string) {
        text = value;
        if (board.has(key)) {
          board.set(key, `[${step}] ${value}`);
          redraw();
        }
      },
      start() {
        board.set(key, `[${step}] ${text}`);
        redraw();
      },
      stop() {
        board.delete(key);
        redraw();
      },
      clear() {},
      render() {},
      succeed: (line?: string) => end('success', line),
      fail: (line?: string) => end('error', line),
    };
  };

  return {
    changeTable: (changes) => formatChangeTable(changes, { color }),
    stackProgress: (stepIo, step) =>
      createStackProgress({
        write: (line: string) => stepIo.notify({ level: 'info', code: 'SN_STACK_PROGRESS', text: line }),
        isTty: io.interactive,
        color,
        createSpinner: (text) => boardSpinner(stepIo, step, text),
      }),
  };
}
