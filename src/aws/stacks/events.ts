// Reading a stack's events: the newest event before an operation (its marker), then each new event once,
// oldest first, turned into typed stack activity. CloudFormation lists events newest first and pages them.
import { type StackEvent as CfnStackEvent, DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import type { FailedResource } from '../../core/errors.js';
import { isResourceFailure } from '../../core/stack-status.js';
import type { Run } from './run.js';

/** Event timestamps come from AWS's clock; allow this much skew against ours when bounding the paging. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The newest event's ID: everything after it belongs to the operation about to start. */
export async function newestEventId(run: Run, stackId: string): Promise<string | undefined> {
  const out = await run.call('DescribeStackEvents', (o) =>
    run.cfn.send(new DescribeStackEventsCommand({ StackName: stackId }), o),
  );
  return out.StackEvents?.[0]?.EventId;
}

/** What the events of one operation told so far. */
export interface EventTally {
  failures: FailedResource[];
  /** The stack's own reason when it failed or started rolling back. */
  stackReason?: string;
}

/**
 * Emits the events of one operation that were not seen yet, each once, oldest first, and tallies the
 * failed resources (not the cancelled siblings, see stack-status.ts).
 */
export class EventReader {
  private readonly seen = new Set<string>();
  private readonly bound: number;
  readonly tally: EventTally = { failures: [] };

  constructor(
    private readonly run: Run,
    private readonly stackId: string,
    private readonly marker: string | undefined,
    startedAt: Date,
  ) {
    this.bound = startedAt.getTime() - CLOCK_SKEW_MS;
  }

  async drain(): Promise<void> {
    const { run, stackId } = this;
    const fresh: CfnStackEvent[] = [];
    let token: string | undefined;
    paging: do {
      const out = await run.call('DescribeStackEvents', (o) =>
        run.cfn.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: token }), o),
      );
      // Newest first: stop at the first event from before this operation.
      for (const event of out.StackEvents ?? []) {
        const id = event.EventId ?? '';
        if (id === this.marker || this.seen.has(id)) break paging;
        if (event.Timestamp && event.Timestamp.getTime() < this.bound) break paging;
        fresh.push(event);
      }
      token = out.NextToken;
    } while (token);
    for (const event of fresh.reverse()) this.emit(event);
  }

  private emit(event: CfnStackEvent): void {
    const { run, tally } = this;
    this.seen.add(event.EventId ?? '');
    const status = event.ResourceStatus ?? '';
    const reason = event.ResourceStatusReason || undefined;
    const timestamp = event.Timestamp ?? new Date();
    const isStack =
      event.ResourceType === 'AWS::CloudFormation::Stack' && event.PhysicalResourceId === this.stackId;
    if (isStack) {
      run.lastStatus = status;
      if (status.endsWith('_FAILED') || status.includes('ROLLBACK_IN_PROGRESS')) tally.stackReason ??= reason;
      run.emit({ kind: 'stack-status', status, ...(reason ? { reason } : {}), timestamp });
      return;
    }
    const logicalId = event.LogicalResourceId ?? '';
    const resourceType = event.ResourceType ?? '';
    if (isResourceFailure(status, reason)) {
      tally.failures.push({
        stackName: run.stackName,
        logicalId,
        resourceType,
        status,
        reason: reason ?? '',
      });
    }
    run.emit({
      kind: 'resource',
      logicalId,
      ...(event.PhysicalResourceId ? { physicalId: event.PhysicalResourceId } : {}),
      resourceType,
      status,
      ...(reason ? { reason } : {}),
      timestamp,
    });
  }
}
