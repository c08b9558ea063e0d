// Profiles named by --profile and --management-profile must exist in the shared config files; empty values
// are refused earlier, by the option registry (core/options).
/**
 * Profiles named by flags exist in the shared files: checked at the entry, so that a typo in
 * --management-profile fails before the hub's calls, not half-way through (profiles from a --config file
 * and AWS_PROFILE are checked when their AWS context is created).
 */
export async function checkNamedProfiles(opts: Record<string, unknown>): Promise<void> {
  // An empty value is the option registry's to refuse (it names the flag and the accepted form).
  const named = (['profile', 'managementProfile'] as const).filter(
    (k) => typeof opts[k] === 'string' && opts[k] !== '',
  );
  if (named.length === 0) return;
  const { assertProfileExists } = await import('../../aws/profiles.js');
  for (const key of named) {
    await assertProfileExists(opts[key] as string, key === 'profile' ? '--profile' : '--management-profile');
  }
}
