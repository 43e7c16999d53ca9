// Entry of `npm run bench` (node --expose-gc tests/bench/run.mjs): loads TypeScript through tsx, then runs
// the bench. The benchmark and the fake LLM server are TypeScript; the engine and server come from their
// built packages (`npm run build` runs first).
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
