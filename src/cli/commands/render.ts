// `secnotify render --out DIR`: placeholder until the renderer lands (wired by the lead).
import type { CommandContext } from '../context.js';
import { gatherOptions } from '../context.js';

export async function run(ctx: CommandContext, opts: Record<string, unknown>): Promise<void> {
  const { options } = gatherOptions(ctx.globals, opts);
  ctx.io.result({ options }, JSON.stringify(options, null, 2));
}
