import type { Lesson } from '@tradingfloor/shared';
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { useTransport } from './transport-context.js';

/** The reflection-memory lessons the focused run's managers were shown, from `GET /runs/:id/lessons`. */
export const useLessonsStore = defineStore('lessons', () => {
  const runId = ref<string | null>(null);
  /** Whether the run has memory on; null until known. */
  const memory = ref<boolean | null>(null);
  const lessons = shallowRef<Lesson[]>([]);
  const error = ref<string | null>(null);

  /** Loads (or reloads) a run's lessons; null clears them. A late answer for a run no longer focused is dropped. */
  async function load(id: string | null): Promise<void> {
    if (id !== runId.value) {
      memory.value = null;
      lessons.value = [];
    }
    runId.value = id;
    error.value = null;
    if (id === null) return;
    try {
      const answer = await useTransport().http.runLessons(id);
      if (runId.value !== id) return;
      memory.value = answer?.memory ?? false;
      lessons.value = answer?.lessons ?? [];
    } catch (err) {
      if (runId.value !== id) return;
      error.value = err instanceof Error ? err.message : String(err);
    }
  }

  /**
   * Reloads the focused run's lessons while they can still change: only for a run known to have memory on
   * (a run without memory never gets any, so it is asked once, on focus).
   */
  async function refresh(id: string): Promise<void> {
    if (runId.value === id && memory.value === true) await load(id);
  }

  return { runId, memory, lessons, error, load, refresh };
});
