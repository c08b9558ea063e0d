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
