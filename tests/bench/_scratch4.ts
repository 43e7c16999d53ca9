import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { createEngineDepsFromEnv, RunManager } from '@tradingfloor/engine';
import { startWorker } from './worker-rpc.js';

const L = Number(process.argv[2] ?? 100);
const N = Number(process.argv[3] ?? 1);
const prof = process.argv[4] === 'prof';
const w = await startWorker('fake-llm-worker.ts');
const { openaiBaseURL } = await w.call<{ openaiBaseURL: string }>('start', { latencyMs: L });
const dir = await mkdtemp(path.join(os.tmpdir(), 'tf-bench-'));
const deps = createEngineDepsFromEnv({ OPENAI_BASE_URL: openaiBaseURL, OPENAI_API_KEY: 'x' });
const m = new RunManager({ deps, resultsDir: dir, maxParallelRuns: 5000 });
const tickers = ['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA', 'STARK', 'WAYNE', 'HOOLI'];
const session = new Session();
session.connect();
for (let rep = 0; rep < 3; rep++) {
  await w.call('reset');
  if (prof && rep === 2) { await session.post('Profiler.enable'); await session.post('Profiler.start'); }
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const runs = await m.start(Array.from({ length: N }, (_, i) => ({ ticker: tickers[i % 7]!, options: { llm_provider: 'openai' as const } })));
  const t1 = performance.now();
  const res = await Promise.all(runs.map((r) => m.whenFinished(r.run_id)));
  const t2 = performance.now();
  const cpu = process.cpuUsage(c0);
  if (prof && rep === 2) { const { profile } = await session.post('Profiler.stop'); await writeFile('/tmp/prof/rep.cpuprofile', JSON.stringify(profile)); }
  const s = await w.call<{ count: number; maxInFlight: number }>('summary');
  console.log({ rep, startMs: Math.round(t1 - t0), wallMs: Math.round(t2 - t0), cpuMsPerRun: ((cpu.user + cpu.system) / 1000 / N).toFixed(1), ...s, statuses: [...new Set(res.map((r) => r.status))].join(), rss: Math.round(process.memoryUsage().rss / 2 ** 20) });
}
await m.shutdown();
await w.stop();
