// Commander wiring. Command implementations are imported only when their command runs, so that
// `secnotify --help` and `--version` load nothing but commander.
import { Command, InvalidArgumentError, Option, type OptionValues } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import type {
  DoctorFlags,
  InstallFlags,
  PreviewFlags,
  RenderFlags,
  SendTestFindingFlags,
  StatusFlags,
  UninstallFlags,
} from './command-options.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { addInstallerOptions, connectionOption } from './installer-options.js';

/** A command's implementation, typed by the flags it declares. */
export type CommandModule<F extends OptionValues> = {
  run(ctx: CommandContext, flags: F, args: string[]): Promise<void>;
};
/** Runs a command: `cmd.opts<F>()` is where commander's parsed flags meet the command's flag type. */
export type Runner = <F extends OptionValues>(
  load: () => Promise<CommandModule<F>>,
  cmd: Command,
  args: string[],
) => Promise<void>;

/** `--poll-interval`: whole milliseconds, 1 to 600000. */
export function parsePollInterval(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value.trim()) || ms < 1 || ms > 600_000) {
    throw new InvalidArgumentError('expected whole milliseconds from 1 to 600000, e.g. 2000.');
  }
  return ms;
}

export function buildProgram(runCommand: Runner): Command {
  const program = new Command('secnotify')
    .description(
      'Install, update, check and remove decentralized AWS Security Hub email notifications:\n' +
        'a Service Catalog product shared across your AWS Organization that workload owners launch to subscribe.',
    )
    .version(pkg.version, '-V, --version')
    .addOption(connectionOption('profile'))
    .addOption(connectionOption('region'))
    .addOption(connectionOption('endpointUrl'))
    .addOption(connectionOption('managementProfile'))
    .option(
      '--config <file>',
      'read options from a JSON or YAML file (default: ./secnotify.yaml when present); flags win over it',
    )
    .option('-y, --yes', 'answer every confirmation with its default (for CI)', false)
    .option('--json', 'print one JSON result on stdout; everything else goes to stderr', false)
    .option('--no-color', 'no colour in output (also NO_COLOR)')
    .option('--debug', 'print stack traces and AWS request details', false)
    .addOption(
      new Option(
        '--poll-interval <ms>',
        'milliseconds between polls while waiting for CloudFormation, StackSets and shares (default 2000-5000; lower for emulators)',
      )
        .env('SECNOTIFY_POLL_MS')
        .argParser(parsePollInterval),
    )
    .showHelpAfterError('(run with --help for usage)')
    // Subcommand help lists the global options too (inherited by every command added below).
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    // Inherited by every subcommand added below: commander's own errors are thrown, not process.exit(1).
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  const action =
    <F extends OptionValues>(load: () => Promise<CommandModule<F>>) =>
    async (...args: unknown[]) => {
      // commander passes the command itself last.
      const cmd = args[args.length - 1] as Command;
      await runCommand(load, cmd, cmd.args);
    };

  addInstallerOptions(
    program
      .command('render')
      .description(
        'write every CloudFormation template and its parameters for the given options (offline, no credentials)',
      )
      .requiredOption('--out <dir>', 'folder to write the templates and parameter files into')
      .option('--subscriber-emails <list>', 'addresses for the sample product.parameters.json (comma list)'),
  ).action(action<RenderFlags>(() => import('./commands/render.js')));

  addInstallerOptions(
    program
      .command('doctor')
      .description(
        'check credentials, the organization, Service Catalog and StackSets access, Security Hub, Identity Center and existing stacks; exit 1 when a check fails',
      )
      .addOption(
        connectionOption(
          'managementRoleArn',
          'role to assume to check the management account (instead of --management-profile)',
        ),
      ),
  ).action(action<DoctorFlags>(() => import('./commands/doctor.js')));

  program
    .command('send-test-finding')
    .description(
      'import one labelled synthetic finding into Security Hub here, so that a subscriber email arrives; --archive ID removes it',
    )
    .option('--severity <label>', 'CRITICAL, HIGH, MEDIUM, LOW or INFORMATIONAL (default: HIGH)')
    .option(
      '--resource-tag <KEY=VALUE>',
      'tag on the finding resource, for tag-filtered subscriptions (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--title <text>', 'finding title, after the "[secnotify test]" label')
    .option('--archive <id>', 'resolve and archive a test finding sent earlier, by its ID')
    .action(action<SendTestFindingFlags>(() => import('./commands/send-test-finding.js')));

  addInstallerOptions(
    program
      .command('install')
      .description(
        'install or update the solution: organization setup, launch roles, templates, portfolio, shares, permission set',
      )
      .option(
        '--steps <list>',
        'only these steps, comma separated: org-setup,launch-roles,templates,portfolio,share,permission-set',
      )
      .addOption(
        connectionOption(
          'managementRoleArn',
          'role to assume for management-account steps (instead of --management-profile)',
        ),
      )
      .option('--dry-run', 'show the plan and the change sets; change nothing')
      .option(
        '--detailed-exitcode',
        'with --dry-run: exit 0 when the plan changes nothing, 3 when it has changes (1 error, 2 usage)',
      )
      .option('--save-config <file>', 'write the answers to a YAML file for the next run (--config)')
      .addHelpText(
        'after',
        '\nExit codes: 0 installed (or, with --dry-run, planned), 1 failed, 2 bad usage or wrong account,\n3 changes pending (--dry-run --detailed-exitcode), 4 plan declined (nothing changed), 130 interrupted.',
      ),
  ).action(action<InstallFlags>(() => import('./commands/install.js')));

  program
    .command('preview')
    .description(
      'print exactly the emails a subscriber would get for a Security Hub event or finding (offline)',
    )
    .requiredOption(
      '--event <file>',
      'EventBridge event or bare finding JSON (ASFF or OCSF), - for stdin, or a folder with --all',
    )
    .option('--all', 'preview every .json file in the --event folder')
    .addOption(
      new Option('--formatter <mode>', 'formatter to preview (default: lambda)').choices([
        'lambda',
        'eventbridge',
      ]),
    )
    .option('--timezone <zone>', 'IANA time zone for dates, Lambda formatter only (default: UTC)')
    .option('--idc-subdomain <subdomain>', 'access-portal subdomain: adds the sign-in deep link')
    .option(
      '--permission-set <name>',
      'permission set in the deep link (default: SubscribeToSecurityNotifications)',
    )
    .option('--no-skip-repeated-findings', 'also show repeated control findings the Lambda would skip')
    .addOption(
      new Option(
        '--channel <channel>',
        'email (default) or chat: the Slack/Teams custom notifications',
      ).choices(['email', 'chat']),
    )
    .option('--digest', 'print the one digest the events would produce together (Lambda formatter)')
    .action(action<PreviewFlags>(() => import('./commands/preview.js')));

  program
    .command('status')
    .description(
      'show every part of the installation: present or absent, stack status, version, last update, and what looks wrong; exit 1 only when it cannot look',
    )
    .addOption(
      connectionOption(
        'managementRoleArn',
        'role to assume to look into the management account (instead of --management-profile)',
      ),
    )
    .action(action<StatusFlags>(() => import('./commands/status.js')));

  program
    .command('uninstall')
    .description(
      'remove the solution: shares, portfolio, buckets (emptied), bucket stack, and with management credentials the permission-set and StackSet stacks',
    )
    .addOption(
      connectionOption(
        'managementRoleArn',
        'role to assume for the management-account parts (instead of --management-profile)',
      ),
    )
    .option('--keep-shares', 'keep the portfolio shares (and so the portfolio)')
    .option('--keep-portfolio', 'keep the portfolio stack (and so the template bucket)')
    .option('--keep-buckets', 'keep the bucket stack and the buckets')
    .option('--keep-permission-set', 'keep the permission-set stack')
    .option('--keep-launch-roles', 'keep the launch-role StackSet stack')
    .option(
      '--include-org-setup',
      "also undo the organization setup: the hub's Service Catalog delegated administration and organization access",
    )
    .option('--dry-run', 'list what would be removed; remove nothing')
    .action(action<UninstallFlags>(() => import('./commands/uninstall.js')));

  return program;
}

export type { GlobalOptions };
export { Option };
