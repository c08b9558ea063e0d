// One "account context" per set of credentials: the region and credentials are resolved the AWS way once,
// and each SDK client is created (and its package imported) only when a step first needs it, so that
// `secnotify --help` never loads the SDK.
import type { CloudFormationClient, CloudFormationClientConfig } from '@aws-sdk/client-cloudformation';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { STSClient } from '@aws-sdk/client-sts';
import { UsageError } from '../core/errors.js';
import { translateAwsError } from './aws-errors.js';
import { reportAwsRequest } from './request-log.js';

/** Static credentials or a provider, as any SDK v3 client accepts them. */
export type AwsCredentials = NonNullable<CloudFormationClientConfig['credentials']>;

export interface AwsTarget {
  /** Named profile from ~/.aws/config; undefined means the default chain (which honours AWS_PROFILE). */
  profile?: string;
  region?: string;
  /** Custom endpoint for emulators; AWS_ENDPOINT_URL is read by the SDK itself when this is unset. */
  endpointUrl?: string;
  /** Role assumed with STS on top of the profile's (or default chain's) credentials. */
  roleArn?: string;
  /** Explicit credentials; they take precedence over the profile. Meant for tests and embedding. */
  credentials?: AwsCredentials;
  /** Which flags name this target in messages, e.g. `--management-profile`; default `--profile`/`--region`. */
  flags?: { profile?: string; region?: string };
}

export interface CallerIdentity {
  accountId: string;
  arn: string;
  /** `aws`, `aws-us-gov`, `aws-cn`, … taken from the caller's ARN. */
  partition: string;
}

export interface AwsContext {
  readonly region: string;
  readonly target: AwsTarget;
  cloudformation(): Promise<CloudFormationClient>;
  s3(): Promise<S3Client>;
  serviceCatalog(): Promise<ServiceCatalogClient>;
  /** IAM is global: the SDK's endpoint rules pick the partition's IAM endpoint from the region. */
  iam(): Promise<IAMClient>;
  organizations(): Promise<OrganizationsClient>;
  ssoAdmin(): Promise<SSOAdminClient>;
  sts(): Promise<STSClient>;
  sns(): Promise<SNSClient>;
  securityHub(): Promise<SecurityHubClient>;
  /** The same context's credentials in another region (clients share the credential cache). */
  inRegion(region: string): AwsContext;
  /** sts GetCallerIdentity, asked once per context. */
  callerIdentity(): Promise<CallerIdentity>;
  /** Closes the HTTP agents of every client created so far. */
  destroy(): void;
}

/**
 * Throttling (and other transient errors) are retried by the SDK's standard retry strategy with
 * exponential backoff and jitter; CloudFormation's DescribeStackEvents polling is what usually trips it.
 */
export const AWS_MAX_ATTEMPTS = 8;

/** AWS_MAX_ATTEMPTS from the environment (the SDK's own setting name) when it is a positive integer. */
export function maxAttempts(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.AWS_MAX_ATTEMPTS);
  return Number.isInteger(n) && n > 0 ? n : AWS_MAX_ATTEMPTS;
}

/** The shared part of every client's configuration. */
export interface BaseClientConfig {
  region: string;
  credentials: AwsCredentials;
  endpoint?: string;
  maxAttempts: number;
  retryMode: 'standard';
}

type Destroyable = { destroy(): void };

/** What the middlewares below share through the SDK's per-call handler context. */
interface CallContext {
  commandName?: string;
  /** scheme://host[:port] of the last attempt, for "cannot reach AWS at …". */
  secnotifyEndpoint?: string;
  secnotifyAttempts?: number;
}

type Middleware = (
  next: (args: unknown) => Promise<unknown>,
  context: CallContext,
) => (args: unknown) => Promise<unknown>;

/** The slice of a client's middleware stack used to translate its errors and log its requests. */
interface Translatable {
  middlewareStack: {
    add(
      middleware: Middleware,
      options: { step: 'initialize' | 'finalizeRequest'; name: string; priority: 'high' | 'low' },
    ): void;
  };
}

/**
 * Every call's failure (after the SDK's retries, since this wraps the whole stack) comes out as the
 * project's typed error when the user can act on it, naming the action, the profile and the endpoint.
 */
function translateErrorsOf(client: Translatable, service: string, profile: string | undefined): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const operation = (context.commandName ?? '').replace(/Command$/, '');
        throw translateAwsError(error, {
          action: `${service}:${operation}`,
          profile,
          endpoint: context.secnotifyEndpoint,
        });
      }
    },
    { step: 'initialize', name: 'secnotifyErrorTranslation', priority: 'high' },
  );
}

