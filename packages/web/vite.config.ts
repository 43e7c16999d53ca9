import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** Where the dev server forwards API and WebSocket calls; the Koa host listens on 3000 by default. */
const api = process.env.TRADINGFLOOR_API ?? 'http://127.0.0.1:3000';
const proxied = [
  '/start-multi',
  '/start-process',
  '/runs',
  '/config',
  '/metrics',
  '/healthz',
  '/machine',
  '/backtests',
  '/openapi.json',
  '/docs',
];

export default defineConfig({
  plugins: [vue()],
  resolve: {
    // Bundle shared from source: its `.js` import suffixes resolve to the `.ts` files under vite.
    alias: { '@tradingfloor/shared': fileURLToPath(new URL('../shared/src/index.ts', import.meta.url)) },
  },
  server: {
    proxy: {
      ...Object.fromEntries(proxied.map((path) => [path, { target: api, changeOrigin: false }])),
      '/ws': { target: api, ws: true },
    },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // ELK (the inspector's graph layout, ~1.5 MB) is its own chunk, loaded only when an inspector opens.
    chunkSizeWarningLimit: 1600,
  },
});
