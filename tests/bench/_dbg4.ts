import { computePhaseMetrics } from '../../packages/server/src/metrics/phase-metrics.js';
import { createEngineDepsFromEnv, RunManager } from '@tradingfloor/engine';
import { seedStoredRuns } from './api-latency.js';
const dir = await seedStoredRuns(500);
const m = new RunManager({ deps: createEngineDepsFromEnv({}), resultsDir: dir, maxParallelRuns: 5 });
await m.loadHistory();
for (let i = 0; i < 8; i++) {
  const t0 = performance.now();
  const list = m.list();
  const t1 = performance.now();
  const samples = list.map((s) => ({ status: s.status, tree: m.get(s.run_id)?.tree ?? [] }));
  const t2 = performance.now();
  computePhaseMetrics(samples);
  const t3 = performance.now();
  const json = JSON.stringify({ runs: list });
  const t4 = performance.now();
  console.log('list', (t1 - t0).toFixed(2), 'get', (t2 - t1).toFixed(2), 'metrics', (t3 - t2).toFixed(2), 'json', (t4 - t3).toFixed(2), json.length);
}
const t = m.get(m.list()[3]!.run_id)!.tree;
let n = 0; const walk = (x: any[]) => x.forEach((y) => { n++; walk(y.children); });
walk(t);
console.log('nodes', n, 'bytes', JSON.stringify(t).length, Object.keys(t[0]!));
const { phaseNodes } = await import('../../packages/server/src/metrics/phase-metrics.js');
const trees = m.list().map((s) => m.get(s.run_id)!.tree);
for (let i = 0; i < 3; i++) { let t0 = performance.now(); let c = 0; for (const tr of trees) c += phaseNodes(tr).length; console.log('phaseNodes', (performance.now() - t0).toFixed(2), c);
 t0 = performance.now(); const ph = trees.flatMap((tr) => phaseNodes(tr)); const t1 = performance.now(); let s = 0; for (const p of ph) { if (p.duration_ms !== null) s += p.duration_ms; } console.log('collect', (t1 - t0).toFixed(2), 'sum', (performance.now() - t1).toFixed(2), ph.length); }
