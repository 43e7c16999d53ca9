import type { ProvidersResponse } from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { errorMessage } from '@tradingfloor/shared';
import { useTransport } from './transport-context.js';

type ProviderInfo = ProvidersResponse['providers'][number];

/** What the server offers the form: providers with their models, and the market data's coverage. */
export const useConfigStore = defineStore('config', () => {
  const providers = ref<ProviderInfo[]>([]);
  const data = ref<ProvidersResponse['data'] | null>(null);
  /** The market data vendors with their labels (empty on servers that do not list them). */
  const dataVendors = ref<NonNullable<ProvidersResponse['data_vendors']>>([]);
  const error = ref<string | null>(null);
  const loaded = ref(false);

  async function load(): Promise<void> {
    try {
      const res = await useTransport().http.providers();
      providers.value = res.providers;
      data.value = res.data;
      dataVendors.value = res.data_vendors ?? [];
      error.value = null;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loaded.value = true;
    }
  }

  /** The label a provider is shown with (e.g. the offline model's "not an LLM" wording comes from the server). */
  function providerLabel(name: string): string {
    return providers.value.find((p) => p.name === name)?.label ?? (name === 'offline' ? 'Offline model (rule-based, not an LLM)' : name);
  }

  function provider(name: string): ProviderInfo | undefined {
    return providers.value.find((p) => p.name === name);
  }

  const dataLabel = computed(() => data.value?.label ?? null);

  return { providers, data, dataVendors, error, loaded, load, providerLabel, provider, dataLabel };
});
