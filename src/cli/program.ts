// Commander wiring. Command implementations are imported only when their command runs, so that
// `secnotify --help` and `--version` load nothing but commander.
import { Command, Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import type { CommandContext, GlobalOptions } from './context.js';
import { addInstallerOptions } from './installer-options.js';

export type CommandModule = {
  run(ctx: CommandContext, opts: Record<string, unknown>, args: string[]): Promise<void>;
};
export type Runner = (load: () => Promise<CommandModule>, cmd: Command, args: string[]) => Promise<void>;

export function buildProgram(runCommand: Runner): Command {
  const program = new Command('secnotify')
    .description(
      'Install, update, check and remove decentralized AWS Security Hub email notifications:\n' +
        'a Service Catalog product shared across your AWS Organization that workload owners launch to subscribe.',
    )
    .version(pkg.version, '-V, --version')
    .option('--profile <name>', 'AWS profile for the hub account (default: the default credential chain)')
    .option('--region <region>', 'AWS Region of the hub (default: AWS_REGION or the profile)')
    .option('--endpoint-url <url>', 'AWS endpoint override, e.g. an emulator (default: AWS_ENDPOINT_URL)')
    .option('--management-profile <name>', 'AWS profile for the organization management account')
    .option('--config <file>', 'read options from a JSON or YAML file; flags win over it')
    .option('-y, --yes', 'answer every confirmation with its default (for CI)', false)
    .option('--json', 'print one JSON result on stdout; everything else goes to stderr', false)
    .option('--no-color', 'no colour in output (also NO_COLOR)')
    .option('--debug', 'print stack traces and AWS request details', false)
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false })
    // Inherited by every subcommand added below: commander's own errors are thrown, not process.exit(1).
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  const action =
    (load: () => Promise<CommandModule>) =>
    async (...args: unknown[]) => {
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
  ).action(action(() => import('./commands/render.js')));

  addInstallerOptions(
    program
      .command('doctor')
      .description(
        'check credentials, the organization, Service Catalog and StackSets access, Security Hub, Identity Center and existing stacks; exit 1 when a check fails',
      ),
  ).action(action(() => import('./commands/doctor.js')));

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
    .action(action(() => import('./commands/send-test-finding.js')));

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
      .option(
        '--management-role-arn <arn>',
        'role to assume for management-account steps (instead of --management-profile)',
      )
      .option('--dry-run', 'show the plan and the change sets; change nothing')
      .option('--save-config <file>', 'write the answers to a YAML file for the next run (--config)'),
  ).action(action(() => import('./commands/install.js')));

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
    .action(action(() => import('./commands/preview.js')));

  program
    .command('status')
    .description(
      'show every part of the installation: present or absent, stack status, version, last update, and what looks wrong; exit 1 only when it cannot look',
    )
    .option(
      '--management-role-arn <arn>',
      'role to assume to look into the management account (instead of --management-profile)',
    )
    .action(action(() => import('./commands/status.js')));

  program
    .command('uninstall')
    .description(
      'remove the solution: shares, portfolio, buckets (emptied), bucket stack, and with management credentials the permission-set and StackSet stacks',
    )
    .option(
      '--management-role-arn <arn>',
      'role to assume for the management-account parts (instead of --management-profile)',
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
    .action(action(() => import('./commands/uninstall.js')));

  return program;
}

export type { GlobalOptions };
export { Option };
