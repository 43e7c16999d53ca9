import { defineStore } from 'pinia';
import { ref } from 'vue';

/**
 * One shared once-a-second clock for everything that ticks on screen (running durations, the reconnect
 * countdown), instead of a timer per component. Tests drive it with fake timers.
 */
export const useClockStore = defineStore('clock', () => {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | null = null;

  function start(): void {
    if (timer !== null) return;
    now.value = Date.now();
    timer = setInterval(() => (now.value = Date.now()), 1000);
  }

  function stop(): void {
    if (timer !== null) clearInterval(timer);
    timer = null;
  }

  return { now, start, stop };
});
