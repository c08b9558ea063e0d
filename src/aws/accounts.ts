// The accounts a command works in, opened one way for every command: the hub (--profile, --region,
// --endpoint-url) and, when given, the management account (--management-profile or
// --management-role-arn, in the hub's Region). Opening makes no AWS call; `identifyAccounts` asks who
// the credentials are and which organization they belong to.
import type { ConnectionSettings } from '../core/options.js';
import type { AwsContext, AwsTarget, CallerIdentity } from './clients.js';
import type { OrganizationInfo } from './organization.js';

export interface OpenAccounts {
  hub: AwsContext;
  /** The management account's credentials, when --management-profile or --management-role-arn is given. */
  management?: AwsContext;
  /** Closes every client of both contexts. */
  close(): void;
}

/** The targets the connection settings name: the hub, and the management account when given. */
export function accountTargets(conn: ConnectionSettings): { hub: AwsTarget; management?: AwsTarget } {
  const hub: AwsTarget = {
    ...(conn.profile ? { profile: conn.profile } : {}),
    ...(conn.region ? { region: conn.region } : {}),
    ...(conn.endpointUrl ? { endpointUrl: conn.endpointUrl } : {}),
  };
  if (!conn.managementProfile && !conn.managementRoleArn) return { hub };
  const profile = conn.managementProfile ?? conn.profile;
  return {
    hub,
    management: {
      // A role is assumed with the hub's credentials unless a management profile is given.
      ...(profile ? { profile } : {}),
      ...(conn.managementRoleArn ? { roleArn: conn.managementRoleArn } : {}),
      ...(conn.endpointUrl ? { endpointUrl: conn.endpointUrl } : {}),
      flags: { profile: conn.managementProfile ? '--management-profile' : '--profile' },
    },
  };
}

/** A context that could not be opened (no Region, bad credentials…), kept as a finding by `doctor`. */
export type Opened = AwsContext | { error: unknown };

export interface OpenedForChecks {
  hub: Opened;
  management?: Opened;
  close(): void;
}

/**
 * Opens the hub and (when named) the management account, in the hub's Region. Every command opens its
 * accounts here. With `keepErrors`, an account that cannot be opened comes back as `{ error }` (for
 * `doctor`, which reports it as a failed check) unless `keepErrors(error)` is false.
 */
export async function openAccounts(conn: ConnectionSettings): Promise<OpenAccounts>;
export async function openAccounts(
  conn: ConnectionSettings,
  how: { keepErrors: (error: unknown) => boolean },
): Promise<OpenedForChecks>;
export async function openAccounts(
  conn: ConnectionSettings,
  how?: { keepErrors: (error: unknown) => boolean },
): Promise<OpenAccounts | OpenedForChecks> {
  const { createAwsContext } = await import('./clients.js');
  const targets = accountTargets(conn);
  const created: AwsContext[] = [];
  const close = () => {
    for (const c of created.splice(0)) c.destroy();
  };
  const attempt = async (target: AwsTarget): Promise<Opened> => {
    try {
      const c = await createAwsContext(target);
      created.push(c);
      return c;
    } catch (error) {
      if (how?.keepErrors(error)) return { error };
      close();
      throw error;
    }
  };
  const hub = await attempt(targets.hub);
  const region = 'error' in hub ? conn.region : hub.region;
  const management = targets.management
    ? await attempt({ ...targets.management, ...(region ? { region } : {}) })
    : undefined;
  return { hub, ...(management ? { management } : {}), close } as OpenAccounts | OpenedForChecks;
}

export interface IdentifiedAccounts {
  hubCaller: CallerIdentity;
  organization?: OrganizationInfo;
  /** The management credentials: the ones given or, with `hubAsManagement`, the hub's own when it is the management account. */
  management?: AwsContext;
  managementCaller?: CallerIdentity;
}

/**
 * Who the credentials are. `organization: 'optional'` treats an organization that cannot be described as
 * none (a look that must not stop); `'required'` lets the error through. With `hubAsManagement`, a hub that
 * is itself the management account also serves as the management credentials (for looking and cleaning up).
 */
export async function identifyAccounts(
  accounts: OpenAccounts,
  how: { organization: 'optional' | 'required'; hubAsManagement: boolean },
): Promise<IdentifiedAccounts> {
  const { describeOrganization } = await import('./organization.js');
  const hubCaller = await accounts.hub.callerIdentity();
  const describe = describeOrganization(await accounts.hub.organizations());
  const organization =
    how.organization === 'optional' ? await describe.catch(() => undefined) : await describe;
  let management = accounts.management;
  if (!management && how.hubAsManagement && organization?.managementAccountId === hubCaller.accountId) {
    management = accounts.hub;
  }
  const managementCaller = management ? await management.callerIdentity() : undefined;
  return {
    hubCaller,
    ...(organization ? { organization } : {}),
    ...(management ? { management } : {}),
    ...(managementCaller ? { managementCaller } : {}),
  };
}