/**
 * Per attempt (finalizeRequest, low priority: inside the retry loop and after signing): remembers the
 * endpoint for error messages and reports service, operation, Region, status and duration to the
 * request observer (--debug). Reads only the request's scheme, host and port, never headers or bodies.
 */
function observeRequestsOf(client: Translatable, service: string, region: string): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = (args as { request?: { protocol?: string; hostname?: string; port?: number } }).request;
      const endpoint = request?.hostname
        ? `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`
        : '';
      context.secnotifyEndpoint = endpoint;
      context.secnotifyAttempts = (context.secnotifyAttempts ?? 0) + 1;
      const started = Date.now();
      const record = {
        service,
        operation: (context.commandName ?? '').replace(/Command$/, ''),
        region,
        endpoint,
        attempt: context.secnotifyAttempts,
      };
      try {
        const result = await next(args);
        const status = (result as { response?: { statusCode?: number } }).response?.statusCode;
        reportAwsRequest({ ...record, status, ms: Date.now() - started });
        return result;
      } catch (error) {
        const e = error as {
          $metadata?: { httpStatusCode?: number };
          $response?: { statusCode?: number };
          code?: string;
          name?: string;
        };
        const status = e.$response?.statusCode ?? e.$metadata?.httpStatusCode;
        reportAwsRequest({ ...record, status, failure: e.code ?? e.name, ms: Date.now() - started });
        throw error;
      }
    },
    { step: 'finalizeRequest', name: 'secnotifyRequestLog', priority: 'low' },
  );
}

/**
 * Resolves the region: target.region → AWS_REGION / AWS_DEFAULT_REGION → the profile's `region` in the
 * shared config files (through the SDK's own config loader). Throws a UsageError naming the flag.
 */
export async function resolveRegion(
  target: AwsTarget,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const explicit = target.region?.trim() || env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
  const region = explicit || (await regionFromProfile(target.profile));
  const flag = target.flags?.region ?? '--region';
  if (!region) {
    const where = target.profile ? `profile "${target.profile}" has no region, and ` : '';
    throw new UsageError(`No AWS region: ${where}neither ${flag} nor AWS_REGION is set.`, {
      field: flag,
      hint: `Pass ${flag} <region> (for example ${flag} eu-west-1) or set AWS_REGION.`,
    });
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new UsageError(`${flag}: "${region}" is not an AWS region name (expected the form eu-west-1).`, {
      field: flag,
    });
  }
  await assertKnownRegion(region, flag);
  return region;
}

/**
 * A well-formed name that is no Region of any partition the SDK knows (`eu-centrl-1`) would only fail at
 * the first request, as a DNS error; refused here instead, before any call. The SDK's partition data lists
 * every Region with its description; a name it only matches by pattern has none.
 */
async function assertKnownRegion(region: string, flag: string): Promise<void> {
  const { partition } = await import('@aws-sdk/core/client');
  if ((partition(region) as { description?: string }).description !== undefined) return;
  throw new UsageError(`${flag}: "${region}" is not an AWS Region this version knows (e.g. eu-central-1).`, {
    field: flag,
    hint: "Check the spelling: `aws account list-regions` or the console's Region menu lists them. A Region newer than this secnotify needs a newer release.",
  });
}

async function regionFromProfile(profile: string | undefined): Promise<string | undefined> {
  // The STS client's region provider is the SDK's loadConfig over the shared config files for this profile
  // (or AWS_PROFILE/default), so profile resolution stays exactly the SDK's.
  const { STSClient } = await import('@aws-sdk/client-sts');
  const probe = new STSClient({ profile });
  try {
    return await probe.config.region();
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}

function validateEndpoint(endpointUrl: string | undefined): string | undefined {
  if (endpointUrl === undefined || endpointUrl === '') return undefined;
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    throw new UsageError(`--endpoint-url "${endpointUrl}" is not a URL.`, { field: '--endpoint-url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--endpoint-url must be an http(s) URL, got "${endpointUrl}".`, {
      field: '--endpoint-url',
    });
  }
  return endpointUrl;
}

async function resolveCredentials(
  target: AwsTarget,
  region: string,
  endpoint: string | undefined,
): Promise<AwsCredentials> {
  const providers = await import('@aws-sdk/credential-providers');
  // An explicit profile must win over AWS_ACCESS_KEY_ID in the environment, which the default chain reads
  // first; fromIni follows the profile's sso_session, credential_process and source_profile settings.
  const base =
    target.credentials ??
    (target.profile ? providers.fromIni({ profile: target.profile }) : providers.fromNodeProviderChain());
  if (!target.roleArn) return base;
  return providers.fromTemporaryCredentials({
    masterCredentials: base,
    params: { RoleArn: target.roleArn, RoleSessionName: 'secnotify', DurationSeconds: 3600 },
    clientConfig: { region, ...(endpoint ? { endpoint } : {}), maxAttempts: maxAttempts() },
  });
}

