// The live view on a terminal: the stack operations of steps running together share one live area, a
// line each, prefixed with the step; a finished operation leaves one line above it.
import { describe, expect, it } from 'vitest';
import { stepView } from '../../src/cli/io/step-board.js';
import type { Activity, IoHost, IoMessage } from '../../src/core/io.js';
import { stepIo } from '../../src/ops/engine.js';

function terminal() {
  const messages: IoMessage[] = [];
  const live: { text: string; ended: boolean }[] = [];
  const io: IoHost = {
    interactive: true,
    notify: (m) => {
      messages.push(m);
    },
    requestResponse: async () => {
      throw new Error('no questions here');
    },
    activity: (text): Activity => {
      const a = { text, ended: false };
      live.push(a);
      return {
        update: (t) => {
          a.text = t;
        },
        succeed: () => {
          a.ended = true;
        },
        fail: () => {
          a.ended = true;
        },
        stop: () => {
          a.ended = true;
        },
      };
    },
    result() {},
  };
  return { io, messages, live };
}

const started = (stackName: string) => ({
  kind: 'operation-started' as const,
  stackName,
  operation: 'create' as const,
});

describe('step view on a terminal', () => {
  it('shows both accounts’ stack operations in one live area, one line per step', () => {
    const t = terminal();
    const view = stepView(t.io, false);
    const hub = view.stackProgress(stepIo(t.io, 'templates'), 'templates');
    const management = view.stackProgress(stepIo(t.io, 'launch-roles'), 'launch-roles');
    hub.onEvent(started('SecurityNotifications-SC-Bucket') as never);
    management.onEvent(started('SecurityNotifications-IAM-roles-StackSet') as never);
    expect(t.live).toHaveLength(1);
    expect(t.live[0]!.text.split('\n')).toEqual([
      '[templates] Creating SecurityNotifications-SC-Bucket:',
      '[launch-roles] Creating SecurityNotifications-IAM-roles-StackSet:',
    ]);
    hub.onEvent({
      kind: 'operation-finished',
      stackName: 'SecurityNotifications-SC-Bucket',
      operation: 'create',
      ok: true,
      status: 'CREATE_COMPLETE',
    } as never);
    expect(t.live[0]!.text).toBe('[launch-roles] Creating SecurityNotifications-IAM-roles-StackSet:');
    expect(t.messages.map((m) => m.text)).toEqual([
      '[templates] Stack SecurityNotifications-SC-Bucket created (CREATE_COMPLETE)',
    ]);
    management.finish();
    expect(t.live[0]!.ended).toBe(true);
  });

  it('in CI prints plain lines, each prefixed with its step', () => {
    const t = terminal();
    const plain = { ...t.io, interactive: false };
    const view = stepView(plain, false);
    view
      .stackProgress(stepIo(plain, 'portfolio'), 'portfolio')
      .onEvent(started('SecurityNotifications-Service-Catalog') as never);
    expect(t.messages.map((m) => [m.text, (m.data as { step: string }).step])).toEqual([
      ['[portfolio] Creating stack SecurityNotifications-Service-Catalog …', 'portfolio'],
    ]);
    expect(t.live).toHaveLength(0);
  });
});
