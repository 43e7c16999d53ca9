import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEngineDepsFromEnv, RunManager } from '@tradingfloor/engine';
import { startFakeProvider } from '../support/fake-provider/index.js';

const fake = await startFakeProvider({ latencyMs: 100 });
const dir = await mkdtemp(path.join(os.tmpdir(), 'tf-bench-'));
const deps = createEngineDepsFromEnv({ OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'x' });
const m = new RunManager({ deps, resultsDir: dir, maxParallelRuns: 5000 , logBufferMaxLines: 5000});
for (let rep = 0; rep < 3; rep++) {
  const [r] = await m.start([{ ticker: 'ACME', options: { llm_provider: 'openai' } }]);
  await m.whenFinished(r!.run_id);
  if (rep < 2) continue;
  const { entries } = m.logs(r!.run_id)!;
  const t0 = entries[0]!.ts;
  for (const e of entries) console.log(e.ts - t0, e.severity, e.source, e.agent_id, e.message.slice(0, 100));
}
await m.shutdown();
await fake.close();
