// The types of the options model: what the installer's answers are once validated, and where a raw value
// came from (so that an error names the flag, the config key, the environment variable or the stack).

export type Formatter = 'lambda' | 'eventbridge';
export type PrincipalType = 'identity-center' | 'iam-role';

export type ShareTarget =
  | { kind: 'organization' }
  | { kind: 'ou'; id: string }
  | { kind: 'account'; id: string }
  /** An OU given by name or path (e.g. Workloads/Prod); install looks its ID up in the organization. */
  | { kind: 'ou-path'; path: string };

/** A share target with every OU given by ID. */
export type ResolvedShareTarget = Exclude<ShareTarget, { kind: 'ou-path' }>;

/** How a share target is written in flags and config files. */
export function shareTargetText(t: ShareTarget): string {
  if (t.kind === 'organization') return 'org';
  return t.kind === 'ou-path' ? t.path : t.id;
}

export interface StackNames {
  bucket: string;
  portfolio: string;
  launchRoleStackSet: string;
  permissionSet: string;
}

export interface SecnotifyOptions {
  formatter: Formatter;
  /** IANA zone for email dates (Lambda mode). */
  timezone: string;
  providerName: string;
  /** Explicit product version; undefined means automatic (v1, v2, … on content change). */
  productVersion?: string;
  launchRole: boolean;
  principalType: PrincipalType;
  /** Identity Center access-portal subdomain; turns on deep links (Lambda mode with Identity Center). */
  idcSubdomain?: string;
  /** Identity Center home Region; undefined means install looks it up (and stops when it cannot). */
  idcRegion?: string;
  /** Permission set names or IAM role names allowed to launch the product. */
  principals: string[];
  /** Empty means no share. */
  share: ShareTarget[];
  /** `root`, OU IDs (root ID `r-…` also accepted) or OU names/paths for the launch-role StackSet. */
  stacksetTargets: string[];
  skipRepeatedFindings: boolean;
  /** Name of the permission set the permission-set stack creates. */
  permissionSetName: string;
  /** Whether the product offers subscribers findings of every account, not only their own (off by default). */
  allowOrgWideSubscriptions: boolean;
  /** Domains subscriber addresses must belong to; empty means any domain. Lower case, no duplicates. */
  allowedEmailDomains: string[];
  stackNames: StackNames;
}

export type OptionKey = keyof SecnotifyOptions;

export const DEFAULT_PERMISSION_SET = 'SubscribeToSecurityNotifications';

/** What flags and config files may hold before validation (strings, booleans, or lists). */
export type RawOptions = { [K in OptionKey]?: unknown };

/** Where a value came from, for error messages that point at the right place. */
export type Source =
  | { kind: 'flag' }
  | { kind: 'config'; file: string }
  | { kind: 'deployed'; stack: string }
  | { kind: 'env'; variable: string }
  | { kind: 'answer' };

export interface SourcedRaw {
  values: RawOptions;
  sources: Partial<Record<OptionKey, Source>>;
}
