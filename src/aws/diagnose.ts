// Gathers what `secnotify doctor` judges (and `install` checks before it changes anything): the credentials,
// the organization and its setup, Security Hub, Identity Center and the installation's stacks. Each lookup is
// its own fact (src/core/facts.ts), so one refused call becomes "could not check". Never prints.

import type { LaunchCoverageFacts } from '../core/doctor/model.js';
import {
  type AccountFacts,
  type DoctorFacts,
  type DoctorReport,
  type DoctorSettings,
  type DoctorStack,
  evaluateDoctor,
  type OrganizationFacts,
} from '../core/doctor.js';
import { type Fact, fact, isPresent, valueIfKnown } from '../core/facts.js';
import type { StackNames } from '../core/options.js';
import type { AwsContext } from './clients.js';
import {
  findIdentityCenterHomeRegion,
  findIdentityCenterInstance,
  identityCenterCandidateRegions,
} from './identity-center.js';
import { factError, lookUp, lookUpStack } from './installation.js';
import {
  describeOrganization,
  isDelegatedAdmin,
  resolveOus,
  SERVICE_CATALOG_PRINCIPAL,
  serviceCatalogOrgAccessStatus,
  stackSetsTrustedAccess,
} from './organization.js';
import { readOrganizationTree } from './organization-tree.js';
import { describeHub, describeHubV2, findingAggregation } from './security-hub.js';

/** A context, or why it could not be created (no region, a bad profile, …). */
export type ContextOrError = AwsContext | { error: unknown };

export interface DoctorContexts {
  hub: ContextOrError;
  /** The management account's credentials (--management-profile), when given. */
  management?: ContextOrError;
}

function isContext(c: ContextOrError | undefined): c is AwsContext {
  return c !== undefined && !('error' in c);
}

async function accountFacts(ctx: ContextOrError): Promise<Fact<AccountFacts>> {
  if (!isContext(ctx)) return fact.unknown(factError(ctx.error));
  return lookUp(async () => {
    const id = await ctx.callerIdentity();
    return { accountId: id.accountId, arn: id.arn, partition: id.partition, region: ctx.region };
  });
}

async function doctorStack(
  ctx: AwsContext,
  role: keyof StackNames,
  names: StackNames,
  account: 'hub' | 'management',
): Promise<DoctorStack> {
  const stackName = names[role];
  return { role, account, stackName, region: ctx.region, stack: await lookUpStack(ctx, stackName) };
}

