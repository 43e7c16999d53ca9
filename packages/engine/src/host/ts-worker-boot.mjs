// Boots an engine worker thread from TypeScript sources (tests run the engine from src/): registers tsx in
// this thread, then imports the real entry. Built code starts `runs/engine-worker.js` directly.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
