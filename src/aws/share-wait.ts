// Waiting for Service Catalog's asynchronous portfolio-share operations (organization and OU shares,
// their updates and deletions): DescribePortfolioShareStatus through the one poll helper, so Ctrl-C is an
// AbortError and a timeout names the share token.
import {
  DescribePortfolioShareStatusCommand,
  type ServiceCatalogClient,
  type ShareError,
} from '@aws-sdk/client-service-catalog';
import { AbortError, OperationError } from '../core/errors.js';
import { awsFailure } from './aws-errors.js';
import { formatElapsed, type PollProgress, poll } from './poll.js';

export interface ShareFailure {
  accounts: string[];
  message: string;
  error?: string;
}

export interface ShareWaitOptions {
  /** Between DescribePortfolioShareStatus calls; default 3 s. */
  pollIntervalMs?: number;
  /** Give up waiting after this long; default 15 min (the share keeps going in AWS). */
  timeoutMs?: number;
  /** Called with each status seen while waiting (NOT_STARTED, IN_PROGRESS, …). */
  onStatus?: (status: string) => void;
  /** Called after each check that did not finish the wait, with the elapsed time. */
  onProgress?: (progress: PollProgress) => void;
  signal?: AbortSignal;
}

const DEFAULT_POLL_MS = 3_000;
const DEFAULT_TIMEOUT_MS = 15 * 60_000;

function toFailures(errors: ShareError[] | undefined): ShareFailure[] {
  return (errors ?? []).map((e) => ({
    accounts: e.Accounts ?? [],
    message: e.Message ?? e.Error ?? 'unknown error',
    ...(e.Error ? { error: e.Error } : {}),
  }));
}

export interface ShareOperationStatus {
  status: 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'ERROR';
  successfulShares: string[];
  errors: ShareFailure[];
}

/**
 * Waits for an asynchronous organization-node share operation (create, update or delete) to finish.
 * Throttling is retried by the SDK; a timeout is an OperationError naming the token.
 */
export async function waitForPortfolioShare(
  sc: ServiceCatalogClient,
  token: string,
  options: ShareWaitOptions = {},
): Promise<ShareOperationStatus> {
  return poll<ShareOperationStatus>(
    async (signal) => {
      let out: Awaited<ReturnType<typeof describeStatus>>;
      try {
        out = await describeStatus(sc, token, signal);
      } catch (error) {
        if (signal?.aborted) throw error; // poll turns it into the AbortError
        throw awsFailure(error, 'servicecatalog:DescribePortfolioShareStatus');
      }
      const status = out.Status ?? 'NOT_STARTED';
      options.onStatus?.(status);
      if (status === 'COMPLETED' || status === 'COMPLETED_WITH_ERRORS' || status === 'ERROR') {
        return {
          done: true,
          value: {
            status,
            successfulShares: out.ShareDetails?.SuccessfulShares ?? [],
            errors: toFailures(out.ShareDetails?.ShareErrors),
          },
        };
      }
      return { done: false, state: status };
    },
    {
      description: `the portfolio share operation ${token}`,
      intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_MS,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      abortError: () =>
        new AbortError(
          `Interrupted while waiting for the portfolio share operation ${token}; it goes on in AWS.`,
          { hint: 'Run the same command again: it finds the share and waits for it.' },
        ),
      timeoutError: (last) =>
        new OperationError(
          `The portfolio share operation ${token} is still ${last.state ?? 'NOT_STARTED'}; stopped waiting for it after ${formatElapsed(last.elapsedMs)}.`,
          {
            hint: `It continues in AWS: check it with \`aws servicecatalog describe-portfolio-share-status --portfolio-share-token ${token}\`, then re-run.`,
          },
        ),
    },
  );
}

function describeStatus(sc: ServiceCatalogClient, token: string, signal?: AbortSignal) {
  return sc.send(
    new DescribePortfolioShareStatusCommand({ PortfolioShareToken: token }),
    signal ? { abortSignal: signal } : {},
  );
}
