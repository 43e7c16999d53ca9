import type { ConcurrencyMetrics, PhaseMetrics } from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { useTransport } from './transport-context.js';

/** How often the metrics view refreshes while it is shown. */
const POLL_MS = 2000;

/** Limiter usage and phase durations for the metrics view, polled while the view is open. */
export const useMetricsStore = defineStore('metrics', () => {
  const concurrency = shallowRef<ConcurrencyMetrics | null>(null);
  const phases = shallowRef<PhaseMetrics | null>(null);
  const error = ref<string | null>(null);
  const updatedAt = ref<number | null>(null);
  let timer: ReturnType<typeof setInterval> | null = null;

  async function refresh(): Promise<void> {
    const { http } = useTransport();
    const [c, p] = await Promise.allSettled([http.concurrency(), http.phaseMetrics()]);
    if (c.status === 'fulfilled') concurrency.value = c.value;
    if (p.status === 'fulfilled') phases.value = p.value;
    const failed = [c, p].find((r) => r.status === 'rejected');
    error.value = failed ? String(failed.reason instanceof Error ? failed.reason.message : failed.reason) : null;
    updatedAt.value = Date.now();
  }

  function startPolling(): void {
    if (timer !== null) return;
    void refresh();
    timer = setInterval(() => void refresh(), POLL_MS);
  }

  function stopPolling(): void {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }

  return { concurrency, phases, error, updatedAt, refresh, startPolling, stopPolling };
});
