// The server's public surface: what embeds it (the benchmarks start it in-process). The CLI is src/cli.ts.
export { createApp } from './app.js';
export { loadServerConfig } from './config.js';
export { startServer, type RunningServer } from './serve.js';
