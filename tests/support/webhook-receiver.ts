import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deferred } from '@tradingfloor/shared';
import { Webhook } from 'standardwebhooks';

/** One POST the receiver got, checked with the `standardwebhooks` library (an implementation that is not ours). */
export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** The parsed body when the signature verified, else null. */
  payload: { type: string; timestamp: string; data: Record<string, unknown> } | null;
  verified: boolean;
  /** Why verification failed, if it did. */
  problem: string | null;
  /** What the receiver answered. */
  status: number;
}

/** Decides the status code of each request: `n` counts from 1 over every request received. */
export type Responder = (hook: Omit<ReceivedWebhook, 'status'>, n: number) => number | Promise<number>;

export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT/hook`. */
  url: string;
  received: ReceivedWebhook[];
  respond: Responder;
  /** Resolves once `predicate(received)` holds (checked at every request). */
  waitFor(predicate: (received: ReceivedWebhook[]) => boolean): Promise<void>;
  close(): Promise<void>;
}

const header = (headers: IncomingHttpHeaders, name: string): string => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
};

/** A real HTTP receiver on 127.0.0.1:0 that verifies every Standard Webhooks signature with `secret`. */
export async function startWebhookReceiver(secret: string, respond: Responder = () => 200): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const received: ReceivedWebhook[] = [];
  /** Requests that have arrived, answered or not: a request held by `respond` still counts for the next one's `n`. */
  let arrived = 0;
  const watchers = new Set<{ predicate: (r: ReceivedWebhook[]) => boolean; resolve: () => void }>();
  const receiver: WebhookReceiver = {
    url: '',
    received,
    respond,
    waitFor(predicate) {
      if (predicate(received)) return Promise.resolve();
      const d = deferred<void>();
      watchers.add({ predicate, resolve: d.resolve });
      return d.promise;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = {
          'webhook-id': header(req.headers, 'webhook-id'),
          'webhook-timestamp': header(req.headers, 'webhook-timestamp'),
          'webhook-signature': header(req.headers, 'webhook-signature'),
        };
        let payload: ReceivedWebhook['payload'] = null;
        let problem: string | null = null;
        try {
          payload = verifier.verify(body, headers) as ReceivedWebhook['payload'];
        } catch (err) {
          problem = err instanceof Error ? err.message : String(err);
        }
        const hook = {
          id: headers['webhook-id'],
          timestamp: headers['webhook-timestamp'],
          signature: headers['webhook-signature'],
          body,
          payload,
          verified: problem === null,
          problem,
        };
        const status = await receiver.respond(hook, ++arrived);
        received.push({ ...hook, status });
        res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
        for (const w of [...watchers]) {
          if (!w.predicate(received)) continue;
          watchers.delete(w);
          w.resolve();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
