// A recording IoHost for step tests: keeps every message, answers requests from a script and fails on a
// request nobody expected.
import type { IoHost, IoMessage, IoRequest } from '../../src/core/io.js';

export interface RecordingIo extends IoHost {
  messages: IoMessage[];
  requests: IoRequest[];
  codes(): string[];
}

export function recordingIo(answers: Record<string, unknown> = {}): RecordingIo {
  const messages: IoMessage[] = [];
  const requests: IoRequest[] = [];
  return {
    messages,
    requests,
    interactive: false,
    codes: () => messages.map((m) => m.code),
    notify: (m) => {
      messages.push(m);
    },
    requestResponse: async (r) => {
      requests.push(r);
      if (!(r.code in answers)) throw new Error(`unexpected request ${r.code}: ${r.message}`);
      return answers[r.code] as never;
    },
    activity: () => ({ update() {}, succeed() {}, fail() {}, stop() {} }),
    result() {},
  };
}
