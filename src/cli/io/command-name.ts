// How a hint should spell the command: `secnotify` when that name is on PATH (a global install or
// `npm link`), else `npx secnotify` (a git clone with `npm ci`, or `npx --yes <tarball>`), which works from
// the project folder and fetches the package otherwise.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether an executable named `name` is in one of PATH's folders. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

/** `secnotify` or `npx secnotify`, for every hint that shows a command to run. */
export function cliCommand(env: NodeJS.ProcessEnv = process.env): string {
  return onPath('secnotify', env) ? 'secnotify' : 'npx secnotify';
}

/** A hint's command line: `cliCommand()` followed by the arguments, e.g. `hintCommand('doctor')`. */
export function hintCommand(args: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${cliCommand(env)} ${args}`;
}

const COMMAND_IN_TEXT =
  /(^|[^\w/@-])(?<!npx )secnotify (?=(install|uninstall|status|doctor|render|preview|send-test-finding)\b)/g;

/**
 * Hints and remedies written in core and ops name commands as `secnotify <command>`; on their way out
 * (messages, the error's hint, doctor remedies, status problems) they get the spelling that runs here.
 */
export function spellCommands(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const cli = cachedCliCommand(env);
  if (cli === 'secnotify') return text;
  return text.replace(COMMAND_IN_TEXT, (_m, before: string) => `${before}${cli} `);
}

let cached: { path: string | undefined; cli: string } | undefined;
function cachedCliCommand(env: NodeJS.ProcessEnv): string {
  if (cached === undefined || cached.path !== env.PATH) cached = { path: env.PATH, cli: cliCommand(env) };
  return cached.cli;
}
