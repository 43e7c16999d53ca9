import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '@tradingfloor/shared';
import { parseBenchArgs, shippedEnvPrefix, type BenchOptions } from './bench-options.js';
import { scaleFigures, type ScaleResult } from './concurrent-scale.js';
import { formatTable, machineInfo, type Figure } from './figures.js';
import { REPO_ROOT, startWorker } from './worker-rpc.js';

/** Runs one group in a fresh worker process and returns what it measured. */
async function inWorker<T>(group: string, options: BenchOptions, args?: unknown): Promise<T> {
  // The measured process runs with the heap flags and environment the launch scripts ship with (or `--node-flags`, `--node-env`).
  const worker = await startWorker('group-worker.ts', { execArgv: options.nodeFlags, env: options.nodeEnv });
  try {
    return await worker.call<T>('run', { group, options, args });
  } finally {
    await worker.stop();
  }
}

/** The groups in the order they run and print; each returns its figures. */
const PLAN: Array<{ name: string; run(options: BenchOptions): Promise<Figure[]> }> = [
  { name: 'critical-path', run: (o) => inWorker('critical-path', o) },
  {
    name: 'scale',
    async run(o) {
      const results: ScaleResult[] = [];
      for (const n of o.scaleN) {
        log(`  scale N=${n}…`);
        results.push(await inWorker<ScaleResult>('scale', o, { n }));
      }
      return scaleFigures(results);
    },
  },
  {
    // Issue 13's targets, at the latency of real models (L = 1 s by default).
    name: 'users',
    async run(o) {
      const results: ScaleResult[] = [];
      for (const n of o.userScaleN) {
        log(`  users N=${n}, L=${o.userLatencyMs} ms…`);
        results.push(await inWorker<ScaleResult>('scale', o, { n, latencyMs: o.userLatencyMs }));
      }
      return scaleFigures(results, {
        ratio: { 100: 1.15, 1000: 2.0 },
        peakRssMiB: { 1000: 1024 },
        engineCpuMs: { 100: 15 },
        startSpreadMs: { 1000: 500 },
      });
    },
  },
  { name: 'start', run: (o) => inWorker('start', o) },
  { name: 'limiter', run: (o) => inWorker('limiter', o) },
  {
    name: 'server-load',
    async run(o) {
      const figures: Figure[] = [];
      for (const latencyMs of o.serverLoadLatenciesMs) {
        log(`  server-load L=${latencyMs} ms…`);
        figures.push(...(await inWorker<Figure[]>('server-load', o, { latencyMs })));
      }
      return figures;
    },
  },
  // Issue 8's memory line, of the shipped server process itself (server-load's process also holds the bench).
  { name: 'server-rss', run: (o) => inWorker('server-rss', o) },
  { name: 'patch-efficiency', run: (o) => inWorker('patch-efficiency', o) },
  { name: 'offline', run: (o) => inWorker('offline', o) },
  { name: 'api', run: (o) => inWorker('api', o) },
  { name: 'backtest', run: (o) => inWorker('backtest', o) },
  { name: 'board-api', run: (o) => inWorker('board-api', o) },
  { name: 'board-ui', run: (o) => inWorker('board-ui', o) },
  // Issue 15: a real redis-server and `tradingfloor worker` processes (skipped when redis-server is missing).
  { name: 'queue', run: (o) => inWorker('queue', o) },
];

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    log(errorMessage(error));
    return 2;
  }
  const unknown = options.only.filter((g) => !PLAN.some((p) => p.name === g));
  if (unknown.length > 0) {
    log(`unknown group(s): ${unknown.join(', ')}; groups: ${PLAN.map((p) => p.name).join(', ')}`);
    return 2;
  }
  const machine = machineInfo(options.mode, options.latencyMs);
  machine.node_flags = options.nodeFlags;
  machine.node_env = options.nodeEnv;
  if (process.env.ENGINE_THREADS !== undefined) machine.engine_threads = process.env.ENGINE_THREADS;
  const t0 = performance.now();
  const figures: Figure[] = [];
  log(`TradingFloor bench (${options.mode}, L=${options.latencyMs} ms, node flags: ${options.nodeFlags.join(' ') || 'none'}, env: ${shippedEnvPrefix(options.nodeEnv) || 'none'}) on ${machine.cpus} × ${machine.cpu_model}, load ${machine.load_avg_at_start.join(' ')}`);
  for (const group of PLAN) {
    if (options.only.length > 0 && !options.only.includes(group.name)) continue;
    log(`- ${group.name}`);
    const t = performance.now();
    figures.push(...(await group.run(options)));
    log(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  machine.duration_s = Number(((performance.now() - t0) / 1000).toFixed(1));
  const out = path.resolve(REPO_ROOT, options.out);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ machine, figures }, null, 2)}\n`);
  console.log(formatTable(figures));
  console.log(`\nwritten to ${path.relative(REPO_ROOT, out)} in ${machine.duration_s} s`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
