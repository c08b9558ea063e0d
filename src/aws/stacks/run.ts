// One engine run on one stack: the client, the hooks, the IoHost the activity goes to, abort handling, and
// the wait for another operation to finish before acting. The engine never prints or prompts: it notifies
// the host with typed stack-activity messages, and the caller confirms change sets.
import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { AbortError } from '../../core/errors.js';
import type { IoHost } from '../../core/io.js';
import { type MessageCode, type MessageSpec, MSG } from '../../core/messages.js';
import { describeStackEvent, type StackEvent, type StackNotice } from '../../core/stack-activity.js';
import { isBusy } from '../../core/stack-status.js';
import { isSdkAbortError, isStackNotFoundError, translateAwsError } from '../aws-errors.js';
import { poll } from '../poll.js';

export interface StackHooks {
  /** Where the stack activity goes (`SN_STACK_ACTIVITY` and the engine's notices). */
  io: IoHost;
  /** The step the stack belongs to, carried by every message so that side-by-side steps stay readable. */
  step?: string;
  /** Aborting stops polling (CloudFormation carries on) and rejects with an AbortError saying so. */
  signal?: AbortSignal;
  /** Delay between polls; default 2 s. */
  pollIntervalMs?: number;
}

/** Distributes over the union, so each event keeps its own fields. */
type WithoutScope<E> = E extends unknown ? Omit<E, 'stackName' | 'step'> : never;

const DEFAULT_POLL_MS = 2000;

export class Run {
  /** Where the stack stands, for the abort message. */
  lastStatus: string | undefined;
  readonly pollMs: number;

  constructor(
    readonly cfn: CloudFormationClient,
    readonly stackName: string,
    readonly hooks: StackHooks,
  ) {
    this.pollMs = hooks.pollIntervalMs ?? DEFAULT_POLL_MS;
  }

  private scope(): StackNotice {
    return { stackName: this.stackName, ...(this.hooks.step ? { step: this.hooks.step } : {}) };
  }

  emit(event: WithoutScope<StackEvent>): void {
    const full = { ...event, ...this.scope() } as StackEvent;
    this.hooks.io.notify(MSG.STACK_ACTIVITY.msg(describeStackEvent(full), full));
  }

  notice<C extends MessageCode>(spec: MessageSpec<C, StackNotice>, text: string): void {
    this.hooks.io.notify(spec.msg(text, this.scope()));
  }

  abortError(): AbortError {
    const status = this.lastStatus ?? 'unknown';
    const running = isBusy(status) || status === 'REVIEW_IN_PROGRESS';
    const state = running
      ? `CloudFormation is still working on stack ${this.stackName} (status ${status}) in AWS`
      : `stack ${this.stackName} was left at status ${status}`;
    return new AbortError(
      `Interrupted: ${state}. Re-running the same command resumes: it waits for the stack to settle, then continues.`,
    );
  }

  /** One CloudFormation call with the abort signal, its errors translated. */
  async call<T>(action: string, send: (options: { abortSignal?: AbortSignal }) => Promise<T>): Promise<T> {
    if (this.hooks.signal?.aborted) throw this.abortError();
    try {
      return await send(this.hooks.signal ? { abortSignal: this.hooks.signal } : {});
    } catch (error) {
      if (this.hooks.signal?.aborted || isSdkAbortError(error)) throw this.abortError();
      throw translateAwsError(error, { action: `cloudformation:${action}` });
    }
  }

  /** Polls `check` at the run's interval; Ctrl-C becomes the run's AbortError. */
  poll<T>(description: string, check: () => Promise<{ done: true; value: T } | { done: false }>) {
    return poll<T>(check, {
      description,
      intervalMs: this.pollMs,
      ...(this.hooks.signal ? { signal: this.hooks.signal } : {}),
      abortError: () => this.abortError(),
    });
  }

  /** The stack by name or ID; undefined when it does not exist. */
  async describe(nameOrId: string): Promise<Stack | undefined> {
    try {
      const out = await this.call('DescribeStacks', (o) =>
        this.cfn.send(new DescribeStacksCommand({ StackName: nameOrId }), o),
      );
      const stack = out.Stacks?.[0];
      if (stack?.StackStatus === 'DELETE_COMPLETE' && nameOrId === this.stackName) return undefined;
      return stack;
    } catch (error) {
      if (isStackNotFoundError(error)) return undefined;
      throw error;
    }
  }

  /** Waits while another operation runs on the stack (never clobbers it); returns the settled stack. */
  async settle(): Promise<Stack | undefined> {
    const first = await this.describe(this.stackName);
    this.lastStatus = first?.StackStatus;
    if (!first || !isBusy(first.StackStatus)) return first;
    this.notice(
      MSG.STACK_WAIT_IN_PROGRESS,
      `Stack ${this.stackName} is ${first.StackStatus}; waiting for that operation to finish before acting.`,
    );
    const stackId = first.StackId!;
    let seen = first.StackStatus;
    let stack: Stack | undefined = first;
    let looked = false;
    await this.poll(`stack ${this.stackName} to settle`, async () => {
      if (!looked) {
        looked = true;
        return { done: false }; // the first look was above: sleep before the next
      }
      stack = await this.describe(stackId);
      const status = stack?.StackStatus;
      this.lastStatus = status;
      if (status && status !== seen) {
        seen = status;
        this.emit({
          kind: 'stack-status',
          status,
          ...(stack?.StackStatusReason ? { reason: stack.StackStatusReason } : {}),
          timestamp: new Date(),
        });
      }
      return isBusy(status) ? { done: false } : { done: true, value: undefined };
    });
    return stack?.StackStatus === 'DELETE_COMPLETE' ? undefined : stack;
  }
}
