// The waits on asynchronous AWS work go through one poll helper: Ctrl-C while waiting for a portfolio
// share is an AbortError (exit 130, "run again"), never a raw DOMException ("Unexpected error", exit 1).

import { CloudFormationClient, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { DescribePortfolioShareStatusCommand, ServiceCatalogClient } from '@aws-sdk/client-service-catalog';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { waitForPortfolioShare } from '../../src/aws/catalog.js';
import { waitForStackInstancesGone } from '../../src/aws/stacksets.js';
import { AbortError, ExitCode, OperationError } from '../../src/core/errors.js';

const sc = mockClient(ServiceCatalogClient);
const cfn = mockClient(CloudFormationClient);
const client = () => new ServiceCatalogClient({ region: 'eu-west-1' });

beforeEach(() => {
  sc.reset();
  cfn.reset();
});

describe('waitForPortfolioShare', () => {
  it('an interrupt while sleeping between polls is an AbortError with exit code 130', async () => {
    sc.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'IN_PROGRESS' });
    const controller = new AbortController();
    const run = waitForPortfolioShare(client(), 'share-token-1', {
      pollIntervalMs: 60_000,
      signal: controller.signal,
      onStatus: () => controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    const error = await run.catch((e: unknown) => e);
    expect((error as AbortError).exitCode).toBe(ExitCode.Interrupted);
    expect((error as AbortError).message).toMatch(/share-token-1/);
  });

  it('an interrupt during the DescribePortfolioShareStatus call is an AbortError', async () => {
    const controller = new AbortController();
    sc.on(DescribePortfolioShareStatusCommand).callsFake(async () => {
      controller.abort();
      throw new DOMException('This operation was aborted', 'AbortError');
    });
    const run = waitForPortfolioShare(client(), 'share-token-2', {
      pollIntervalMs: 1,
      signal: controller.signal,
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
  });

  it('reports progress with the elapsed time and stops at the timeout naming the token', async () => {
    sc.on(DescribePortfolioShareStatusCommand).resolves({ Status: 'IN_PROGRESS' });
    const elapsed: number[] = [];
    const run = waitForPortfolioShare(client(), 'share-token-3', {
      pollIntervalMs: 1,
      timeoutMs: 20,
      onProgress: (p) => elapsed.push(p.elapsedMs),
    });
    await expect(run).rejects.toBeInstanceOf(OperationError);
    await expect(run).rejects.toThrow(/share-token-3 is still IN_PROGRESS/);
    expect(elapsed.length).toBeGreaterThan(0);
  });
});

describe('waitForStackInstancesGone', () => {
  it('an interrupt while waiting is an AbortError naming the StackSet', async () => {
    cfn
      .on(ListStackInstancesCommand)
      .resolves({ Summaries: [{ Account: '111122223333', Region: 'eu-west-1', Status: 'CURRENT' }] });
    const controller = new AbortController();
    const run = waitForStackInstancesGone(new CloudFormationClient({ region: 'eu-west-1' }), 'roles', {
      callAs: 'SELF',
      pollIntervalMs: 60_000,
      signal: controller.signal,
      onPoll: () => controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    await expect(run).rejects.toThrow(/StackSet roles/);
  });
});
