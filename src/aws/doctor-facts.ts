// Gathers what `secnotify doctor` judges: each lookup is its own fact, so that one refused call (access
// denied, an emulator without the API) becomes a "could not check" instead of ending the run. Never prints.
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  type AccountFacts,
  type DoctorFacts,
  type DoctorReport,
  type DoctorSettings,
  evaluateDoctor,
  type Fact,
  type FactError,
  type OrganizationFacts,
  type StackFact,
} from '../core/doctor.js';
import { SecnotifyError } from '../core/errors.js';
import type { StackNames } from '../core/options.js';
import { awsErrorName, awsFailure, errorMessage, isStackNotFoundError } from './aws-errors.js';
import type { AwsContext } from './clients.js';
import {
  findIdentityCenterHomeRegion,
  findIdentityCenterInstance,
  identityCenterCandidateRegions,
} from './identity-center.js';
import {
  describeOrganization,
  isDelegatedAdmin,
  SERVICE_CATALOG_PRINCIPAL,
  serviceCatalogOrgAccessStatus,
  stackSetsTrustedAccess,
} from './organization.js';
import { describeHub, describeHubV2, findingAggregation } from './security-hub.js';

/** A context, or why it could not be created (no region, a bad profile, …). */
export type ContextOrError = AwsContext | { error: unknown };

export interface DoctorContexts {
  hub: ContextOrError;
  /** The management account's credentials (--management-profile), when given. */
  management?: ContextOrError;
}

export function factError(error: unknown): FactError {
  // A translated AWS error keeps the service's error name on its cause (AccessDeniedException, …).
  const causeName = awsErrorName(error instanceof Error ? error.cause : undefined);
  const serviceName = causeName && !/^(Error|SyntaxError|TypeError)$/.test(causeName) ? causeName : undefined;
  const name = serviceName ?? awsErrorName(error) ?? 'Error';
  return {
    name,
    message: errorMessage(error),
    ...(error instanceof SecnotifyError && error.hint ? { hint: error.hint } : {}),
  };
}

async function fact<T>(lookup: () => Promise<T>): Promise<Fact<T>> {
  try {
    return { value: await lookup() };
  } catch (error) {
    return { error: factError(error) };
  }
}

function isContext(c: ContextOrError | undefined): c is AwsContext {
  return c !== undefined && !('error' in c);
}

async function accountFacts(ctx: ContextOrError): Promise<Fact<AccountFacts>> {
  if (!isContext(ctx)) return { error: factError(ctx.error) };
  return fact(async () => {
    const id = await ctx.callerIdentity();
    return { accountId: id.accountId, arn: id.arn, partition: id.partition, region: ctx.region };
  });
}

async function stackStatus(
  ctx: AwsContext,
  name: string,
): Promise<{ status: string; reason?: string } | null> {
  const cfn = await ctx.cloudformation();
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    const stack = out.Stacks?.[0];
    if (!stack?.StackStatus) return null;
    return {
      status: stack.StackStatus,
      ...(stack.StackStatusReason ? { reason: stack.StackStatusReason } : {}),
    };
  } catch (error) {
    if (isStackNotFoundError(error)) return null;
    throw awsFailure(error, 'cloudformation:DescribeStacks');
  }
}

async function stackFact(
  ctx: AwsContext,
  role: keyof StackNames,
  names: StackNames,
  account: 'hub' | 'management',
): Promise<StackFact> {
  return {
    role,
    name: names[role],
    account,
    region: ctx.region,
    status: await fact(() => stackStatus(ctx, names[role])),
  };
}

