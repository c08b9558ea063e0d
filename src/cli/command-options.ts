// What each command's flags look like once commander has parsed them: one interface per command, so that
// command code reads its flags without casts. Values are still raw (strings and booleans); the option
// registry validates them.
import type { OptionKey } from '../core/options.js';

/** The installer options (see core/options/registry.ts), as given on the command line. */
export type InstallerFlags = { [K in OptionKey]?: string | boolean };

/** Flags of commands that may look into the management account. */
export type ManagementFlags = {
  managementRoleArn?: string;
};

// Type aliases rather than interfaces: commander types parsed flags as an index signature, which only
// type aliases satisfy.
export type RenderFlags = InstallerFlags & {
  out: string;
  subscriberEmails?: string;
};

export type DoctorFlags = InstallerFlags & ManagementFlags;

export type InstallFlags = InstallerFlags &
  ManagementFlags & {
    steps?: string;
    dryRun?: boolean;
    detailedExitcode?: boolean;
    saveConfig?: string;
  };

export type SendTestFindingFlags = {
  severity?: string;
  /** Repeatable; commander collects it (empty when not given). */
  resourceTag: string[];
  title?: string;
  archive?: string;
};

export type PreviewFlags = {
  event: string;
  all?: boolean;
  formatter?: string;
  timezone?: string;
  idcSubdomain?: string;
  permissionSet?: string;
  /** False with --no-skip-repeated-findings; undefined otherwise. */
  skipRepeatedFindings?: boolean;
  /** email (default) or chat. */
  channel?: string;
  /** The one digest of all events. */
  digest?: boolean;
};

export type StatusFlags = ManagementFlags;

export type UninstallFlags = ManagementFlags & {
  keepShares?: boolean;
  keepPortfolio?: boolean;
  keepBuckets?: boolean;
  keepPermissionSet?: boolean;
  keepLaunchRoles?: boolean;
  includeOrgSetup?: boolean;
  dryRun?: boolean;
};
