// A profile name that is in neither shared file fails later as "could not resolve credentials"; checked
// first, with the profiles that do exist, through the SDK's own loader of ~/.aws/config and
// ~/.aws/credentials (it honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, and reads `[profile x]`
// sections of the config file as `x`).
import { UsageError } from '../core/errors.js';
import { quoteValue } from '../core/input-file.js';

/** Every profile name of the shared config and credentials files. */
export async function knownProfiles(): Promise<string[]> {
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const files = await loadSharedConfigFiles({ ignoreCache: true });
  return [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])].sort();
}

/**
 * Throws a UsageError (exit 2) naming the profile, where it came from (`flag`, or AWS_PROFILE) and the
 * profiles that exist. The SDK's `default` profile may be absent when credentials come from elsewhere.
 */
export async function assertProfileExists(profile: string, source: string): Promise<void> {
  if (profile === 'default') return;
  const known = await knownProfiles();
  if (known.includes(profile)) return;
  const listed = known.length > 0 ? `known profiles: ${known.join(', ')}` : 'no profiles are defined there';
  throw new UsageError(
    `${source}: no profile ${quoteValue(profile)} in ~/.aws/config or ~/.aws/credentials (${listed}).`,
    {
      field: source,
      hint: 'Create it with `aws configure sso --profile NAME` or `aws configure --profile NAME`, or pick one of the known profiles.',
    },
  );
}
