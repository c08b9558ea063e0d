// The one poll helper: done, timeout, progress with elapsed time, and an abort always an AbortError.
import { describe, expect, it } from 'vitest';
import { formatElapsed, type PollProgress, poll, pollDelay } from '../../src/aws/poll.js';
import { AbortError, OperationError } from '../../src/core/errors.js';

describe('poll', () => {
  it('checks until done and reports progress with the last state', async () => {
    const states = ['NOT_STARTED', 'IN_PROGRESS'];
    const progress: PollProgress[] = [];
    const value = await poll(
      async () => {
        const state = states.shift();
        return state ? { done: false, state } : { done: true, value: 'COMPLETED' };
      },
      { description: 'the share', intervalMs: 1, onProgress: (p) => progress.push(p) },
    );
    expect(value).toBe('COMPLETED');
    expect(progress.map((p) => [p.attempt, p.state, p.description])).toEqual([
      [1, 'NOT_STARTED', 'the share'],
      [2, 'IN_PROGRESS', 'the share'],
    ]);
    expect(progress.every((p) => p.elapsedMs >= 0)).toBe(true);
  });

  it('stops with an OperationError naming what it waited for and the last state', async () => {
    const run = poll(async () => ({ done: false, state: 'UNDER_CHANGE' }), {
      description: 'organization access',
      intervalMs: 1,
      timeoutMs: 5,
    });
    await expect(run).rejects.toBeInstanceOf(OperationError);
    await expect(run).rejects.toThrow(/Stopped waiting for organization access after .*still UNDER_CHANGE/);
  });

  it('turns an abort during the sleep into an AbortError', async () => {
    const controller = new AbortController();
    const run = poll(async () => ({ done: false }), {
      description: 'the share',
      intervalMs: 60_000,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(AbortError);
    await expect(run).rejects.toThrow(/Interrupted while waiting for the share/);
  });

  it('turns an abort inside the check (an SDK call rejecting with a DOMException) into an AbortError', async () => {
    const controller = new AbortController();
    const run = poll(
      async (signal) => {
        controller.abort();
        signal?.throwIfAborted();
        return { done: true, value: 1 };
      },
      { description: 'the share', intervalMs: 1, signal: controller.signal },
    );
    await expect(run).rejects.toBeInstanceOf(AbortError);
  });

  it('pollDelay rejects at once when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(pollDelay(60_000, controller.signal, () => new AbortError('stop'))).rejects.toThrow('stop');
  });

  it('formats elapsed time', () => {
    expect(formatElapsed(12_300)).toBe('12 s');
    expect(formatElapsed(245_000)).toBe('4 min 05 s');
  });
});
