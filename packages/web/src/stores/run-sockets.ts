import type { SocketClient } from '../api/socket-client.js';
import type { Transport } from '../api/transport.js';
import { useTransport } from './transport-context.js';

interface Shared {
  client: SocketClient;
  users: number;
}

/** Open focused sockets by transport, then run id (a test that swaps the transport starts with none). */
const byTransport = new WeakMap<Transport, Map<string, Shared>>();

/** A hold on a run's focused socket; `release` once, when the holder stops following the run. */
export interface RunSocketLease {
  client: SocketClient;
  /** True when the socket already existed (and may have delivered `init_run` before this holder listened). */
  joined: boolean;
  release(): void;
}

/**
 * The one focused socket (`/ws?run_id=`) of a run, shared by every store that follows it: the run stream and
 * the inspector subscribe on the same connection instead of opening one each. The first lease opens it,
 * the last release closes it.
 */
export function acquireRunSocket(runId: string): RunSocketLease {
  const transport = useTransport();
  let sockets = byTransport.get(transport);
  if (!sockets) byTransport.set(transport, (sockets = new Map()));
  const existing = sockets.get(runId);
  const shared = existing ?? { client: transport.socket(runId), users: 0 };
  if (!existing) sockets.set(runId, shared);
  shared.users += 1;
  let released = false;
  return {
    client: shared.client,
    joined: existing !== undefined,
    release() {
      if (released) return;
      released = true;
      shared.users -= 1;
      if (shared.users > 0) return;
      shared.client.close();
      if (sockets.get(runId) === shared) sockets.delete(runId);
    },
  };
}
