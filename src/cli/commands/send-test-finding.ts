// `secnotify send-test-finding`: imports one clearly labelled synthetic finding into Security Hub in the
// current account and region, so that a subscriber sees an email arrive; `--archive ID` resolves and
// archives it again (which also exercises "notify when resolved").
import { randomUUID } from 'node:crypto';
import { OperationError, UsageError } from '../../core/errors.js';
import {
  type AccountTarget,
  archiveCommand,
  buildArchiveImport,
  buildResolveUpdate,
  buildTestFinding,
  defaultProductArn,
  isTestFindingId,
  parseResourceTags,
  parseSeverity,
  type SubscriptionVerdict,
  subscriptionVerdict,
  TEST_FINDING_GENERATOR_ID,
  TEST_FINDING_ID_PREFIX,
  type TestFindingRequest,
  testFindingTitle,
} from '../../core/test-finding.js';
import type { SendTestFindingFlags } from '../command-options.js';
import { type CommandContext, gatherOptions } from '../context.js';
import { cliCommand } from '../io/command-name.js';

/** The subscriptions here and whether each will email the finding; undefined when they cannot be listed. */
async function verdicts(
  aws: import('../../aws/clients.js').AwsContext,
  finding: Parameters<typeof subscriptionVerdict>[1],
): Promise<{ verdicts?: SubscriptionVerdict[]; why?: string }> {
  const { listSubscriptionStacks } = await import('../../aws/subscriptions.js');
  try {
    const stacks = await listSubscriptionStacks(await aws.cloudformation(), finding.accountId);
    return { verdicts: stacks.map((stack) => subscriptionVerdict(stack, finding)) };
  } catch (error) {
    // Listing is a courtesy: the finding is imported either way.
    return { why: (error as Error).message.split('\n')[0] };
  }
}

function verdictLines(list: SubscriptionVerdict[] | undefined, why: string | undefined): string[] {
  if (list === undefined) {
    return [
      `Could not list the subscriptions here (${why}); subscribers in this account and Region whose filters match get an email within a minute or two.`,
    ];
  }
  if (list.length === 0) {
    return [
      'No subscription (SC- stack of the secnotify product) in this account and Region: nobody here gets an email.',
    ];
  }
  const receiving = list.filter((v) => v.receives).length;
  return [
    `Subscriptions in this account and Region: ${receiving} of ${list.length} will email it within a minute or two:`,
    ...list.map(
      (v) =>
        `  ${v.receives ? 'yes' : 'no '}  ${v.stackName}${v.emails ? ` (${v.emails})` : ''}: ${v.reason}`,
    ),
  ];
}

/** Every flag is checked before any AWS call (exit 2 on a bad one). */
function validate(flags: SendTestFindingFlags): { archive: string } | { request: TestFindingRequest } {
  const tags = flags.resourceTag ?? [];
  if (flags.archive !== undefined) {
    const given = [
      flags.severity !== undefined && '--severity',
      tags.length > 0 && '--resource-tag',
      flags.title !== undefined && '--title',
    ].filter(Boolean);
    if (given.length > 0) {
      throw new UsageError(`--archive takes no other finding options (got ${given.join(', ')}).`, {
        field: '--archive',
      });
    }
    const id = flags.archive.trim();
    if (!isTestFindingId(id)) {
      throw new UsageError(
        `--archive: ${JSON.stringify(flags.archive)} is not a test finding ID; only findings this command created (IDs starting with ${TEST_FINDING_ID_PREFIX}) are archived.`,
        { field: '--archive' },
      );
    }
    return { archive: id };
  }
  const request: TestFindingRequest = {
    severity: parseSeverity(flags.severity ?? 'HIGH'),
    resourceTags: parseResourceTags(tags),
    ...(flags.title !== undefined ? { title: flags.title } : {}),
  };
  testFindingTitle(request.title);
  return { request };
}

export async function run(ctx: CommandContext, flags: SendTestFindingFlags): Promise<void> {
  const job = validate(flags);
  const { openAccounts } = await import('../../aws/accounts.js');
  const securityHub = await import('../../aws/security-hub.js');
  // Where to act: flags, else the config file's profile, region and endpoint. Only the hub account is used.
  const { connection } = gatherOptions(ctx, {});
  const accounts = await openAccounts({
    ...connection,
    managementProfile: undefined,
    managementRoleArn: undefined,
  });
  const aws = accounts.hub;
  try {
    const identity = await aws.callerIdentity();
    const target: AccountTarget = {
      partition: identity.partition,
      region: aws.region,
      accountId: identity.accountId,
    };
    const client = await aws.securityHub();
    const hub = await securityHub.describeHub(client);
    if (!hub) {
      throw new OperationError(
        `Security Hub CSPM is not enabled in ${target.region} for account ${target.accountId}; there is nowhere to import the test finding.`,
        { hint: `Enable it: ${securityHub.enableSecurityHubRemedy(target.region)}` },
      );
    }

    if ('archive' in job) {
      const productArn = defaultProductArn(target);
      const existing = await securityHub.getFinding(client, job.archive, productArn);
      if (!existing || existing.GeneratorId !== TEST_FINDING_GENERATOR_ID) {
        throw new OperationError(
          `No test finding ${job.archive} in account ${target.accountId}, ${target.region} (product ${productArn}).`,
          { hint: 'Use the account (--profile) and region (--region) the finding was sent to.' },
        );
      }
      // Workflow is the customer's field (BatchUpdateFindings); RecordState is the provider's (BatchImportFindings).
      await securityHub.updateFindings(client, buildResolveUpdate(existing));
      await securityHub.importFindings(client, [buildArchiveImport(existing, new Date())]);
      ctx.io.result(
        {
          findingId: existing.Id,
          productArn,
          accountId: target.accountId,
          region: target.region,
          workflowStatus: 'RESOLVED',
          recordState: 'ARCHIVED',
        },
        [
          `Resolved and archived test finding ${existing.Id} in account ${target.accountId}, ${target.region}.`,
          'Subscribers who chose "notify when resolved" and whose filter matched the finding get a RESOLVED email.',
        ].join('\n'),
      );
      return;
    }

    const command = cliCommand();
    const finding = buildTestFinding(job.request, target, { uuid: randomUUID(), now: new Date(), command });
    await securityHub.importFindings(client, [finding]);
    const tags = Object.entries(job.request.resourceTags).map(([k, v]) => `${k}=${v}`);
    const archive = archiveCommand(finding.Id, target.region, command);
    const seen = await verdicts(aws, {
      accountId: target.accountId,
      severity: finding.Severity.Label,
      resourceTags: job.request.resourceTags,
    });
    ctx.io.result(
      {
        findingId: finding.Id,
        productArn: finding.ProductArn,
        accountId: target.accountId,
        region: target.region,
        severity: finding.Severity.Label,
        title: finding.Title,
        resourceTags: job.request.resourceTags,
        archiveCommand: archive,
        subscriptions: seen.verdicts ?? null,
      },
      [
        `Imported test finding ${finding.Id}`,
        `  into Security Hub in account ${target.accountId}, ${target.region}`,
        `  severity ${finding.Severity.Label}, title "${finding.Title}"${tags.length ? `, resource tags ${tags.join(', ')}` : ''}.`,
        ...verdictLines(seen.verdicts, seen.why),
        `Archive it again with: ${archive}`,
      ].join('\n'),
    );
  } finally {
    accounts.close();
  }
}
