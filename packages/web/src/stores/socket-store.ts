import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SocketClient, SocketStatus } from '../api/socket-client.js';
import { useBacktestsStore } from './backtests-store.js';
import { useRunsStore } from './runs-store.js';
import { useTransport } from './transport-context.js';

/**
 * The aggregate WebSocket (`/ws`): keeps the runs list live and exposes the connection state for the
 * disconnected banner. On every (re)connect the server sends `init_all`, which replaces the list.
 */
export const useSocketStore = defineStore('socket', () => {
  const status = ref<SocketStatus>({ state: 'idle', retryAt: null, attempt: 0 });
  /** True once the socket has been open at least once, so the banner does not flash on first load. */
  const everOpen = ref(false);
  let client: SocketClient | null = null;

  function connect(): void {
    if (client) return;
    const runs = useRunsStore();
    client = useTransport().socket();
    client.onMessage((msg) => {
      // Backtest progress rides the same socket; the backtests store re-reads what it shows.
      if (msg.type === 'backtest_update') useBacktestsStore().applyUpdate(msg.backtest);
      else runs.applyAggregate(msg);
    });
    client.onStatus((s) => {
      status.value = s;
      if (s.state === 'open') everOpen.value = true;
    });
    client.open();
  }

  function retryNow(): void {
    client?.retryNow();
  }

  function disconnect(): void {
    client?.close();
    client = null;
  }

  return { status, everOpen, connect, retryNow, disconnect };
});
