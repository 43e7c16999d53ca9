import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEngineDepsFromEnv, RunManager } from '@tradingfloor/engine';
import { startFakeProvider } from '../support/fake-provider/index.js';

const L = Number(process.argv[2] ?? 100);
const N = Number(process.argv[3] ?? 1);
const seqA = process.argv[4] === 'seq';
const fake = await startFakeProvider({ latencyMs: L });
const dir = await mkdtemp(path.join(os.tmpdir(), 'tf-bench-'));
const deps = createEngineDepsFromEnv({ OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'x' });
const m = new RunManager({ deps, resultsDir: dir, maxParallelRuns: 5000 });
const tickers = ['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA', 'STARK', 'WAYNE', 'HOOLI'];
for (let rep = 0; rep < 2; rep++) {
  fake.reset();
  const t0 = performance.now();
  const runs = await m.start(Array.from({ length: N }, (_, i) => ({ ticker: tickers[i % 7]!, options: { llm_provider: 'openai' as const, sequential_analysts: seqA } })));
  const t1 = performance.now();
  const res = await Promise.all(runs.map((r) => m.whenFinished(r.run_id)));
  const t2 = performance.now();
  console.log({ rep, startMs: Math.round(t1 - t0), wallMs: Math.round(t2 - t0), requests: fake.requests.length, statuses: [...new Set(res.map((r) => r.status))], rss: Math.round(process.memoryUsage().rss / 2 ** 20), maxInFlight: fake.maxInFlight });
  if (N === 1) {
    const reqs = fake.requests;
    for (const r of reqs) console.log(r.seq, r.receivedAt - reqs[0]!.receivedAt, r.tools.length, r.toolResults, r.system.slice(0, 60).replace(/\n/g, ' '));
  }
}
await m.shutdown();
await fake.close();
