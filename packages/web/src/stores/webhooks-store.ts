import { errorMessage, type WebhookDelivery } from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { useTransport } from './transport-context.js';

/**
 * The focused run's webhook deliveries, from `GET /runs/:id/webhooks` (docs/webhooks.md). Read-only: the
 * server sends and retries them; the run view lists what it has done so far.
 */
export const useWebhooksStore = defineStore('webhooks', () => {
  const runId = ref<string | null>(null);
  const deliveries = shallowRef<WebhookDelivery[]>([]);
  const error = ref<string | null>(null);

  /** Loads (or reloads) a run's deliveries; null clears them. A late answer for a run no longer focused is dropped. */
  async function load(id: string | null): Promise<void> {
    if (id !== runId.value) deliveries.value = [];
    runId.value = id;
    error.value = null;
    if (id === null) return;
    try {
      const answer = await useTransport().http.runWebhooks(id);
      if (runId.value === id) deliveries.value = answer;
    } catch (err) {
      if (runId.value === id) error.value = errorMessage(err);
    }
  }

  return { runId, deliveries, error, load };
});
