// Flags that name a file, folder or profile must not be empty: `--config ""` would silently mean "no config
// file", `--profile ""` the default credential chain, `--out ""` the current folder. Checked once, at the
// entry, for every command, before anything is read or any AWS call is made.
import { rejectEmpty } from '../../core/input-file.js';

/** commander's option key → [the flag as typed, what a value should be]. */
const NAMED_INPUTS: Record<string, [string, string]> = {
  config: ['--config', 'a JSON or YAML file'],
  out: ['--out', 'a folder to write into'],
  event: ['--event', 'an event file, - for stdin, or a folder with --all'],
  profile: [
    '--profile',
    'a profile name from ~/.aws/config (leave --profile out for the default credentials)',
  ],
  managementProfile: [
    '--management-profile',
    'a profile name from ~/.aws/config (leave --management-profile out to skip the management steps)',
  ],
  saveConfig: ['--save-config', 'a file to write the answers into'],
};

export function rejectEmptyInputs(opts: Record<string, unknown>): void {
  for (const [key, [flag, expected]] of Object.entries(NAMED_INPUTS)) rejectEmpty(flag, opts[key], expected);
}

/**
 * Profiles named by flags exist in the shared files: checked at the entry, so that a typo in
 * --management-profile fails before the hub's calls, not half-way through (profiles from a --config file
 * and AWS_PROFILE are checked when their AWS context is created).
 */
export async function checkNamedProfiles(opts: Record<string, unknown>): Promise<void> {
  const named = (['profile', 'managementProfile'] as const).filter((k) => typeof opts[k] === 'string');
  if (named.length === 0) return;
  const { assertProfileExists } = await import('../../aws/profiles.js');
  for (const key of named) {
    await assertProfileExists(opts[key] as string, key === 'profile' ? '--profile' : '--management-profile');
  }
}
