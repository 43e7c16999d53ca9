import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunSummary } from '@tradingfloor/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { repoRoot, requireBuiltCli, spawnServer, type SpawnedServer } from '../support/spawned-server.js';
import { WsRecorder } from '../support/ws-recorder.js';
import { api, LONG, writeFigures } from './support.js';

/**
 * A long-lived server: three batches of runs (offline model, demo data), each with WebSocket clients
 * connecting and leaving all along, and the server's resident memory measured after each batch. With
 * finished runs bounded in memory (RUNS_IN_MEMORY) the second and third batches must not grow it by more
 * than a bound; every run stays listed and the evicted ones are served from disk. `npm test` runs a short
 * form (3 × 42 runs, 20 kept whole); RELIABILITY_LONG=1 the 3 × 98 runs with the default cap.
 */
const DEMO = ['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA', 'STARK', 'WAYNE', 'HOOLI'];
const REQUESTS_PER_BATCH = LONG ? 14 : 6;
const RUNS_PER_BATCH = REQUESTS_PER_BATCH * DEMO.length;
const RUNS_IN_MEMORY = Number(process.env.SOAK_RUNS_IN_MEMORY ?? (LONG ? 100 : 20));
/** Allowed growth, after a full GC, from the end of the first batch to the end of the third. */
const HEAP_GROWTH_BOUND_MIB = 8;
const RSS_GROWTH_BOUND_MIB = 48;

let results: string;
let server: SpawnedServer;

beforeAll(async () => {
  requireBuiltCli();
  results = await mkdtemp(path.join(os.tmpdir(), 'tf-soak-'));
  server = await spawnServer(['--results-dir', results], {
    MAX_PARALLEL_RUNS: '50',
    MAX_TICKERS_PER_REQUEST: '10',
    RUNS_IN_MEMORY: String(RUNS_IN_MEMORY),
    // Retention must not delete what the soak reads back.
    RUN_RESULTS_MAX_PER_TICKER: '0',
    // Test-only preload: a full GC and a memory line on SIGUSR2 (see gc-on-signal.cjs).
    NODE_OPTIONS: `--expose-gc --require ${path.join(repoRoot, 'tests/reliability/gc-on-signal.cjs')}`,
  });
});
afterAll(async () => {
  await server?.kill();
  await rm(results, { recursive: true, force: true });
});

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
let gcs = 0;

/** Heap used and RSS of the server right after a full GC it runs on SIGUSR2. */
async function memoryAfterGc(): Promise<{ heap: number; rss: number }> {
  gcs += 1;
  server.child.kill('SIGUSR2');
  const line = new RegExp(`soak-gc ${gcs} heapUsed=(\\d+) rss=(\\d+)`);
  await server.waitForOutput(line);
  const [, heap, rss] = line.exec(server.output())!;
  return { heap: mib(Number(heap)), rss: mib(Number(rss)) };
}

/** Starts one batch in requests of seven runs, with WebSocket clients coming and going meanwhile. */
async function batch(): Promise<void> {
  const before = ((await api(server.url, 'GET', '/runs')).json.runs as RunSummary[]).length;
  const wsUrl = server.url.replace('http', 'ws');
  for (let i = 0; i < REQUESTS_PER_BATCH; i++) {
    const started = await api(server.url, 'POST', '/start-multi', { company_symbols: DEMO.join(','), llm_provider: 'offline' });
    expect(started.status).toBe(202);
    // Churn: an aggregate client and a focused one per request, each leaving after its first message.
    const focused = started.json.runs[i % DEMO.length].run_id as string;
    const clients = await Promise.all([WsRecorder.connect(`${wsUrl}/ws`), WsRecorder.connect(`${wsUrl}/ws?run_id=${focused}`)]);
    await clients[1]!.next('init_run');
    await Promise.all(clients.map((c) => c.close()));
    // Keep within MAX_PARALLEL_RUNS: wait for this request's runs before the next one.
    await vi.waitFor(
      async () => {
        const runs = (await api(server.url, 'GET', '/runs')).json.runs as RunSummary[];
        expect(runs.filter((r) => ['pending', 'in_progress'].includes(r.status))).toHaveLength(0);
      },
      { timeout: 120_000, interval: 100 },
    );
  }
  const after = (await api(server.url, 'GET', '/runs')).json.runs as RunSummary[];
  expect(after).toHaveLength(before + RUNS_PER_BATCH);
  expect(after.every((r) => r.status === 'completed')).toBe(true);
}

describe('reliability: soak', () => {
  it(`3 × ${RUNS_PER_BATCH} runs with WebSocket churn: heap and RSS return within a bound after the first batch`, async () => {
    const memory = [await memoryAfterGc()];
    for (let b = 0; b < 3; b++) {
      await batch();
      memory.push(await memoryAfterGc());
    }
    // Runs of the first batch (evicted from memory long ago) are served from disk, whole.
    const runs = (await api(server.url, 'GET', '/runs')).json.runs as RunSummary[];
    const oldest = runs[0]!;
    const tree = await api(server.url, 'GET', `/runs/${oldest.run_id}/tree`);
    expect(tree.status).toBe(200);
    expect(JSON.stringify(tree.json).length).toBeGreaterThan(1000);
    const decision = await api(server.url, 'GET', `/runs/${oldest.run_id}/decision`);
    expect(decision.json.decision.action).toMatch(/BUY|SELL|HOLD/);
    const logs = await api(server.url, 'GET', `/runs/${oldest.run_id}/logs?limit=5`);
    expect(logs.json.entries.length).toBeGreaterThan(0);
    const ws = await WsRecorder.connect(`${server.url.replace('http', 'ws')}/ws?run_id=${oldest.run_id}`);
    expect((await ws.next('init_run')).status).toBe('completed');
    await ws.close();

    const heap = memory.map((m) => m.heap);
    const rss = memory.map((m) => m.rss);
    const figures = {
      long_form: LONG,
      runs_per_batch: RUNS_PER_BATCH,
      runs_in_memory: RUNS_IN_MEMORY,
      heap_after_gc_mib: heap,
      rss_after_gc_mib: rss,
      heap_growth_after_first_batch_mib: mib((heap[3]! - heap[1]!) * 1024 * 1024),
      rss_growth_after_first_batch_mib: mib((rss[3]! - rss[1]!) * 1024 * 1024),
    };
    await writeFigures('soak', figures);
    expect(heap[3]! - heap[1]!, JSON.stringify(figures)).toBeLessThanOrEqual(HEAP_GROWTH_BOUND_MIB);
    expect(rss[3]! - rss[1]!, JSON.stringify(figures)).toBeLessThanOrEqual(RSS_GROWTH_BOUND_MIB);
  });
});
