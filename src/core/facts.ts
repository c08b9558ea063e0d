// What the AWS layer found out about an installation, as doctor, status and uninstall all read it. Every
// lookup is its own fact, so one refused call (access denied, an endpoint without the API) becomes "could
// not look" for that part instead of ending the run. Pure types and helpers: src/aws/installation.ts
// gathers, src/core/{doctor,status,removal}.ts decide.
import { OperationError } from './errors.js';
import type { StackNames } from './options.js';

/** Why a lookup could not be made. */
export interface FactError {
  /** The AWS error name (`AccessDeniedException`, …) or `Error`. */
  name: string;
  message: string;
  /** The remedy the AWS layer already knows (expired credentials, …). */
  hint?: string;
}

/**
 * A lookup's answer: the thing is there (with its value), it is not there, or it could not be looked at
 * (with the reason). Parts that were not looked at all are left out (an optional field), never guessed.
 */
export type Fact<T> =
  | { readonly state: 'present'; readonly value: T }
  | { readonly state: 'absent' }
  | { readonly state: 'unknown'; readonly error: FactError };

export const fact = {
  present<T>(value: T): Fact<T> {
    return { state: 'present', value };
  },
  absent<T = never>(): Fact<T> {
    return { state: 'absent' };
  },
  unknown<T = never>(error: FactError): Fact<T> {
    return { state: 'unknown', error };
  },
  /** `undefined` and `null` (what the AWS helpers return for "not there") become absent. */
  of<T>(value: T | undefined | null): Fact<T> {
    return value === undefined || value === null ? { state: 'absent' } : { state: 'present', value };
  },
  /**
   * A lookup that depends on another: could not look when that one could not be looked at (with its
   * reason), else `otherwise` (for instance an empty list when the part it belongs to is absent).
   */
  dependent<T>(source: Fact<unknown>, otherwise: Fact<T>): Fact<T> {
    return source.state === 'unknown' ? source : otherwise;
  },
};

export function isPresent<T>(f: Fact<T> | undefined): f is { state: 'present'; value: T } {
  return f?.state === 'present';
}

/** The value; undefined when the thing is absent, could not be looked at, or was not looked up. */
export function valueIfKnown<T>(f: Fact<T> | undefined): T | undefined {
  return f?.state === 'present' ? f.value : undefined;
}

/**
 * The value, or undefined when the thing is absent; throws an OperationError naming `what` when it could not
 * be looked at. For decisions that must not guess (removing a part that may or may not exist).
 */
export function valueOrThrow<T>(f: Fact<T>, what: string): T | undefined {
  if (f.state === 'unknown') {
    throw new OperationError(`Cannot tell whether ${what} exists: ${f.error.message}`, {
      hint:
        f.error.hint ??
        'Nothing was removed. Fix the access problem (or pass the matching --keep-… flag), then run the same command again.',
    });
  }
  return f.state === 'present' ? f.value : undefined;
}

/** Access refused by IAM, an SCP or the service, as opposed to a lookup that broke. */
export function isDenied(error: FactError): boolean {
  return /AccessDenied|UnauthorizedOperation|AuthorizationError|NotAuthorized/i.test(error.name);
}

/** A deployed CloudFormation stack (DescribeStacks). A stack that does not exist is an absent fact. */
export interface StackFact {
  stackName: string;
  region: string;
  status: string;
  statusReason?: string;
  /** ISO time of the last update (or the creation). */
  lastUpdated?: string;
  parameters: Record<string, string>;
}

export interface BucketFact {
  role: 'product-templates' | 'access-logs';
  name: string;
  exists: boolean;
  versions: number;
  deleteMarkers: number;
}

export interface ShareFact {
  /** ACCOUNT, ORGANIZATION, ORGANIZATIONAL_UNIT or ORGANIZATION_MEMBER_ACCOUNT. */
  type: string;
  principalId: string;
  accepted: boolean;
  sharePrincipals: boolean;
}

export interface VersionFact {
  id: string;
  name: string;
  active: boolean;
  guidance: string;
  createdTime?: string;
}

export interface SubscriberFact {
  name: string;
  id: string;
  status: string;
  accountId?: string;
  versionName?: string;
}

export interface InstanceFact {
  account: string;
  region: string;
  status: string;
  detailedStatus?: string;
  statusReason?: string;
}

export interface StackSetFact {
  name: string;
  callAs: 'SELF' | 'DELEGATED_ADMIN';
  instances: InstanceFact[];
}

export interface OrgSetupFact {
  /** Service Catalog's AWS Organizations access: ENABLED, DISABLED, UNDER_CHANGE. */
  serviceCatalogAccess: string;
  hubIsDelegatedAdmin: boolean;
  /** CloudFormation StackSets trusted access: ENABLED, DISABLED, DISABLED_PERMANENTLY, or UNKNOWN (not answered). */
  stackSetsTrustedAccess: string;
}

export interface PortfolioFact {
  id: string;
  foundBy: 'stack-output' | 'name';
}

export interface ManagementFacts {
  accountId: string;
  region: string;
  launchRoleStack: Fact<StackFact>;
  /** The StackSet the launch-role stack made. */
  stackSet: Fact<StackSetFact>;
  /**
   * Its stack instances that did not get the launch role (FAILED, CANCELLED, INOPERABLE, FAILED_IMPORT,
   * SKIPPED_SUSPENDED_ACCOUNT), as ListStackInstances filtered by detailed status reports them; empty when
   * the StackSet is absent. Left out by builders that predate it (then taken from `stackSet`).
   */
  unsuccessfulInstances?: Fact<InstanceFact[]>;
  permissionSetStack: Fact<StackFact>;
  orgSetup: Fact<OrgSetupFact>;
}

/** Every part of an installation, in the hub and (with its credentials) the management account. */
export interface InstallationFacts {
  hubAccountId: string;
  hubRegion: string;
  organizationId?: string;
  stackNames: StackNames;
  bucketStack: Fact<StackFact>;
  /** The stack's buckets with their contents; empty when the bucket stack is absent. */
  buckets: Fact<BucketFact[]>;
  portfolioStack: Fact<StackFact>;
  /** The portfolio of the portfolio stack (its output, or found by name when the output is missing). */
  portfolio: Fact<PortfolioFact>;
  productId?: string;
  shares: Fact<ShareFact[]>;
  productVersions: Fact<VersionFact[]>;
  /** Provisioned products of the product that the hub account can see (its own). */
  subscribers: Fact<SubscriberFact[]>;
  /** Undefined when no management-account credentials were given. */
  management?: ManagementFacts;
}

export function describeShare(share: ShareFact): string {
  switch (share.type) {
    case 'ORGANIZATION':
      return `organization ${share.principalId}${share.sharePrincipals ? ' (with principal sharing)' : ''}`;
    case 'ORGANIZATIONAL_UNIT':
      return `OU ${share.principalId}${share.sharePrincipals ? ' (with principal sharing)' : ''}`;
    case 'ORGANIZATION_MEMBER_ACCOUNT':
      return `organization member account ${share.principalId}`;
    default:
      return `account ${share.principalId}${share.accepted ? '' : ' (not accepted yet)'}`;
  }
}
