import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ConnectionBanner from '../src/components/layout/ConnectionBanner.vue';
import { useClockStore } from '../src/stores/clock-store.js';
import { useSocketStore } from '../src/stores/socket-store.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  setActivePinia(createPinia());
});
afterEach(() => {
  useClockStore().stop();
  vi.useRealTimers();
});

describe('ConnectionBanner', () => {
  it('stays hidden while connected and on the very first connect', () => {
    const socket = useSocketStore();
    const w = mount(ConnectionBanner);
    socket.status = { state: 'connecting', retryAt: null, attempt: 0 };
    expect(w.find('[role="alert"]').exists()).toBe(false);
  });

  it('counts down to the next reconnect attempt with the shared clock', async () => {
    const socket = useSocketStore();
    const clock = useClockStore();
    clock.start();
    socket.everOpen = true;
    socket.status = { state: 'waiting', retryAt: Date.now() + 4000, attempt: 2 };
    const w = mount(ConnectionBanner);
    expect(w.get('[role="alert"]').text()).toContain('Reconnecting in 4 s');
    await vi.advanceTimersByTimeAsync(2000);
    expect(w.get('[role="alert"]').text()).toContain('Reconnecting in 2 s');
    expect(w.get('button').text()).toBe('Retry now');
    socket.status = { state: 'open', retryAt: null, attempt: 0 };
    await w.vm.$nextTick();
    expect(w.find('[role="alert"]').exists()).toBe(false);
  });
});
