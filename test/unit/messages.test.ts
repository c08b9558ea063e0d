// The message registry and the shared test host: codes are declared once, and a prompt nobody scripted
// fails the test instead of being answered with a default.
import { describe, expect, it } from 'vitest';
import { isMessage, MESSAGE_BY_CODE, MSG, REQ } from '../../src/core/messages.js';
import { TestIoHost, UnexpectedRequestError } from '../support/io-host.js';

describe('message registry', () => {
  it('declares every code once, each with a level and a description', () => {
    const codes = [...Object.values(MSG), ...Object.values(REQ)].map((m) => m.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const m of Object.values(MSG)) {
      expect(m.code).toMatch(/^SN_[A-Z_]+$/);
      expect(m.description.length).toBeGreaterThan(5);
    }
    expect(MESSAGE_BY_CODE.get('SN_STEP_DONE')?.level).toBe('success');
  });

  it('builds messages at the declared level with the typed payload', () => {
    const m = MSG.STACK_NO_CHANGES.msg('Stack A: no changes.', { stackName: 'A', step: 'portfolio' });
    expect(m).toEqual({
      level: 'info',
      code: 'SN_STACK_NO_CHANGES',
      text: 'Stack A: no changes.',
      data: { stackName: 'A', step: 'portfolio' },
    });
    expect(isMessage(m, MSG.STACK_NO_CHANGES)).toBe(true);
    expect(isMessage(m, MSG.STACK_DRY_RUN)).toBe(false);
    expect(MSG.STEP.msg('x')).not.toHaveProperty('data');
  });
});

describe('TestIoHost', () => {
  it('fails on a prompt nobody scripted, naming its code', async () => {
    const io = new TestIoHost();
    const ask = io.requestResponse({
      kind: 'confirm',
      code: REQ.CONFIRM_UNINSTALL.code,
      message: 'Remove?',
      defaultResponse: true,
    });
    await expect(ask).rejects.toBeInstanceOf(UnexpectedRequestError);
    await expect(ask).rejects.toThrow(/SN_CONFIRM_UNINSTALL/);
  });

  it('answers scripted codes: counted answers first, then the standing one', async () => {
    const io = new TestIoHost()
      .mockResponse(REQ.CONFIRM_CHANGE_SET, false, 1)
      .mockResponse(REQ.CONFIRM_CHANGE_SET, true);
    const req = {
      kind: 'confirm' as const,
      code: REQ.CONFIRM_CHANGE_SET.code,
      message: 'Deploy?',
      defaultResponse: true,
    };
    expect(await io.requestResponse(req)).toBe(false);
    expect(await io.requestResponse(req)).toBe(true);
    expect(await io.requestResponse(req)).toBe(true);
    expect(io.requests).toHaveLength(3);
  });

  it('records codes and typed payloads', () => {
    const io = new TestIoHost();
    io.notify(MSG.STEP.msg('portfolio: Portfolio'));
    io.notify(MSG.STACK_DECLINED.msg('declined', { stackName: 'S' }));
    expect(io.codes).toEqual(['SN_STEP', 'SN_STACK_DECLINED']);
    expect(io.payloads(MSG.STACK_DECLINED)).toEqual([{ stackName: 'S' }]);
  });
});
