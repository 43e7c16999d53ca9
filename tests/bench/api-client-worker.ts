// Worker process: the HTTP client of the API latency figures, in a process of its own (as a browser or a
// script would be), so what the client does with a 300 KiB answer does not run on the server's thread.
import http from 'node:http';
import { readTimedBody } from './server-fixture.js';
import { serveRpc } from './worker-rpc.js';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * One GET over the keep-alive `agent`: ms from sending it to the answer's last byte (decoded, when it came
 * gzip-compressed), and the status. Like a load tester (wrk, autocannon) it does not parse the JSON: the
 * garbage of parsing 500 summaries would make this process collect in the middle of a later request's timing,
 * a pause of the client's, not of the API. The main process checks the answer's content once, untimed.
 */
function timedGet(url: string, headers: Record<string, string>): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { agent, headers }, (res) => {
      readTimedBody(res, t0).then(({ body, ms }) => {
        const status = res.statusCode ?? 0;
        if (status === 200 && body.length === 0) reject(new Error(`GET ${url}: 200 without a body`));
        else resolve({ status, ms });
      }, reject);
    });
    req.on('error', reject);
  });
}

serveRpc(
  {
    /**
     * `count` sequential GETs of `endpoint` over one keep-alive connection, timed by {@link timedGet}.
     * `headers` go with every request (e.g. `Accept-Encoding`, `If-None-Match`).
     */
    async time({ url, endpoint, count, headers }: { url: string; endpoint: string; count: number; headers?: Record<string, string> }) {
      const times: number[] = [];
      const statuses = new Set<number>();
      for (let i = 0; i < count; i++) {
        const answer = await timedGet(`${url}${endpoint}`, headers ?? {});
        statuses.add(answer.status);
        times.push(answer.ms);
      }
      return { times, statuses: [...statuses] };
    },
  },
  () => agent.destroy(),
);
