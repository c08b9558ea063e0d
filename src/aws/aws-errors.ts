// SDK errors a user can act on become typed errors with a message that says what to do; everything else
// passes through unchanged so the caller (or the entry point's --debug output) still sees the original.
import { OperationError } from '../core/errors.js';

/** Error names (SDK v3 `error.name`, which is the service's error code) meaning the credentials are unusable. */
const CREDENTIAL_ERRORS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'CredentialsProviderError',
  'TokenProviderError',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'RequestExpired',
  'TokenRefreshRequired',
]);

const ACCESS_DENIED_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'AuthorizationErrorException',
  'UnauthorizedException',
]);

const THROTTLING_ERRORS = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'RequestLimitExceeded',
]);

export interface AwsErrorContext {
  /** The API action, `service:Operation`, named in access-denied messages. */
  action?: string;
  /** The profile the credentials came from, named in the `aws sso login` advice. */
  profile?: string;
  /** scheme://host[:port] the request went to, named when it cannot be reached. */
  endpoint?: string;
}

/** Node's codes for a request that got no answer: the name does not resolve, nobody listens, no route. */
const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);

/** The network failure code of an error that never reached AWS, if it is one. */
export function networkFailureCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; name?: unknown; cause?: { code?: unknown } };
  const code =
    typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  if (code && NETWORK_CODES.has(code)) return code;
  // The SDK's own connection/socket timeouts (NodeHttpHandler) carry the name TimeoutError.
  if (e.name === 'TimeoutError') return 'TimeoutError';
  return undefined;
}

export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const named = error as { name?: unknown; Code?: unknown };
  if (typeof named.name === 'string' && named.name !== 'Error') return named.name;
  return typeof named.Code === 'string' ? named.Code : undefined;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isAwsErrorNamed(error: unknown, ...names: string[]): boolean {
  const name = awsErrorName(error);
  return name !== undefined && names.includes(name);
}

export function isCredentialsError(error: unknown): boolean {
  const name = awsErrorName(error);
  return name !== undefined && CREDENTIAL_ERRORS.has(name);
}

export function isAccessDeniedError(error: unknown): boolean {
  const name = awsErrorName(error);
  return name !== undefined && ACCESS_DENIED_ERRORS.has(name);
}

export function isThrottlingError(error: unknown): boolean {
  const name = awsErrorName(error);
  return name !== undefined && THROTTLING_ERRORS.has(name);
}

/** CloudFormation says "Stack with id X does not exist" as a ValidationError. */
export function isStackNotFoundError(error: unknown): boolean {
  return isAwsErrorNamed(error, 'ValidationError') && /does not exist/i.test(errorMessage(error));
}

/** An aborted request (AbortSignal): the SDK rejects with an error named AbortError. */
export function isSdkAbortError(error: unknown): boolean {
  return awsErrorName(error) === 'AbortError';
}

function credentialsAdvice(profile: string | undefined): string {
  if (profile) return `run \`aws sso login --profile ${profile}\` or refresh the profile's credentials`;
  return 'run `aws sso login` (add --profile for a named profile) or refresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN';
}

/**
 * Returns the typed error for `error`, or `error` itself when there is nothing better to say.
 * Use as `throw translateAwsError(e, { action: 'cloudformation:CreateChangeSet' })`.
 */
