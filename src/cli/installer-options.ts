// The installer's questions as flags (also keys of --config files), shared by render and install.
import { type Command, Option } from 'commander';

export function addInstallerOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--formatter <mode>', 'how emails are formatted (default: lambda)').choices([
        'lambda',
        'eventbridge',
      ]),
    )
    .option('--timezone <zone>', 'IANA time zone for email dates, Lambda formatter only (default: UTC)')
    .option(
      '--provider-name <name>',
      'portfolio provider and product owner shown in Service Catalog (default: Security)',
    )
    .option(
      '--product-version <version>',
      'product version name, or "auto" (default: auto: v1, v2, … on template change)',
    )
    .option(
      '--launch-role',
      'use the launch-role StackSet: product roles get the permissions boundary (default)',
    )
    .option('--no-launch-role', 'do not use the launch-role StackSet')
    .addOption(
      new Option('--principal-type <type>', 'who may launch the product (default: identity-center)').choices([
        'identity-center',
        'iam-role',
      ]),
    )
    .option(
      '--idc-subdomain <subdomain>',
      'IAM Identity Center access-portal subdomain; turns on sign-in deep links in emails',
    )
    .option(
      '--idc-region <region>',
      'IAM Identity Center home region (default: looked up, else the current region)',
    )
    .option(
      '--principals <names>',
      'comma list of permission set or IAM role names allowed to launch (default: SubscribeToSecurityNotifications)',
    )
    .option(
      '--permission-set-name <name>',
      'name of the permission set to create (default: SubscribeToSecurityNotifications)',
    )
    .option(
      '--share <targets>',
      'org, none, or a comma list of OU IDs, OU names or paths (Workloads/Prod) and account IDs (default: org)',
    )
    .option(
      '--stackset-targets <targets>',
      'launch-role StackSet targets: root, or a comma list of OU IDs, names or paths (default: root)',
    )
    .option(
      '--skip-repeated-findings',
      'do not re-send control findings that were merely updated (default, Lambda only)',
    )
    .option('--no-skip-repeated-findings', 'send every update of a control finding');
}
