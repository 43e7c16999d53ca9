import { createEngineDepsFromEnv, RunManager } from '@tradingfloor/engine';
import { tempDir } from './engine-fixture.js';
const m = new RunManager({ deps: createEngineDepsFromEnv({}), resultsDir: await tempDir('x'), maxParallelRuns: 5 });
const [r] = await m.start([{ ticker: 'ACME', options: {} }]);
await m.whenFinished(r!.run_id);
const tree = m.get(r!.run_id)!.tree;
let n = 0; const walk = (t: any[], d: number): number => Math.max(d, ...t.map((x) => { n++; return walk(x.children, d + 1); }));
console.log('depth', walk(tree, 1), 'nodes', n, 'bytes', JSON.stringify(tree).length);
const { computePhaseMetrics } = await import('../../packages/server/src/metrics/phase-metrics.js');
const samples = Array.from({ length: 500 }, () => ({ status: 'completed' as const, tree }));
for (let i = 0; i < 5; i++) { const t = performance.now(); computePhaseMetrics(samples); console.log('ms', (performance.now() - t).toFixed(2)); }
await m.shutdown();