/** Whether a custom S3 endpoint is in effect, which needs path-style addressing (no bucket subdomains). */
function customS3Endpoint(endpoint: string | undefined, env: NodeJS.ProcessEnv): boolean {
  return Boolean(endpoint || env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3);
}

/**
 * Creates the context. Region and endpoint are validated here (UsageError before any AWS call);
 * credentials are resolved lazily by the SDK on the first request.
 */
export async function createAwsContext(
  target: AwsTarget,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AwsContext> {
  if (!target.credentials && (target.profile || env.AWS_PROFILE)) {
    const { assertProfileExists } = await import('./profiles.js');
    if (target.profile) await assertProfileExists(target.profile, target.flags?.profile ?? '--profile');
    else await assertProfileExists(env.AWS_PROFILE as string, 'AWS_PROFILE');
  }
  const region = await resolveRegion(target, env);
  const endpoint = validateEndpoint(target.endpointUrl);
  const credentials = await resolveCredentials(target, region, endpoint);
  return buildContext(target, region, endpoint, credentials, env);
}

function buildContext(
  target: AwsTarget,
  region: string,
  endpoint: string | undefined,
  credentials: AwsCredentials,
  env: NodeJS.ProcessEnv,
): AwsContext {
  const base: BaseClientConfig = {
    region,
    credentials,
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: maxAttempts(env),
    retryMode: 'standard',
  };
  const clients = new Map<string, Promise<Destroyable>>();
  const created: Destroyable[] = [];

  function lazy<T extends Destroyable>(name: string, make: () => Promise<T>): () => Promise<T> {
    return () => {
      let client = clients.get(name);
      if (!client) {
        client = make().then((c) => {
          translateErrorsOf(c as unknown as Translatable, name, target.profile);
          observeRequestsOf(c as unknown as Translatable, name, region);
          created.push(c);
          return c;
        });
        clients.set(name, client);
      }
      return client as Promise<T>;
    };
  }

  let identity: Promise<CallerIdentity> | undefined;
  const context: AwsContext = {
    region,
    target,
    cloudformation: lazy('cloudformation', async () => {
      const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
      return new CloudFormationClient(base);
    }),
    s3: lazy('s3', async () => {
      const { S3Client } = await import('@aws-sdk/client-s3');
      return new S3Client({ ...base, forcePathStyle: customS3Endpoint(endpoint, env) });
    }),
    serviceCatalog: lazy('servicecatalog', async () => {
      const { ServiceCatalogClient } = await import('@aws-sdk/client-service-catalog');
      return new ServiceCatalogClient(base);
    }),
    iam: lazy('iam', async () => {
      const { IAMClient } = await import('@aws-sdk/client-iam');
      return new IAMClient(base);
    }),
    organizations: lazy('organizations', async () => {
      const { OrganizationsClient } = await import('@aws-sdk/client-organizations');
      return new OrganizationsClient(base);
    }),
    ssoAdmin: lazy('sso', async () => {
      const { SSOAdminClient } = await import('@aws-sdk/client-sso-admin');
      return new SSOAdminClient(base);
    }),
    sts: lazy('sts', async () => {
      const { STSClient } = await import('@aws-sdk/client-sts');
      return new STSClient(base);
    }),
    sns: lazy('sns', async () => {
      const { SNSClient } = await import('@aws-sdk/client-sns');
      return new SNSClient(base);
    }),
    securityHub: lazy('securityhub', async () => {
      const { SecurityHubClient } = await import('@aws-sdk/client-securityhub');
      return new SecurityHubClient(base);
    }),
    inRegion(other: string) {
      if (other === region) return context;
      return buildContext({ ...target, region: other }, other, endpoint, credentials, env);
    },
    callerIdentity() {
      identity ??= (async () => {
        const sts = await context.sts();
        const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
        try {
          const out = await sts.send(new GetCallerIdentityCommand({}));
          const arn = out.Arn ?? '';
          return { accountId: out.Account ?? '', arn, partition: arn.split(':')[1] || 'aws' };
        } catch (error) {
          throw translateAwsError(error, { action: 'sts:GetCallerIdentity', profile: target.profile });
        }
      })();
      // A failed lookup (expired credentials) must not be cached for the next attempt.
      void identity.catch(() => {
        identity = undefined;
      });
      return identity;
    },
    destroy() {
      for (const client of created.splice(0)) client.destroy();
      clients.clear();
    },
  };
  return context;
}
