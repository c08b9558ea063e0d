// IAM Identity Center: the instance ARN and home region the permission-set stack and the principal patterns
// need. An instance answers ListInstances only in its own region(s), so the home region is found by asking.
import { paginateListInstances, type SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { awsFailure } from './aws-errors.js';

export interface IdentityCenterInstance {
  instanceArn: string;
  identityStoreId: string;
  ownerAccountId?: string;
  /** The instance's primary (home) region: the one its permission-set roles are named after. */
  homeRegion?: string;
}

export interface FindInstanceOptions {
  /** Prefer the instance owned by this account (the organization instance is owned by the management account). */
  preferOwner?: string;
}

/**
 * The Identity Center instance visible to this client, or undefined. Account instances can exist beside
 * the organization instance; the preferred owner's active instance wins, then any active one.
 */
export async function findIdentityCenterInstance(
  ssoAdmin: SSOAdminClient,
  options: FindInstanceOptions = {},
): Promise<IdentityCenterInstance | undefined> {
  const found: IdentityCenterInstance[] = [];
  const clientRegion = await ssoAdmin.config.region();
  try {
    for await (const page of paginateListInstances({ client: ssoAdmin }, {})) {
      for (const i of page.Instances ?? []) {
        if (!i.InstanceArn || !i.IdentityStoreId) continue;
        if (i.Status && i.Status !== 'ACTIVE') continue;
        // Multi-region instances name their primary region; otherwise the instance lives only where it answered.
        const primary =
          i.PrimaryRegion ?? i.Regions?.find((r) => r.IsPrimaryRegion)?.RegionName ?? clientRegion;
        found.push({
          instanceArn: i.InstanceArn,
          identityStoreId: i.IdentityStoreId,
          ...(i.OwnerAccountId ? { ownerAccountId: i.OwnerAccountId } : {}),
          ...(primary ? { homeRegion: primary } : {}),
        });
      }
    }
  } catch (error) {
    throw awsFailure(error, 'sso:ListInstances');
  }
  if (options.preferOwner) {
    const owned = found.find((i) => i.ownerAccountId === options.preferOwner);
    if (owned) return owned;
  }
  return found[0];
}

/** Regions of each partition, to search for the Identity Center instance when the current one has none. */
const PARTITION_REGIONS: Record<string, string[]> = {
  aws: [
    'us-east-1',
    'us-east-2',
    'us-west-2',
    'eu-west-1',
    'eu-central-1',
    'ap-southeast-2',
    'ap-northeast-1',
    'eu-west-2',
    'ca-central-1',
    'ap-south-1',
    'ap-southeast-1',
    'sa-east-1',
    'eu-north-1',
    'eu-west-3',
    'ap-northeast-2',
    'us-west-1',
    'eu-south-1',
    'eu-central-2',
    'eu-south-2',
    'ap-northeast-3',
    'ap-east-1',
    'ap-south-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-7',
    'ca-west-1',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'af-south-1',
    'mx-central-1',
  ],
  'aws-us-gov': ['us-gov-west-1', 'us-gov-east-1'],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
};

/** The current region first, then the partition's other regions (most used first), without duplicates. */
export function identityCenterCandidateRegions(currentRegion: string, partition = 'aws'): string[] {
  return [...new Set([currentRegion, ...(PARTITION_REGIONS[partition] ?? [])])];
}

export interface HomeRegionSearchOptions extends FindInstanceOptions {
  /** Regions asked at the same time after the first; default 4. */
  concurrency?: number;
  /** Stop after asking this many regions; default: all candidates. */
  maxRegions?: number;
  /** A candidate other than the first that could not be asked (region not enabled, …), and why. */
  onRegionSkipped?: (region: string, error: unknown) => void;
}

export interface IdentityCenterLocation {
  region: string;
  instance: IdentityCenterInstance;
}

/**
 * Finds the Identity Center instance and its home region: asks the first candidate (the current region),
 * then the others a few at a time. A failure in the first region is the caller's problem and is thrown;
 * later regions may simply not be enabled for the account, so their failures are reported and skipped.
 */
export async function findIdentityCenterHomeRegion(
  makeClient: (region: string) => SSOAdminClient | Promise<SSOAdminClient>,
  candidates: string[],
  options: HomeRegionSearchOptions = {},
): Promise<IdentityCenterLocation | undefined> {
  const regions = [...new Set(candidates)].slice(0, options.maxRegions ?? candidates.length);
  const [first, ...rest] = regions;
  if (first === undefined) return undefined;
  const here = await findIdentityCenterInstance(await makeClient(first), options);
  if (here) return { region: here.homeRegion ?? first, instance: here };

  const concurrency = Math.max(1, options.concurrency ?? 4);
  for (let i = 0; i < rest.length; i += concurrency) {
    const batch = rest.slice(i, i + concurrency);
    const answers = await Promise.all(
      batch.map(async (region) => {
        try {
          return { region, instance: await findIdentityCenterInstance(await makeClient(region), options) };
        } catch (error) {
          options.onRegionSkipped?.(region, error);
          return { region, instance: undefined };
        }
      }),
    );
    const hit = answers.find((a) => a.instance);
    if (hit?.instance) return { region: hit.instance.homeRegion ?? hit.region, instance: hit.instance };
  }
  return undefined;
}
