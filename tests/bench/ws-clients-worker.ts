// Worker process: the WebSocket clients of the server-under-load benchmark, in a process of their own (as
// browsers would be), so their parsing does not count against the server's event loop.
import { BenchClient } from './ws-clients.js';
import { serveRpc } from './worker-rpc.js';

const aggregate: BenchClient[] = [];
const focused: BenchClient[] = [];

serveRpc(
  {
    async aggregate({ wsUrl, count }: { wsUrl: string; count: number }) {
      for (let i = 0; i < count; i++) aggregate.push(await BenchClient.connect(wsUrl));
    },
    async follow({ wsUrl, runIds }: { wsUrl: string; runIds: string[] }) {
      const clients = await Promise.all(runIds.map((id) => BenchClient.connect(`${wsUrl}?run_id=${encodeURIComponent(id)}`)));
      focused.push(...clients);
    },
    async untilTerminal() {
      await Promise.all(focused.map((c) => c.untilTerminal()));
    },
    report() {
      const all = [...aggregate, ...focused];
      const result = {
        freshness: focused.flatMap((c) => c.freshness),
        focusedBytes: focused.map((c) => c.bytes),
        focusedMessages: focused.reduce((n, c) => n + c.messages, 0),
        aggregateBytes: aggregate.reduce((n, c) => n + c.bytes, 0),
        aggregateMessages: aggregate.reduce((n, c) => n + c.messages, 0),
        errors: all.flatMap((c) => c.errors).slice(0, 5),
      };
      for (const c of all) c.close();
      return result;
    },
  },
  () => {
    for (const c of [...aggregate, ...focused]) c.ws.terminate();
  },
);
