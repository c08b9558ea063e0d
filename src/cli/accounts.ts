// The accounts `status` and `uninstall` look into: the hub (--profile) and, when given, the management
// account (--management-profile or --management-role-arn), built the way `install` builds them; plus the
// options that name the stacks (config file < flags) and the settings the deployed stacks carry.
import { type AwsContext, type CallerIdentity, createAwsContext } from '../aws/clients.js';
import { deployedSettings } from '../aws/deployed-settings.js';
import { describeOrganization, type OrganizationInfo } from '../aws/organization.js';
import { UsageError } from '../core/errors.js';
import type { IoHost } from '../core/io.js';
import { resolveOptions, type SecnotifyOptions, type SourcedRaw } from '../core/options.js';
import { type GlobalOptions, gatherOptions } from './context.js';

export interface Accounts {
  hub: AwsContext;
  hubCaller: CallerIdentity;
  /** Management credentials: the ones given, or the hub's own when the hub is the management account. */
  management?: AwsContext;
  managementCaller?: CallerIdentity;
  organization?: OrganizationInfo;
  close(): void;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** Flags and config, validated before any AWS client exists. */
export function readCommandOptions(globals: GlobalOptions, opts: Record<string, unknown>) {
  const first = gatherOptions(globals, opts);
  const managementRoleArn =
    (opts.managementRoleArn as string | undefined) ?? first.connection.managementRoleArn;
  if (managementRoleArn !== undefined && !ROLE_ARN.test(managementRoleArn)) {
    throw new UsageError(
      `--management-role-arn: "${managementRoleArn}" is not valid; expected an IAM role ARN such as arn:aws:iam::111122223333:role/OrganizationAccountAccessRole.`,
      { field: '--management-role-arn' },
    );
  }
  return { ...first, managementRoleArn };
}

export async function openAccounts(read: ReturnType<typeof readCommandOptions>): Promise<Accounts> {
  const conn = read.connection;
  const hub = await createAwsContext({
    profile: conn.profile,
    region: conn.region,
    endpointUrl: conn.endpointUrl,
  });
  let management: AwsContext | undefined;
  try {
    if (conn.managementProfile || read.managementRoleArn) {
      management = await createAwsContext({
        profile: conn.managementProfile ?? conn.profile,
        roleArn: read.managementRoleArn,
        region: hub.region,
        endpointUrl: conn.endpointUrl,
        flags: { profile: '--management-profile' },
      });
    }
    const hubCaller = await hub.callerIdentity();
    // An account outside any organization, or one not allowed to ask, simply has no organization facts.
    const organization = await describeOrganization(await hub.organizations()).catch(() => undefined);
    if (!management && organization?.managementAccountId === hubCaller.accountId) management = hub;
    const managementCaller = management ? await management.callerIdentity() : undefined;
    return {
      hub,
      hubCaller,
      ...(management ? { management } : {}),
      ...(managementCaller ? { managementCaller } : {}),
      ...(organization ? { organization } : {}),
      close() {
        hub.destroy();
        if (management !== hub) management?.destroy();
      },
    };
  } catch (error) {
    hub.destroy();
    management?.destroy();
    throw error;
  }
}

/** The options with the deployed stacks' settings as the lowest layer (what the installation was made with). */
export async function deployedOptions(
  accounts: Accounts,
  read: ReturnType<typeof readCommandOptions>,
  io: IoHost,
): Promise<SecnotifyOptions> {
  const names = read.options.stackNames;
  let deployed: SourcedRaw[] = [];
  try {
    const found = await deployedSettings(await accounts.hub.cloudformation(), [
      names.portfolio,
      names.bucket,
    ]);
    if (found) {
      deployed = [
        {
          values: found.values,
          sources: Object.fromEntries(
            Object.keys(found.values).map((k) => [k, { kind: 'deployed', stack: found.stackName }]),
          ),
        },
      ];
    }
  } catch (error) {
    io.notify({
      level: 'warn',
      code: 'SN_DEPLOYED_SETTINGS_UNREADABLE',
      text: `Could not read the deployed settings (${error instanceof Error ? error.message : String(error)}); using flags, config and defaults.`,
    });
  }
  try {
    return resolveOptions(
      ...deployed,
      ...(read.layers.config ? [read.layers.config] : []),
      read.layers.flags,
    );
  } catch {
    // Settings from an older or hand-edited stack that no longer validate must not stop a look or a cleanup.
    return read.options;
  }
}
