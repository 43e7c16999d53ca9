import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { errorMessage } from '@tradingfloor/shared';
import type { ChartData } from '../api/chart-data.js';
import { useTransport } from './transport-context.js';

/** `unavailable`: the server has no chart for the run (404, or the endpoint is missing). */
export type ChartState = 'idle' | 'loading' | 'ready' | 'unavailable' | 'error';

/** Price bars and indicators of the focused run, from `GET /runs/:id/chart`. */
export const useChartStore = defineStore('chart', () => {
  const runId = ref<string | null>(null);
  const data = shallowRef<ChartData | null>(null);
  const state = ref<ChartState>('idle');
  const error = ref<string | null>(null);

  /** Loads the chart of a run (null clears it); a late answer for a run no longer focused is dropped. */
  async function load(id: string | null): Promise<void> {
    runId.value = id;
    data.value = null;
    error.value = null;
    state.value = id === null ? 'idle' : 'loading';
    if (id === null) return;
    try {
      const chart = await useTransport().http.chart(id);
      if (runId.value !== id) return;
      data.value = chart;
      state.value = chart && chart.bars.length > 0 ? 'ready' : 'unavailable';
    } catch (err) {
      if (runId.value !== id) return;
      state.value = 'error';
      error.value = errorMessage(err);
    }
  }

  return { runId, data, state, error, load };
});
