// `secnotify install`: flags + config + deployed values + answers → validated options → a plan of steps,
// each in the account and region it needs → change sets shown and confirmed → progress → one result.
import { writeFileSync } from 'node:fs';
import { identifyAccounts, openAccounts } from '../../aws/accounts.js';
import { configToYaml, DEFAULT_CONFIG_FILE } from '../../core/config.js';
import { UsageError } from '../../core/errors.js';
import { MSG } from '../../core/messages.js';
import { nonEmptyPath, resolveOptions } from '../../core/options.js';
import { parseSteps, planInstall } from '../../core/plan.js';
import { runInstall } from '../../ops/install/index.js';
import { identityCenterHomeRegion, preflight } from '../../ops/install/preflight.js';
import type { InstallFlags } from '../command-options.js';
import { type CommandContext, deployedLayer, deployedStackOf, gatherOptions } from '../context.js';
import { askOpenQuestions, QUESTIONS } from '../install/questions.js';
import { resolveOuNames } from '../install/resolve-ous.js';
import { installResult, planText } from '../install/summary.js';
import { formatChangeTable } from '../io/stack-progress.js';

export async function run(ctx: CommandContext, flags: InstallFlags): Promise<void> {
  const { io, globals } = ctx;
  const dryRun = Boolean(flags.dryRun);
  const selected = flags.steps !== undefined ? parseSteps(flags.steps) : undefined;
  // Everything the user typed is validated before any AWS client exists.
  const first = gatherOptions(ctx, flags);
  const saveConfig = nonEmptyPath('--save-config', flags.saveConfig);
  if (!io.interactive && !globals.yes && !dryRun) {
    const given = new Set([
      ...Object.keys(first.layers.flags.values),
      ...Object.keys(first.layers.config?.values ?? {}),
    ]);
    const open = QUESTIONS.filter((q) => !given.has(q.key) && q.applies(first.options)).map((q) => q.flag);
    throw new UsageError(
      `install changes AWS resources and there is no terminal to confirm on: pass --yes to confirm (or --dry-run to only look)${open.length ? `; unanswered, so defaults or deployed values would apply: ${open.join(', ')}` : ''}.`,
      { field: '--yes' },
    );
  }

  const conn = first.connection;
  const accounts = await openAccounts(conn);
  const { hub } = accounts;
  try {
    const { hubCaller, organization, management, managementCaller } = await identifyAccounts(accounts, {
      organization: 'required',
      hubAsManagement: false,
    });
    if (organization && organization.managementAccountId === hubCaller.accountId) {
      throw new UsageError(
        `The hub credentials (account ${hubCaller.accountId}) are the organization's management account. The product must live in another account (a security tooling or shared services account): Service Catalog shares from a delegated administrator, and the management account should run as little as possible.`,
        {
          field: '--profile',
          hint: 'Pass --profile for the hub account and --management-profile for the management account.',
        },
      );
    }

    const deployed = await deployedLayer(hub, first.options.stackNames, io, { tolerant: false });
    const deployedStack = deployedStackOf(deployed);
    if (deployedStack) {
      io.notify({
        level: 'info',
        code: MSG.DEPLOYED_DEFAULTS.code,
        text: `Using the settings deployed in ${deployedStack} as defaults.`,
      });
    }
    const layers = [
      ...(deployed ? [deployed] : []),
      ...(first.layers.config ? [first.layers.config] : []),
      first.layers.flags,
    ];
    const answers = await askOpenQuestions(io, layers, globals.yes);
    const options = resolveOptions(...layers, answers);

    // The pre-flight checks: a blocking failure (no organization, failed stacks, wrong Identity Center
    // region, …) stops here, before any change; warnings are shown and the install goes on.
    await preflight(io, { hub, ...(management ? { management } : {}) }, options);

    const resolved = await resolveOuNames(options, management);

    const idcHomeRegion = await identityCenterHomeRegion(options, selected, hub, hubCaller, management);

    const steps = planInstall({
      options: resolved,
      hubRegion: hub.region,
      idcHomeRegion,
      haveManagementCredentials: Boolean(management),
      selected,
    });
    io.notify({
      level: 'info',
      code: MSG.PLAN.code,
      text: planText(steps, hubCaller.accountId, managementCaller?.accountId),
    });
    if (saveConfig !== undefined) {
      writeFileSync(
        saveConfig,
        configToYaml(options, { ...(conn.region ? {} : { region: hub.region }), ...conn }),
      );
      io.notify({ level: 'info', code: MSG.CONFIG_SAVED.code, text: `Saved the answers to ${saveConfig}.` });
    }

    const result = await runInstall(
      steps,
      {
        options: resolved,
        hub,
        hubCaller,
        ...(management ? { management } : {}),
        ...(managementCaller ? { managementCaller } : {}),
        ...(organization ? { organization } : {}),
        idcHomeRegion,
        dryRun,
        ...(globals.pollInterval !== undefined ? { pollIntervalMs: globals.pollInterval } : {}),
        view: { changeTable: (changes) => formatChangeTable(changes, { color: ctx.color }) },
      },
      {
        io,
        signal: ctx.signal,
        resumeHint: rerunHint(
          first.configFile,
          Object.keys(answers.values).length > 0 && saveConfig === undefined,
        ),
      },
    );
    const { data, text } = installResult(result, {
      hubAccountId: hubCaller.accountId,
      managementAccountId: managementCaller?.accountId,
      region: hub.region,
      dryRun,
    });
    io.result(data, text);
  } finally {
    accounts.close();
  }
}

/** Where the next run finds this run's answers: the config file read, or a hint to keep typed answers. */
function rerunHint(configFile: string | undefined, typedAnswers: boolean): string {
  if (configFile) return ` It reads ${configFile} again.`;
  if (typedAnswers)
    return ` To keep the answers typed above, add --save-config ${DEFAULT_CONFIG_FILE}: the next run reads ./${DEFAULT_CONFIG_FILE} by default.`;
  return '';
}
