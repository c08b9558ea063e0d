// The entry: parse, run one command, print any error once, exit with the documented code
// (0 success, 1 failure, 2 bad usage or input, 130 interrupted). With --json, stdout holds exactly one
// JSON document whatever happens (src/cli/io/json-document.ts).
import { type Command, CommanderError, type OptionValues } from 'commander';
import { DeploymentError, ExitCode, SecnotifyError } from '../core/errors.js';
import { MSG } from '../core/messages.js';
import { decideColor, type GlobalOptions } from './context.js';
import { spellCommands } from './io/command-name.js';
import { type ClosableIoHost, createIoHost, detectInteractive, JsonIoHost } from './io/hosts.js';
import { failureDocument } from './io/json-document.js';
import { checkNamedProfiles } from './io/named-profiles.js';
import { createPainter } from './io/paint.js';
import { formatFailureTable } from './io/stack-progress.js';
import { buildProgram, type CommandModule } from './program.js';

let io: ClosableIoHost | undefined;
let debug = process.argv.includes('--debug');
// Until the flags are parsed (errors from commander itself), the raw arguments decide.
let color = decideColor({
  color: !process.argv.includes('--no-color'),
  json: process.argv.includes('--json'),
});

async function runCommand<F extends OptionValues>(
  load: () => Promise<CommandModule<F>>,
  cmd: Command,
  args: string[],
): Promise<void> {
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  debug = globals.debug;
  // Colour is decided here, once, and handed to the host and to every command.
  color = decideColor(globals);
  // Prompts style their text with node:util styleText, which reads NO_COLOR: --no-color reaches them too.
  if (!color) process.env.NO_COLOR = '1';
  io = createIoHost({
    json: globals.json,
    yes: globals.yes,
    color,
    debug: globals.debug,
    interactive: detectInteractive() && !globals.json,
  });
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1) {
      process.stderr.write('\nInterrupted again: exiting now.\n');
      process.exit(ExitCode.Interrupted);
    }
    process.stderr.write(
      '\nInterrupt received: stopping at the next safe point (Ctrl-C again to exit at once).\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    await checkNamedProfiles({ ...globals });
    if (globals.debug) {
      // --debug: one stderr line per AWS request attempt (never credentials or bodies).
      const log = await import('../aws/request-log.js');
      const host = io;
      log.observeAwsRequests((r) =>
        host.notify({ level: 'debug', code: MSG.AWS_REQUEST.code, text: log.formatAwsRequest(r) }),
      );
    }
    const module = await load();
    await module.run({ io, globals, color, signal: controller.signal }, cmd.opts<F>(), args);
    if (io instanceof JsonIoHost) io.writeDocument();
  } finally {
    io.close();
    process.off('SIGINT', onSigint);
  }
}

/** The one place an error is printed: its message, the failed resources (once, as a table), the hint. */
function printError(error: unknown): ExitCode {
  // --json: stdout still gets its one document, now saying what failed.
  if (io instanceof JsonIoHost) io.writeDocument(error);
  const paint = createPainter(io?.color ?? color);
  const write = (line: string) => process.stderr.write(`${line}\n`);
  if (error instanceof SecnotifyError) {
    write(paint.message('error', spellCommands(error.message)));
    if (error instanceof DeploymentError && error.failedResources.length > 0) {
      write('Failed resources:');
      for (const line of formatFailureTable(error.failedResources, { color: io?.color ?? color }).split('\n'))
        write(`  ${line}`);
    }
    if (error.hint) write(paint.dim(spellCommands(error.hint)));
    if (debug && error.stack) write(paint.dim(error.stack));
    return error.exitCode;
  }
  write(
    paint.message('error', `Unexpected error: ${error instanceof Error ? error.message : String(error)}`),
  );
  if (debug && error instanceof Error && error.stack) write(paint.dim(error.stack));
  else write(paint.dim('Run again with --debug for details.'));
  return ExitCode.Failure;
}

async function main(): Promise<void> {
  const program = buildProgram(runCommand);
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; every other commander complaint is bad usage.
      process.exitCode = error.exitCode === 0 ? ExitCode.Success : ExitCode.Usage;
      // Commander already printed its complaint on stderr; --json still gets its one document.
      if (error.exitCode !== 0 && process.argv.includes('--json')) {
        process.stdout.write(`${JSON.stringify(failureDocument(error), null, 2)}\n`);
      }
      return;
    }
    process.exitCode = printError(error);
  }
}

await main();
