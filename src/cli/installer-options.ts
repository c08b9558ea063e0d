// Commander flags derived from the option registry: the installer options (also keys of --config files),
// shared by render, doctor and install, and the connection flags.
import { type Command, Option } from 'commander';
import { CONNECTION_OPTIONS, type ConnectionKey, OPTIONS } from '../core/options.js';

/** The commander Option of every installer option that has a flag (a boolean also gets its --no- form). */
export function installerOptions(): Option[] {
  const out: Option[] = [];
  for (const def of OPTIONS) {
    if (!def.flag) continue;
    const option = new Option(def.valueName ? `${def.flag} ${def.valueName}` : def.flag, def.help);
    if (def.choices) option.choices(def.choices);
    out.push(option);
    if (!def.valueName && def.negatedHelp) out.push(new Option(`--no-${def.flag.slice(2)}`, def.negatedHelp));
  }
  return out;
}

export function addInstallerOptions(cmd: Command): Command {
  for (const option of installerOptions()) cmd.addOption(option);
  return cmd;
}

/** A connection flag from its definition; `help` overrides the generic text for one command. */
export function connectionOption(key: ConnectionKey, help?: string): Option {
  const def = CONNECTION_OPTIONS.find((d) => d.key === key)!;
  return new Option(`${def.flag} ${def.valueName}`, help ?? def.help);
}