/** Every fact the doctor's checks need; lookups that do not depend on each other run at the same time. */
export async function gatherDoctorFacts(
  contexts: DoctorContexts,
  settings: DoctorSettings,
): Promise<DoctorFacts> {
  const [hubFact, managementFact] = await Promise.all([
    accountFacts(contexts.hub),
    contexts.management ? accountFacts(contexts.management) : Promise.resolve(undefined),
  ]);
  const facts: DoctorFacts = { hub: hubFact, ...(managementFact ? { management: managementFact } : {}) };
  if (!isPresent(hubFact) || !isContext(contexts.hub)) return facts;
  const hubCtx = contexts.hub;
  const hub = hubFact.value;

  const securityHub = hubCtx.securityHub();
  const [organization, cspm, v2, aggregation, bucket, portfolio] = await Promise.all([
    lookUp<OrganizationFacts>(async () => {
      const info = await describeOrganization(await hubCtx.organizations());
      return info
        ? { id: info.id, managementAccountId: info.managementAccountId, featureSet: info.featureSet }
        : undefined;
    }),
    lookUp(async () => describeHub(await securityHub)),
    lookUp(async () => describeHubV2(await securityHub)),
    lookUp(async () => findingAggregation(await securityHub)),
    doctorStack(hubCtx, 'bucket', settings.stackNames, 'hub'),
    doctorStack(hubCtx, 'portfolio', settings.stackNames, 'hub'),
  ]);
  Object.assign(facts, { organization, securityHub: cspm, securityHubV2: v2, aggregation });
  facts.stacks = [bucket, portfolio];

  const org = valueIfKnown(organization);
  const hubIsManagement = org ? org.managementAccountId === hub.accountId : false;
  // Organization-level questions go to the management account: its own credentials when given and working,
  // else the hub's when the hub is (wrongly) the management account itself.
  const management: AwsContext | undefined =
    isPresent(managementFact) && isContext(contexts.management)
      ? contexts.management
      : hubIsManagement
        ? hubCtx
        : undefined;
  const orgAsker = management ?? hubCtx;
  const askedBy = management ? ('management' as const) : ('hub' as const);

  const pending: Promise<unknown>[] = [];
  if (org) {
    pending.push(
      lookUp(async () => ({
        status: await serviceCatalogOrgAccessStatus(await orgAsker.serviceCatalog()),
        askedBy,
      })).then((f) => {
        facts.serviceCatalogAccess = f;
      }),
    );
    if (management && !hubIsManagement) {
      pending.push(
        lookUp(async () =>
          isDelegatedAdmin(await management.organizations(), hub.accountId, SERVICE_CATALOG_PRINCIPAL),
        ).then((f) => {
          facts.hubIsDelegatedAdmin = f;
        }),
      );
    }
    if (management && settings.launchRole) {
      pending.push(
        lookUp(async () => stackSetsTrustedAccess(await management.cloudformation(), 'SELF')).then((f) => {
          facts.stackSetsAccess = f;
        }),
      );
    }
    const { share, stacksetTargets } = settings;
    if (management && settings.launchRole && share && share.length > 0 && stacksetTargets) {
      // Which accounts the shares reach and the StackSet covers: the organization tree, read with the
      // management credentials (only they may list every OU and account), OU names resolved in it.
      pending.push(
        lookUp<LaunchCoverageFacts>(async () => {
          const orgClient = await management.organizations();
          const shareNames = share.flatMap((t) => (t.kind === 'ou-path' ? [t.path] : []));
          const targetNames = stacksetTargets.filter((t) => t !== 'root' && !/^(ou|r)-/.test(t));
          const resolve = (names: string[], field: string) =>
            names.length > 0 ? resolveOus(orgClient, names, { field }) : Promise.resolve([]);
          const [tree, shareIds, targetIds] = await Promise.all([
            readOrganizationTree(orgClient),
            resolve(shareNames, '--share'),
            resolve(targetNames, '--stackset-targets'),
          ]);
          const named = [...shareNames, ...targetNames];
          const ids = [...shareIds, ...targetIds];
          return { tree, ouIds: Object.fromEntries(named.map((n, k) => [n, ids[k] as string])) };
        }).then((f) => {
          facts.launchCoverage = f;
        }),
      );
    }
  }

  let idcHome: string | undefined = settings.idcRegion;
  if (settings.principalType === 'identity-center') {
    const searched = settings.idcRegion
      ? [settings.idcRegion]
      : identityCenterCandidateRegions(hubCtx.region, hub.partition);
    pending.push(
      lookUp(async () => {
        const preferOwner = org?.managementAccountId;
        const options = preferOwner ? { preferOwner } : {};
        const location = settings.idcRegion
          ? await findIdentityCenterInstance(
              await orgAsker.inRegion(settings.idcRegion).ssoAdmin(),
              options,
            ).then((instance) => (instance ? { region: settings.idcRegion as string, instance } : undefined))
          : await findIdentityCenterHomeRegion(
              (region) => orgAsker.inRegion(region).ssoAdmin(),
              searched,
              options,
            );
        if (location) idcHome = location.instance.homeRegion ?? location.region;
        return {
          askedBy,
          searched,
          ...(location
            ? {
                instance: {
                  instanceArn: location.instance.instanceArn,
                  ...(location.instance.identityStoreId
                    ? { identityStoreId: location.instance.identityStoreId }
                    : {}),
                  homeRegion: location.instance.homeRegion ?? location.region,
                },
              }
            : {}),
        };
      }).then((f) => {
        facts.identityCenter = f;
      }),
    );
  }
  await Promise.all(pending);

  if (management) {
    const managementStacks: Promise<DoctorStack>[] = [];
    if (settings.launchRole) {
      // The StackSet's own stack lives in the hub region of the management account.
      managementStacks.push(doctorStack(management, 'launchRoleStackSet', settings.stackNames, 'management'));
    }
    if (settings.principalType === 'identity-center') {
      const idcCtx = management.inRegion(idcHome ?? hubCtx.region);
      managementStacks.push(doctorStack(idcCtx, 'permissionSet', settings.stackNames, 'management'));
    }
    facts.stacks.push(...(await Promise.all(managementStacks)));
  }
  return facts;
}

/** Gathers the facts and judges them: what `doctor` prints and what `install` checks before it starts. */
export async function diagnose(contexts: DoctorContexts, settings: DoctorSettings): Promise<DoctorReport> {
  return evaluateDoctor(await gatherDoctorFacts(contexts, settings), settings);
}
