import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));
// Tests import the packages' sources, so a test run never depends on a stale build.
const alias = {
  '@tradingfloor/shared': src('shared'),
  '@tradingfloor/engine': src('engine'),
};

/** The black-box integration files that also run against the thread host (project `integration-threads`). */
const ENGINE_THREADS_FILES = ['rest-api', 'multi-run-streaming', 'cancel-race', 'inspector', 'durable-runs', 'memory-api', 'history'];

export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'shared', root: 'packages/shared', include: ['test/**/*.test.ts'], environment: 'node' } },
      { resolve: { alias }, test: { name: 'engine', root: 'packages/engine', include: ['test/**/*.test.ts'], environment: 'node' } },
      { resolve: { alias }, test: { name: 'server', root: 'packages/server', include: ['test/**/*.test.ts'], environment: 'node' } },
      {
        plugins: [vue()],
        resolve: { alias },
        test: { name: 'web', root: 'packages/web', include: ['test/**/*.test.ts'], environment: 'happy-dom' },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          root: 'tests',
          include: ['integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The key black-box files again with the runs in engine worker threads (the harnesses read
        // ENGINE_THREADS; the `integration` project runs them in-process): REST and WebSocket must not differ.
        resolve: { alias },
        test: {
          name: 'integration-threads',
          root: 'tests',
          include: ENGINE_THREADS_FILES.map((f) => `integration/${f}.test.ts`),
          environment: 'node',
          env: { ENGINE_THREADS: '2' },
          // Every server start boots two engine threads (from sources, through tsx): slow on a busy machine.
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'reliability',
          root: 'tests',
          include: ['reliability/**/*.test.ts'],
          environment: 'node',
          // Spawned servers, kills and restarts, soaks: bounded in `npm test`, longer with RELIABILITY_LONG=1.
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          root: 'tests',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
