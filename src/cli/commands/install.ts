// `secnotify install`: flags + config + deployed values + answers → validated options → a plan of steps,
// each in the account and region it needs → change sets shown and confirmed → progress → one result.
import { writeFileSync } from 'node:fs';
import { type AwsContext, createAwsContext } from '../../aws/clients.js';
import { deployedSettings } from '../../aws/deployed-settings.js';
import { diagnose } from '../../aws/diagnose.js';
import { findIdentityCenterHomeRegion, identityCenterCandidateRegions } from '../../aws/identity-center.js';
import { describeOrganization } from '../../aws/organization.js';
import { configToYaml } from '../../core/config.js';
import { doctorSettings } from '../../core/doctor.js';
import { AbortError, OperationError, UsageError } from '../../core/errors.js';
import { resolveOptions, type SourcedRaw, shareTargetText } from '../../core/options.js';
import { type PlannedStep, parseSteps, planInstall } from '../../core/plan.js';
import { type CommandContext, gatherOptions, pollIntervalFromEnv } from '../context.js';
import { askOpenQuestions, QUESTIONS } from '../install/questions.js';
import { resolveOuNames } from '../install/resolve-ous.js';
import { type InstallState, STEP_RUNNERS } from '../install/steps.js';
import { colorEnabled } from '../io/paint.js';
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

export async function run(ctx: CommandContext, opts: Record<string, unknown>): Promise<void> {
  const { io, globals } = ctx;
  const dryRun = Boolean(opts.dryRun);
  const selected = typeof opts.steps === 'string' ? parseSteps(opts.steps) : undefined;
  // Everything the user typed is validated before any AWS client exists.
  const first = gatherOptions(globals, opts);
  const managementRoleArn =
    (opts.managementRoleArn as string | undefined) ?? first.connection.managementRoleArn;
  if (
    managementRoleArn !== undefined &&
    !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(managementRoleArn)
  ) {
    throw new UsageError(
      `--management-role-arn: "${managementRoleArn}" is not valid; expected an IAM role ARN such as arn:aws:iam::111122223333:role/OrganizationAccountAccessRole.`,
      { field: '--management-role-arn' },
    );
  }
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
  const hub = await createAwsContext({
    profile: conn.profile,
    region: conn.region,
    endpointUrl: conn.endpointUrl,
  });
  const management: AwsContext | undefined =
    conn.managementProfile || managementRoleArn
      ? await createAwsContext({
          profile: conn.managementProfile ?? conn.profile,
          roleArn: managementRoleArn,
          region: hub.region,
          endpointUrl: conn.endpointUrl,
          flags: { profile: '--management-profile' },
        })
      : undefined;
  try {
    const hubCaller = await hub.callerIdentity();
    const organization = await describeOrganization(await hub.organizations());
    if (organization && organization.managementAccountId === hubCaller.accountId) {
      throw new UsageError(
        `The hub credentials (account ${hubCaller.accountId}) are the organization's management account. The product must live in another account (a security tooling or shared services account): Service Catalog shares from a delegated administrator, and the management account should run as little as possible.`,
        {
          field: '--profile',
          hint: 'Pass --profile for the hub account and --management-profile for the management account.',
        },
      );
    }
    const managementCaller = management ? await management.callerIdentity() : undefined;

    const deployed = await deployedSettings(await hub.cloudformation(), [
      first.options.stackNames.portfolio,
      first.options.stackNames.bucket,
    ]);
    const deployedLayer: SourcedRaw[] = deployed
      ? [
          {
            values: deployed.values,
            sources: Object.fromEntries(
              Object.keys(deployed.values).map((k) => [k, { kind: 'deployed', stack: deployed.stackName }]),
            ),
          },
        ]
      : [];
    if (deployed) {
      io.notify({
        level: 'info',
        code: 'SN_DEPLOYED_DEFAULTS',
        text: `Using the settings deployed in ${deployed.stackName} as defaults.`,
      });
    }
    const layers = [
      ...deployedLayer,
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
        code: 'SN_DOCTOR_CHECK',
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
        code: 'SN_PERMISSION_SET_NOT_A_PRINCIPAL',
        text: `The permission set ${options.permissionSetName} that install creates is not among --principals (${options.principals.join(', ')}): its users will not see the product. Add it to --principals unless that is intended.`,
      });
    }

    options = await resolveOuNames(options, management);

    let idcHomeRegion = options.idcRegion;
    if (options.principalType === 'identity-center' && !idcHomeRegion && management) {
      const found = await findIdentityCenterHomeRegion(
        async (region) => await management.inRegion(region).ssoAdmin(),
        identityCenterCandidateRegions(hub.region, hubCaller.partition),
      );
      idcHomeRegion = found?.region;
    }
    idcHomeRegion ??= hub.region;

    const steps = planInstall({
      options,
      hubRegion: hub.region,
      idcHomeRegion,
      haveManagementCredentials: Boolean(management),
      selected,
    });
    io.notify({
      level: 'info',
      code: 'SN_PLAN',
      text: planText(steps, hubCaller.accountId, managementCaller?.accountId),
    });
    if (typeof opts.saveConfig === 'string') {
      writeFileSync(
        opts.saveConfig,
        configToYaml(options, { ...(conn.region ? {} : { region: hub.region }), ...conn }),
      );
      io.notify({ level: 'info', code: 'SN_CONFIG_SAVED', text: `Saved the answers to ${opts.saveConfig}.` });
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
      color: colorEnabled(globals.color !== false) && !globals.json,
      pollIntervalMs: pollIntervalFromEnv(),
      shares: [],
      stacks: [],
    };
    const outcomes = await runSteps(steps, (step) => STEP_RUNNERS[step.id](state, step), {
      io,
      signal: ctx.signal,
      resumeText: (done) =>
        `Completed before the failure: ${done.length ? done.join(', ') : 'nothing'}. Fix the cause and run the same command again: finished steps report no changes.`,
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
    hub.destroy();
    management?.destroy();
  }
}
