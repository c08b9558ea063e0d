// A loopback proxy (127.0.0.1 only) in front of moto, for what moto does not do by itself: stacks that take
// time (a fixed delay on every CloudFormation and StackSet call, so waits dominate as they do in AWS), a
// stack held "in progress", or an answer for a call moto lacks. Used by e2e tests and bench/install.ts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedCall {
  /** The service in the request's SigV4 credential scope, e.g. `cloudformation`. */
  service: string;
  /** The Query `Action=` or the JSON protocol's `X-Amz-Target` operation. */
  action: string;
  body: string;
}

export interface AwsProxyOptions {
  /** Milliseconds added to a call before it is forwarded; default none. */
  delayMs?: (call: ProxiedCall) => number;
  /** An answer instead of moto's (status, content type, body). */
  answer?: (call: ProxiedCall) => { status: number; contentType: string; body: string } | undefined;
  /** Rewrites moto's answer. */
  rewrite?: (call: ProxiedCall, body: string) => string;
  /** Called for every call once it is answered. */
  onCall?: (call: ProxiedCall) => void;
}

export interface AwsProxy {
  url: string;
  close(): Promise<void>;
}

function describeCall(req: IncomingMessage, body: string): ProxiedCall {
  const auth = String(req.headers.authorization ?? '');
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth)?.[1] ?? '';
  const target = String(req.headers['x-amz-target'] ?? '');
  const action = target ? (target.split('.').pop() ?? '') : (/(?:^|&)Action=([^&]+)/.exec(body)?.[1] ?? '');
  return { service, action, body };
}

export async function startAwsProxy(target: string, options: AwsProxyOptions = {}): Promise<AwsProxy> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const raw = Buffer.concat(chunks);
        const call = describeCall(req, raw.toString('utf8'));
        const delay = options.delayMs?.(call) ?? 0;
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        const canned = options.answer?.(call);
        if (canned) {
          res.writeHead(canned.status, { 'content-type': canned.contentType });
          res.end(canned.body);
          options.onCall?.(call);
          return;
        }
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
        ) as Record<string, string>;
        const answer = await fetch(`${target}${req.url}`, {
          method: req.method,
          headers,
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : raw,
        });
        let text = Buffer.from(await answer.arrayBuffer());
        if (options.rewrite) text = Buffer.from(options.rewrite(call, text.toString('utf8')));
        const out: Record<string, string> = {
          'content-type': answer.headers.get('content-type') ?? 'text/xml',
        };
        for (const h of ['etag', 'x-amz-version-id', 'x-amz-request-id', 'last-modified']) {
          const v = answer.headers.get(h);
          if (v) out[h] = v;
        }
        res.writeHead(answer.status, out);
        res.end(text);
        options.onCall?.(call);
      } catch (error) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(error));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