export function translateAwsError(
  error: unknown,
  context: AwsErrorContext = {},
  env: NodeJS.ProcessEnv = process.env,
): unknown {
  if (error instanceof OperationError) return error;
  const network = networkFailureCode(error);
  if (network) {
    const where = context.endpoint ? `AWS at ${context.endpoint}` : 'AWS';
    const dns = network === 'ENOTFOUND' || network === 'EAI_AGAIN';
    return new OperationError(
      `Cannot reach ${where}${context.action ? ` for ${context.action}` : ''} (${network}${dns ? ': the host name does not resolve' : ''}).`,
      {
        hint: dns
          ? 'Check the Region name (--region, e.g. eu-west-1), --endpoint-url, and the network or proxy settings.'
          : 'Check the network, a proxy (HTTPS_PROXY) or firewall, and --endpoint-url.',
        cause: error,
      },
    );
  }
  // Only an answer the SDK could not read as an AWS error: an error code it did read (S3's bodiless
  // HeadObject 404 "NotFound", for one) stays the caller's to handle.
  if (isNotImplementedByEndpoint(error) && isUnreadableAnswer(error)) {
    return new EndpointNotImplementedError(context.action ?? 'this call', error, context.endpoint);
  }
  const name = awsErrorName(error);
  if (name === undefined) return error;
  const detail = errorMessage(error);
  if (CREDENTIAL_ERRORS.has(name)) {
    const profile = context.profile ?? env.AWS_PROFILE;
    const which = profile ? `AWS credentials of profile "${profile}"` : 'AWS credentials';
    const missing = name === 'CredentialsProviderError' && /could not load credentials/i.test(detail);
    const state = missing ? 'were not found' : 'are expired or invalid';
    return new OperationError(`${which} ${state} (${name}: ${detail}); ${credentialsAdvice(profile)}.`, {
      hint: 'Then re-run the same command.',
      cause: error,
    });
  }
  if (ACCESS_DENIED_ERRORS.has(name)) {
    // IAM's message names the action and resource: "... is not authorized to perform: X on resource: Y".
    const performed = /not authorized to perform:?\s*([\w-]+:[\w*]+)(?:\s+on resource:?\s*(\S+))?/i.exec(
      detail,
    );
    const action = performed?.[1] ?? context.action ?? 'this operation';
    const resource = performed?.[2] ? ` on ${performed[2].replace(/[.,;]+$/, '')}` : '';
    return new OperationError(
      `Access denied: the credentials in use may not call ${action}${resource} (${detail}).`,
      {
        hint: `Use credentials whose IAM policies allow ${action}, e.g. an administrator role of that account.`,
        cause: error,
      },
    );
  }
  return error;
}

/** Runs one AWS call and translates its failure. */
export async function withAwsErrors<T>(context: AwsErrorContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateAwsError(error, context);
  }
}

/**
 * An operation the endpoint in use does not implement. Emulators (moto) answer such calls with an HTML
 * error page, which the SDK reports as a deserialization failure; AWS itself never does this.
 */
export class EndpointNotImplementedError extends OperationError {
  readonly operation: string;
  constructor(operation: string, cause: unknown, endpoint?: string) {
    const status = (cause as { $response?: { statusCode?: number } } | null)?.$response?.statusCode;
    super(
      `The endpoint${endpoint ? ` at ${endpoint}` : ' in use'} answered with a non-AWS page${status ? ` (HTTP ${status})` : ''}: it does not implement ${operation}, or it is not AWS (a proxy or captive portal?).`,
      {
        hint: 'Against AWS, check the network, HTTPS_PROXY and --endpoint-url / AWS_ENDPOINT_URL; AWS emulators answer this way for calls they lack.',
        cause,
      },
    );
    this.operation = operation;
  }
}

/** Whether `error` is an HTML (or otherwise unparseable) answer instead of an AWS error document. */
export function isNotImplementedByEndpoint(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { $response?: { headers?: Record<string, string> }; message?: unknown };
  const contentType = e.$response?.headers?.['content-type'] ?? '';
  if (contentType.startsWith('text/html')) return true;
  return (
    typeof e.message === 'string' &&
    /Deserialization error/.test(e.message) &&
    /<!doctype|<html/i.test(e.message)
  );
}

/** The SDK found no AWS error code in the answer (a deserialization failure, or no usable name). */
function isUnreadableAnswer(error: unknown): boolean {
  const name = awsErrorName(error);
  // The XML protocols name an error code they cannot find "Unknown" (query) or "UnknownError".
  return (
    name === undefined ||
    name === 'Unknown' ||
    name === 'UnknownError' ||
    /Deserialization error/.test(errorMessage(error))
  );
}

/** Turns an SDK failure into the error the user should see: not-implemented, typed, or the original. */
export function awsFailure(error: unknown, action: string): unknown {
  if (isNotImplementedByEndpoint(error)) return new EndpointNotImplementedError(action, error);
  return translateAwsError(error, { action });
}
