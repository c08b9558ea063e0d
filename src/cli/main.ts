// The entry: parse, run one command, print any error once, exit with the documented code
// (0 success, 1 failure, 2 bad usage or input, 130 interrupted).
import { type Command, CommanderError } from 'commander';
import { DeploymentError, ExitCode, SecnotifyError } from '../core/errors.js';
import type { IoHost } from '../core/io.js';
import type { GlobalOptions } from './context.js';
import { checkNamedProfiles, rejectEmptyInputs } from './io/empty-inputs.js';
import { createIoHost, detectInteractive } from './io/hosts.js';
import { colorEnabled, createPainter } from './io/paint.js';
import { buildProgram, type CommandModule } from './program.js';

let io: IoHost | undefined;
let debug = process.argv.includes('--debug');
let color = colorEnabled(!process.argv.includes('--no-color'));

async function runCommand(load: () => Promise<CommandModule>, cmd: Command, args: string[]): Promise<void> {
  const globals = cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
  debug = globals.debug;
  color = colorEnabled(globals.color !== false) && !globals.json;
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
    rejectEmptyInputs(globals);
    await checkNamedProfiles(globals);
    if (globals.debug) {
      // --debug: one stderr line per AWS request attempt (never credentials or bodies).
      const log = await import('../aws/request-log.js');
      const host = io;
      log.observeAwsRequests((r) =>
        host.notify({ level: 'debug', code: 'SN_AWS_REQUEST', text: log.formatAwsRequest(r) }),
      );
    }
    const module = await load();
    // optionSource tells a flag the user gave from commander's default (e.g. a --no-… option's `true`).
    const optionSource = (key: string) => cmd.getOptionValueSource(key);
    await module.run({ io, globals, signal: controller.signal, optionSource }, cmd.opts(), args);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function printError(error: unknown): ExitCode {
  const paint = createPainter(color);
  const write = (line: string) => process.stderr.write(`${line}\n`);
  if (error instanceof SecnotifyError) {
    write(paint.message('error', error.message));
    if (error instanceof DeploymentError && error.failedResources.length > 0) {
      write('Failed resources:');
      for (const r of error.failedResources) {
        write(`  ${r.stackName}  ${r.logicalId} (${r.resourceType})  ${r.status}: ${r.reason}`);
      }
    }
    if (error.hint) write(paint.dim(error.hint));
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
      return;
    }
    process.exitCode = printError(error);
  }
}

await main();
