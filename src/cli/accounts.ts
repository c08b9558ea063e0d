// The accounts `status` and `uninstall` look into: the hub (--profile) and, when given, the management
// account (--management-profile or --management-role-arn), opened by the one openAccounts every command
// uses; plus the options that name the stacks (config file < flags) and the settings the deployed stacks
// carry.
import { identifyAccounts, openAccounts as openCommandAccounts } from '../aws/accounts.js';
import type { AwsContext, CallerIdentity } from '../aws/clients.js';
import type { OrganizationInfo } from '../aws/organization.js';
import type { IoHost } from '../core/io.js';
import { resolveOptions, type SecnotifyOptions } from '../core/options.js';
import type { ManagementFlags } from './command-options.js';
import { type CommandContext, deployedLayer, type GatheredOptions, gatherOptions } from './context.js';

export interface Accounts {
  hub: AwsContext;
  hubCaller: CallerIdentity;
  /** Management credentials: the ones given, or the hub's own when the hub is the management account. */
  management?: AwsContext;
  managementCaller?: CallerIdentity;
  organization?: OrganizationInfo;
  close(): void;
}

/** Flags and config, validated before any AWS client exists. */
export function readCommandOptions(
  ctx: Pick<CommandContext, 'globals' | 'io'>,
  flags: ManagementFlags,
): GatheredOptions {
  return gatherOptions(ctx, flags);
}

export async function openAccounts(read: GatheredOptions): Promise<Accounts> {
  const opened = await openCommandAccounts(read.connection);
  try {
    // An account outside any organization, or one not allowed to ask, simply has no organization facts.
    const who = await identifyAccounts(opened, { organization: 'optional', hubAsManagement: true });
    return { hub: opened.hub, ...who, close: opened.close };
  } catch (error) {
    opened.close();
    throw error;
  }
}

/** The options with the deployed stacks' settings as the lowest layer (what the installation was made with). */
export async function deployedOptions(
  accounts: Accounts,
  read: GatheredOptions,
  io: IoHost,
): Promise<SecnotifyOptions> {
  const deployed = await deployedLayer(accounts.hub, read.options.stackNames, io, { tolerant: true });
  try {
    return resolveOptions(
      ...(deployed ? [deployed] : []),
      ...(read.layers.config ? [read.layers.config] : []),
      read.layers.flags,
    );
  } catch {
    // Settings from an older or hand-edited stack that no longer validate must not stop a look or a cleanup.
    return read.options;
  }
}
