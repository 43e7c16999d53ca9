import { createPinia, setActivePinia } from 'pinia';
import WebSocket from 'ws';
import type { WebSocketLike } from '../../src/api/socket-client.js';
import { createTransport } from '../../src/api/transport.js';
import { provideTransport } from '../../src/stores/transport-context.js';
import type { FakeServer } from './fake-server.js';

/**
 * A fresh Pinia and empty localStorage, with every store talking to `server` over real HTTP and real
 * WebSockets (the `ws` client), reconnecting fast and without jitter.
 */
export function freshStores(server: FakeServer): ReturnType<typeof createPinia> {
  localStorage.clear();
  provideTransport(
    createTransport({
      baseUrl: server.httpUrl,
      wsBaseUrl: server.wsUrl,
      factory: (url) => {
        const ws = new WebSocket(url);
        // Node's EventEmitter throws on an unheard 'error'; a browser socket never would.
        ws.on('error', () => {});
        return ws as unknown as WebSocketLike;
      },
      backoff: { initialMs: 5, maxMs: 20, jitter: 0 },
    }),
  );
  const pinia = createPinia();
  setActivePinia(pinia);
  return pinia;
}
