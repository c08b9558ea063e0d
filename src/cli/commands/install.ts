// `secnotify install`: flags + config + deployed values → the right accounts → the doctor's checks →
// answers → validated options → a plan of steps, each in the account and region it needs → every step's
// change worked out (change sets created and held) → one "Apply this plan? (y/N)" → the held change sets
// executed by the step engine → one result, with what to do next and how long it took.
import { writeFileSync } from 'node:fs';
import { identifyAccounts, openAccounts } from '../../aws/accounts.js';
import { configToYaml, DEFAULT_CONFIG_FILE } from '../../core/config.js';
import { DeclinedError, ExitCode, UsageError } from '../../core/errors.js';
import { MSG, REQ } from '../../core/messages.js';
import { nonEmptyPath, resolveOptions } from '../../core/options.js';
import { parseSteps, planInstall, STEP_IDS } from '../../core/plan.js';
import type { InstallContext } from '../../ops/install/context.js';
import { runInstall } from '../../ops/install/index.js';
import {
  checkManagementAccount,
  identityCenterHomeRegion,
  preflight,
  warnPermissionSetPrincipal,
} from '../../ops/install/preflight.js';
import { prepareInstall } from '../../ops/install/prepare.js';
import type { InstallFlags } from '../command-options.js';
import { type CommandContext, deployedLayer, deployedStackOf, gatherOptions } from '../context.js';
import { askOpenQuestions, QUESTIONS } from '../install/questions.js';
import { resolveOuNames } from '../install/resolve-ous.js';
import { dryRunResult, installResult, planChangesText, planText } from '../install/summary.js';
import { formatChangeTable } from '../io/stack-progress.js';

export async function run(ctx: CommandContext, flags: InstallFlags): Promise<void> {
  const startedAt = Date.now();
  const { io, globals } = ctx;
  const dryRun = Boolean(flags.dryRun);
  const selected = flags.steps !== undefined ? parseSteps(flags.steps) : undefined;
  if (flags.detailedExitcode && !dryRun) {
    throw new UsageError('--detailed-exitcode works with --dry-run only (exit 0: no changes, 3: changes).', {
      field: '--detailed-exitcode',
    });
  }
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
    // The right management account (or a registered delegated administrator), before anything else.
    await checkManagementAccount(management, managementCaller, organization, selected ?? [...STEP_IDS]);

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
    // The doctor's checks come before the questions: a blocking failure (no organization, failed stacks,
    // wrong Identity Center region, …) stops here, before anything is asked or changed.
    await preflight(io, { hub, ...(management ? { management } : {}) }, resolveOptions(...layers));

    const answers = await askOpenQuestions(io, layers, globals.yes);
    const options = resolveOptions(...layers, answers);
    warnPermissionSetPrincipal(io, options);

    const resolved = await resolveOuNames(options, management);
    const idcHomeRegion = await identityCenterHomeRegion(options, selected, hub, hubCaller, management);
    const steps = planInstall({
      options: resolved,
      hubRegion: hub.region,
      idcHomeRegion,
      haveManagementCredentials: Boolean(management),
      selected,
    });
    io.notify(MSG.PLAN.msg(planText(steps, hubCaller.accountId, managementCaller?.accountId)));
    if (saveConfig !== undefined) {
      writeFileSync(
        saveConfig,
        configToYaml(options, { ...(conn.region ? {} : { region: hub.region }), ...conn }),
      );
      io.notify({ level: 'info', code: MSG.CONFIG_SAVED.code, text: `Saved the answers to ${saveConfig}.` });
    }

    const view = {
      changeTable: (changes: Parameters<typeof formatChangeTable>[0]) =>
        formatChangeTable(changes, { color: ctx.color }),
    };
    const installCtx: InstallContext = {
      options: resolved,
      hub,
      hubCaller,
      ...(management ? { management } : {}),
      ...(managementCaller ? { managementCaller } : {}),
      ...(organization ? { organization } : {}),
      idcHomeRegion,
      dryRun,
      ...(globals.pollInterval !== undefined ? { pollIntervalMs: globals.pollInterval } : {}),
      view,
    };
    const prepared = await prepareInstall(steps, installCtx, { io, signal: ctx.signal });
    try {
      io.notify(MSG.PLAN_CHANGES.msg(planChangesText(prepared, view)));
      if (dryRun) {
        const { data, text } = dryRunResult(prepared, steps, Date.now() - startedAt);
        io.result(data, text);
        if (flags.detailedExitcode && prepared.hasChanges) process.exitCode = ExitCode.ChangesPending;
        return;
      }
      if (prepared.hasChanges && !(await confirmPlan(ctx))) {
        await prepared.discardRemaining();
        throw new DeclinedError('Cancelled, nothing changed.');
      }
      const result = await runInstall(
        steps,
        { ...installCtx, prepared: prepared.stacks, approved: true, sharesToRemove: prepared.sharesToRemove },
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
        permissionSetName:
          resolved.principalType === 'identity-center' ? resolved.permissionSetName : undefined,
        elapsedMs: Date.now() - startedAt,
      });
      io.result(data, text);
    } finally {
      await prepared.discardRemaining();
    }
  } finally {
    accounts.close();
  }
}

/** The one question: default No; --yes answers yes (and says so). */
async function confirmPlan(ctx: CommandContext): Promise<boolean> {
  const message = 'Apply this plan?';
  if (ctx.globals.yes) {
    ctx.io.notify(
      MSG.AUTO_CONFIRMED.msg(`${message} yes (--yes)`, { request: REQ.CONFIRM_PLAN.code, response: true }),
    );
    return true;
  }
  return ctx.io.requestResponse({
    kind: 'confirm',
    code: REQ.CONFIRM_PLAN.code,
    message,
    defaultResponse: false,
    flag: '--yes',
  });
}

/** Where the next run finds this run's answers: the config file read, or a hint to keep typed answers. */
function rerunHint(configFile: string | undefined, typedAnswers: boolean): string {
  if (configFile) return ` It reads ${configFile} again.`;
  if (typedAnswers)
    return ` To keep the answers typed above, add --save-config ${DEFAULT_CONFIG_FILE}: the next run reads ./${DEFAULT_CONFIG_FILE} by default.`;
  return '';
}
