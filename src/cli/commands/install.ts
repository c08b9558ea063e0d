// `secnotify install`: flags + config + deployed values + answers → validated options → a plan of steps,
// each in the account and region it needs → change sets shown and confirmed → progress → one result.
import { writeFileSync } from 'node:fs';
import { type AwsContext, createAwsContext } from '../../aws/clients.js';
import { deployedSettings } from '../../aws/deployed-settings.js';
import { describeOrganization } from '../../aws/organization.js';
import { configToYaml } from '../../core/config.js';
import { UsageError } from '../../core/errors.js';
import { MSG } from '../../core/messages.js';
import { resolveOptions, type SourcedRaw } from '../../core/options.js';
import { parseSteps, planInstall } from '../../core/plan.js';
import { runInstall } from '../../ops/install/index.js';
import { identityCenterHomeRegion, preflight } from '../../ops/install/preflight.js';
import { type CommandContext, gatherOptions } from '../context.js';
import { askOpenQuestions, QUESTIONS } from '../install/questions.js';
import { resolveOuNames } from '../install/resolve-ous.js';
import { installResult, planText } from '../install/summary.js';
import { formatChangeTable } from '../io/stack-progress.js';

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
        code: MSG.DEPLOYED_DEFAULTS.code,
        text: `Using the settings deployed in ${deployed.stackName} as defaults.`,
      });
    }
    const layers = [
      ...deployedLayer,
      ...(first.layers.config ? [first.layers.config] : []),
      first.layers.flags,
    ];
    const answers = await askOpenQuestions(io, layers, globals.yes);
    const options = resolveOptions(...layers, answers);

    // The pre-flight checks: a blocking failure (no organization, failed stacks, wrong Identity Center
    // region, …) stops here, before any change; warnings are shown and the install goes on.
    await preflight(io, { hub, ...(management ? { management } : {}) }, options);

    const resolved = await resolveOuNames(options, management);

    const idcHomeRegion = await identityCenterHomeRegion(options, {
      hub,
      hubCaller,
      ...(management ? { management } : {}),
    });

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
    if (typeof opts.saveConfig === 'string') {
      writeFileSync(
        opts.saveConfig,
        configToYaml(options, { ...(conn.region ? {} : { region: hub.region }), ...conn }),
      );
      io.notify({
        level: 'info',
        code: MSG.CONFIG_SAVED.code,
        text: `Saved the answers to ${opts.saveConfig}.`,
      });
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
        view: { changeTable: (changes) => formatChangeTable(changes, { color: io.color }) },
      },
      { io, signal: ctx.signal },
    );
    const { data, text } = installResult(result, {
      hubAccountId: hubCaller.accountId,
      managementAccountId: managementCaller?.accountId,
      region: hub.region,
      dryRun,
    });
    io.result(data, text);
  } finally {
    hub.destroy();
    management?.destroy();
  }
}