/** Every fact the checks need; lookups that do not depend on each other run at the same time. */
export async function gatherDoctorFacts(
  contexts: DoctorContexts,
  settings: DoctorSettings,
): Promise<DoctorFacts> {
  const [hubFact, managementFact] = await Promise.all([
    accountFacts(contexts.hub),
    contexts.management ? accountFacts(contexts.management) : Promise.resolve(undefined),
  ]);
  const facts: DoctorFacts = { hub: hubFact, ...(managementFact ? { management: managementFact } : {}) };
  if (!('value' in hubFact) || !isContext(contexts.hub)) return facts;
  const hubCtx = contexts.hub;
  const hub = hubFact.value;

  const securityHub = hubCtx.securityHub();
  const [organization, cspm, v2, aggregation, bucket, portfolio] = await Promise.all([
    fact<OrganizationFacts | null>(async () => {
      const info = await describeOrganization(await hubCtx.organizations());
      return info
        ? { id: info.id, managementAccountId: info.managementAccountId, featureSet: info.featureSet }
        : null;
    }),
    fact(async () => describeHub(await securityHub)),
    fact(async () => describeHubV2(await securityHub)),
    fact(async () => findingAggregation(await securityHub)),
    stackFact(hubCtx, 'bucket', settings.stackNames, 'hub'),
    stackFact(hubCtx, 'portfolio', settings.stackNames, 'hub'),
  ]);
  Object.assign(facts, { organization, securityHub: cspm, securityHubV2: v2, aggregation });
  facts.stacks = [bucket, portfolio];

  const org = 'value' in organization ? organization.value : undefined;
  const hubIsManagement = org ? org.managementAccountId === hub.accountId : false;
  // Organization-level questions go to the management account: its own credentials when given and working,
  // else the hub's when the hub is (wrongly) the management account itself.
  const management: AwsContext | undefined =
    managementFact && 'value' in managementFact && isContext(contexts.management)
      ? contexts.management
      : hubIsManagement
        ? hubCtx
        : undefined;
  const orgAsker = management ?? hubCtx;
  const askedBy = management ? 'management' : 'hub';

  const pending: Promise<unknown>[] = [];
  if (org) {
    pending.push(
      fact(async () => ({
        status: await serviceCatalogOrgAccessStatus(await orgAsker.serviceCatalog()),
        askedBy,
      })).then((f) => {
        facts.serviceCatalogAccess = f as DoctorFacts['serviceCatalogAccess'];
      }),
    );
    if (management && !hubIsManagement) {
      pending.push(
        fact(async () =>
          isDelegatedAdmin(await management.organizations(), hub.accountId, SERVICE_CATALOG_PRINCIPAL),
        ).then((f) => {
          facts.hubIsDelegatedAdmin = f;
        }),
      );
    }
    if (management && settings.launchRole) {
      pending.push(
        fact(async () => stackSetsTrustedAccess(await management.cloudformation(), 'SELF')).then((f) => {
          facts.stackSetsAccess = f;
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
      fact(async () => {
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
                  identityStoreId: location.instance.identityStoreId,
                  homeRegion: location.instance.homeRegion ?? location.region,
                },
              }
            : {}),
        } as const;
      }).then((f) => {
        facts.identityCenter = f;
      }),
    );
  }
  await Promise.all(pending);

  if (management) {
    const managementStacks: Promise<StackFact>[] = [];
    if (settings.launchRole) {
      // The StackSet's own stack lives in the hub region of the management account.
      managementStacks.push(stackFact(management, 'launchRoleStackSet', settings.stackNames, 'management'));
    }
    if (settings.principalType === 'identity-center') {
      const idcCtx = management.inRegion(idcHome ?? hubCtx.region);
      managementStacks.push(stackFact(idcCtx, 'permissionSet', settings.stackNames, 'management'));
    }
    facts.stacks.push(...(await Promise.all(managementStacks)));
  }
  return facts;
}

/** Gathers the facts and judges them: what `doctor` prints and what `install` checks before it starts. */
export async function diagnose(contexts: DoctorContexts, settings: DoctorSettings): Promise<DoctorReport> {
  return evaluateDoctor(await gatherDoctorFacts(contexts, settings), settings);
}
