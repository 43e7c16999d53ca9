// Worker process: the HTTP client of the API latency figures, in a process of its own (as a browser or a
// script would be), so parsing a 300 KiB answer and the garbage it leaves do not run on the server's thread.
import http from 'node:http';
import { jsonClient } from './server-fixture.js';
import { serveRpc } from './worker-rpc.js';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

serveRpc(
  {
    /**
     * `count` sequential GETs of `endpoint` over one keep-alive connection; each request's time runs from
     * sending it to its last byte, decoded (see `jsonClient`). `headers` go with every request (e.g. `If-None-Match`).
     */
    async time({ url, endpoint, count, headers }: { url: string; endpoint: string; count: number; headers?: Record<string, string> }) {
      const request = jsonClient(url, agent);
      const times: number[] = [];
      const statuses = new Set<number>();
      for (let i = 0; i < count; i++) {
        const answer = await request('GET', endpoint, undefined, headers);
        statuses.add(answer.status);
        times.push(answer.ms);
      }
      return { times, statuses: [...statuses] };
    },
  },
  () => agent.destroy(),
);
