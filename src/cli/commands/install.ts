// `secnotify install`: flags + config + deployed values + answers → validated options → a plan of steps,
// each in the account and region it needs → change sets shown and confirmed → progress → one result.
import { writeFileSync } from 'node:fs';
import { identifyAccounts, openAccounts } from '../../aws/accounts.js';
import type { AwsContext, CallerIdentity } from '../../aws/clients.js';
import { diagnose } from '../../aws/diagnose.js';
import { findIdentityCenterHomeRegion, identityCenterCandidateRegions } from '../../aws/identity-center.js';
import { configToYaml, DEFAULT_CONFIG_FILE } from '../../core/config.js';
import { doctorSettings } from '../../core/doctor.js';
import { AbortError, OperationError, UsageError } from '../../core/errors.js';
import { MSG } from '../../core/messages.js';
import { nonEmptyPath, resolveOptions, type SecnotifyOptions, shareTargetText } from '../../core/options.js';
import { type PlannedStep, parseSteps, planInstall, STEP_IDS, type StepId } from '../../core/plan.js';
import type { InstallFlags } from '../command-options.js';
import { type CommandContext, deployedLayer, deployedStackOf, gatherOptions } from '../context.js';
import { askOpenQuestions, QUESTIONS } from '../install/questions.js';
import { resolveOuNames } from '../install/resolve-ous.js';
import { type InstallState, STEP_RUNNERS } from '../install/steps.js';
import { runSteps } from '../run-steps.js';

function planText(steps: PlannedStep[], hubAccount: string, managementAccount?: string): string {
  const who = (s: PlannedStep) =>
    s.account === 'hub' ? `hub ${hubAccount}` : `management ${managementAccount ?? '(no credentials)'}`;
  return [
    'Plan:',
    ...steps.map((s, i) =>
      s.run
        ? `  ${i + 1}. ${s.id.padEnd(15)} ${who(s)}, ${s.region}: ${s.title}`
        : `  -  ${s.id.padEnd(15)} skipped: ${s.skipReason}`,
    ),
  ].join('\n');
}

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
    let options = resolveOptions(...layers, answers);

    // The pre-flight checks: a blocking failure (no organization, failed stacks, wrong Identity Center
    // region, …) stops here, before any change; warnings are shown and the install goes on.
    const report = await diagnose({ hub, ...(management ? { management } : {}) }, doctorSettings(options));
    for (const check of report.checks.filter((c) => c.verdict === 'fail' || c.verdict === 'warn')) {
      io.notify({
        level: check.verdict === 'fail' ? 'error' : 'warn',
        code: MSG.DOCTOR_CHECK.code,
        text: `${check.title}: ${check.reason}${check.remedy ? `\n  Remedy: ${check.remedy}` : ''}`,
      });
    }
    if (!report.installable) {
      const blocking = report.checks.filter((c) => c.verdict === 'fail' && c.blocking).map((c) => c.title);
      throw new OperationError(`Pre-flight checks failed, nothing was changed: ${blocking.join('; ')}.`, {
        hint: 'Apply the remedies above; `secnotify doctor` repeats the checks.',
      });
    }

    if (
      options.principalType === 'identity-center' &&
      options.launchRole &&
      !options.principals.includes(options.permissionSetName)
    ) {
      io.notify({
        level: 'warn',
        code: MSG.PERMISSION_SET_NOT_A_PRINCIPAL.code,
        text: `The permission set ${options.permissionSetName} that install creates is not among --principals (${options.principals.join(', ')}): its users will not see the product. Add it to --principals unless that is intended.`,
      });
    }

    options = await resolveOuNames(options, management);

    const idcHomeRegion = await identityCenterHomeRegion(options, selected, hub, hubCaller, management);

    const steps = planInstall({
      options,
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

    const state: InstallState = {
      options,
      hub,
      hubCaller,
      management,
      managementCaller,
      organization,
      idcHomeRegion,
      io,
      signal: ctx.signal,
      dryRun,
      color: ctx.color,
      pollIntervalMs: globals.pollInterval,
      shares: [],
      stacks: [],
    };
    const outcomes = await runSteps(steps, (step) => STEP_RUNNERS[step.id](state, step), {
      io,
      signal: ctx.signal,
      resumeText: (done) =>
        `Completed before the failure: ${done.length ? done.join(', ') : 'nothing'}. Fix the cause and run the same command again: finished steps report no changes.${rerunHint(first.configFile, Object.keys(answers.values).length > 0 && saveConfig === undefined)}`,
      stopAfter: (result) =>
        result.outcome === 'declined'
          ? new AbortError(`Declined the changes to step ${result.id}; later steps did not run.`)
          : undefined,
    });

    const ran = outcomes.filter((o) => o.outcome !== 'skipped');
    const summary = [
      dryRun
        ? 'Dry run: nothing was changed.'
        : ran.every((o) => o.outcome === 'no-changes')
          ? 'Install complete: no changes.'
          : 'Install complete.',
      ...outcomes.map((o) => `  ${o.id.padEnd(15)} ${o.outcome.padEnd(10)} ${o.detail}`),
      ...(state.productId ? [`Product ${state.productId}, version ${state.productVersion ?? '?'}`] : []),
      ...(state.portfolioId ? [`Portfolio ${state.portfolioId}`] : []),
    ];
    io.result(
      {
        hubAccountId: hubCaller.accountId,
        managementAccountId: managementCaller?.accountId,
        region: hub.region,
        dryRun,
        steps: outcomes,
        stacks: state.stacks,
        portfolioId: state.portfolioId,
        productId: state.productId,
        productVersion: state.productVersion,
        productTemplateUrl: state.productTemplateUrl,
        shares: state.shares.map((s) => ({
          target: shareTargetText(s.target),
          outcome: s.outcome,
          errors: s.errors,
        })),
      },
      summary.join('\n'),
    );
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

/**
 * The Identity Center home Region: --idc-region, else looked up with the management credentials. The
 * principals' role paths depend on it (issue 10, point 10), so there is no fallback to the hub's Region.
 */
async function identityCenterHomeRegion(
  options: SecnotifyOptions,
  selected: StepId[] | undefined,
  hub: AwsContext,
  hubCaller: CallerIdentity,
  management: AwsContext | undefined,
): Promise<string> {
  if (options.idcRegion) return options.idcRegion;
  // Only the portfolio (principal role paths) and the permission set (its Region) depend on it.
  const needed = (selected ?? STEP_IDS).some((id) => id === 'portfolio' || id === 'permission-set');
  if (options.principalType !== 'identity-center' || !needed) return hub.region;
  const found = management
    ? await findIdentityCenterHomeRegion(
        async (region) => await management.inRegion(region).ssoAdmin(),
        identityCenterCandidateRegions(hub.region, hubCaller.partition),
      )
    : undefined;
  if (found) return found.region;
  throw new UsageError(
    management
      ? 'No IAM Identity Center instance was found in the Regions looked at, so the home Region the permission sets live in is unknown. Pass --idc-region with the Identity Center home Region.'
      : 'The IAM Identity Center home Region decides the role paths the portfolio matches, and looking it up needs the management credentials. Pass --idc-region with the Identity Center home Region, or --management-profile / --management-role-arn.',
    { field: '--idc-region' },
  );
}
