import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createEngineDeps, parseEngineEnv, RunManager } from '@tradingfloor/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBenchArgs, SHIPPED_NODE_ENV, SHIPPED_NODE_FLAGS, shippedEnvPrefix } from '../bench/bench-options.js';
import { compareFigures, formatComparison, pairOrder } from '../bench/compare-figures.js';
import { scaleFigures, type ScaleResult } from '../bench/concurrent-scale.js';
import { threadCpuMs } from '../bench/thread-cpu.js';
import { atLeast, atMost, figure, formatMarkdown, formatTable } from '../bench/figures.js';
import { criticalPathOf, saturatedThroughput, toCallRecord, type LlmCallRecord } from '../bench/llm-calls.js';
import { percentile } from '../bench/stats.js';
import { tempResultsDir } from '../support/server-harness.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider/index.js';

// The benchmark itself never runs in the test suite (`npm run bench`); these tests pin the parts its
// figures rest on, so a change in the engine's agent layout cannot silently skew them.

const call = (seq: number, caller: string, tools: number, receivedAt = seq): LlmCallRecord => ({
  seq,
  receivedAt,
  caller,
  tools,
  toolResults: 0,
});

describe('critical-path counting', () => {
  it('is the longest analyst chain plus every call after the analysts', () => {
    const calls = [
      call(1, 'market', 2),
      call(2, 'news', 2),
      call(3, 'market', 2),
      call(4, 'market', 2),
      call(5, 'news', 2),
      call(6, 'bull', 0),
      call(7, 'bear', 0),
      call(8, 'portfolio manager', 0),
    ];
    expect(criticalPathOf(calls)).toEqual({ calls: 6, longestAnalystChain: 3, sequentialCalls: 3, total: 8 });
  });

  describe('against a real run through the openai SDK and the fake provider server', () => {
    let fake: FakeProvider;
    let resultsDir: string;
    beforeAll(async () => {
      fake = await startFakeProvider({ latencyMs: 2 });
      resultsDir = await tempResultsDir();
    });
    afterAll(async () => {
      await fake.close();
      await rm(resultsDir, { recursive: true, force: true });
    });

    it('counts 2 analyst calls + 8 sequential calls out of 16 for the default run, and 16 in a row when sequential', async () => {
      const manager = new RunManager({
        deps: createEngineDeps(parseEngineEnv({ OPENAI_BASE_URL: fake.openaiBaseURL, OPENAI_API_KEY: 'bench-key' })),
        resultsDir,
        maxParallelRuns: 2,
      });
      try {
        const [parallel] = await manager.start([{ ticker: 'ACME', options: { llm_provider: 'openai' } }]);
        expect((await manager.whenFinished(parallel!.run_id)).status).toBe('completed');
        const path = criticalPathOf(fake.requests.map(toCallRecord));
        expect(path).toEqual({ calls: 10, longestAnalystChain: 2, sequentialCalls: 8, total: 16 });

        fake.reset();
        const [sequential] = await manager.start([{ ticker: 'ACME', options: { llm_provider: 'openai', sequential_analysts: true } }]);
        expect((await manager.whenFinished(sequential!.run_id)).status).toBe('completed');
        const arrivals = fake.requests.filter((r) => r.tools.length > 0).map((r) => r.system.slice(0, 30));
        // One analyst's two calls, then the next analyst's: no two analysts overlap.
        expect(arrivals.filter((caller, i) => i > 0 && caller !== arrivals[i - 1]).length).toBe(3);
      } finally {
        await manager.shutdown();
      }
    });
  });
});

describe('limiter throughput', () => {
  it('counts arrivals until the drain of the last K calls', () => {
    // K = 2 and L = 100 ms: two calls every 100 ms for 10 rounds.
    const calls = Array.from({ length: 20 }, (_, i) => call(i + 1, 'x', 0, Math.floor(i / 2) * 100));
    const measured = saturatedThroughput(calls, 2);
    expect(measured.calls).toBe(18);
    expect(measured.windowMs).toBe(900);
    expect(measured.perSecond).toBeCloseTo(20, 5);
  });

  it('reports nothing when there were never more calls than permits', () => {
    expect(saturatedThroughput([call(1, 'x', 0)], 2)).toEqual({ perSecond: 0, windowMs: 0, calls: 1 });
  });
});

describe('figures', () => {
  it('pass or fail against their target, and print it', () => {
    const figures = [
      figure('ratio', 1.234567, 'ratio', atMost(1.25)),
      figure('throughput', 0.5, 'ratio', atLeast(0.9)),
      figure('wall', 1234.56, 'ms'),
      figure('broken', Number.NaN, 'ms', atMost(5)),
    ];
    expect(figures.map((f) => [f.value, f.target, f.pass])).toEqual([
      [1.235, '<= 1.25', true],
      [0.5, '>= 0.9', false],
      [1234.6, null, null],
      [Number.NaN, '<= 5', false],
    ]);
    const table = formatTable(figures).split('\n');
    expect(table[2]).toMatch(/^ratio\s+1\.235\s+ratio\s+<= 1\.25\s+PASS/);
    expect(table[3]).toMatch(/FAIL\s*$/);
    expect(table[4]).toMatch(/info\s*$/);
    expect(table[5]).toMatch(/n\/a/);
    expect(formatMarkdown(figures)).toContain('| throughput | 0.5 ratio | >= 0.9 | FAIL |');
  });

  it('use nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile([], 99)).toBeNaN();
  });
});

describe('bench options', () => {
  it('defaults to the full run and shrinks everything with --smoke', () => {
    const full = parseBenchArgs([]);
    expect(full).toMatchObject({ mode: 'full', latencyMs: 100, scaleN: [1, 10, 100, 1000], out: 'bench/results.json' });
    const smoke = parseBenchArgs(['--smoke', '--only=api,scale', '--latency-ms=3']);
    expect(smoke).toMatchObject({ mode: 'smoke', latencyMs: 3, only: ['api', 'scale'], out: 'bench/results-smoke.json' });
    expect(Math.max(...smoke.scaleN)).toBeLessThan(10);
  });

  it('refuses what it does not know, with the usage', () => {
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown option --fast[\s\S]*usage: npm run bench/);
    expect(() => parseBenchArgs(['--latency-ms=0'])).toThrow(/whole number ≥ 1, got "0"/);
    expect(() => parseBenchArgs(['--scale=10,x'])).toThrow(/got "x"/);
    expect(() => parseBenchArgs(['--out'])).toThrow(/--out: expected --out=value/);
  });
});

describe('issue 13 figures', () => {
  it('parses the user-latency, server-load, offline and node-flag options', () => {
    const full = parseBenchArgs([]);
    expect(full).toMatchObject({
      userLatencyMs: 1000,
      userScaleN: [1, 100, 1000],
      serverLoadLatenciesMs: [1000, 100],
      nodeFlags: SHIPPED_NODE_FLAGS,
      nodeEnv: SHIPPED_NODE_ENV,
    });
    const custom = parseBenchArgs(['--user-scale=1,50', '--server-load-latency-ms=100', '--offline-runs=7', '--node-flags=none']);
    expect(custom).toMatchObject({ userScaleN: [1, 50], serverLoadLatenciesMs: [100], offlineRuns: 7, nodeFlags: [] });
    expect(parseBenchArgs(['--node-flags=--max-semi-space-size=64']).nodeFlags).toEqual(['--max-semi-space-size=64']);
    expect(parseBenchArgs(['--node-env=none']).nodeEnv).toEqual({});
    expect(parseBenchArgs(['--node-env=MALLOC_ARENA_MAX=4 FOO=a=b']).nodeEnv).toEqual({ MALLOC_ARENA_MAX: '4', FOO: 'a=b' });
    expect(() => parseBenchArgs(['--node-env=MALLOC_ARENA_MAX'])).toThrow(/--node-env.*expected VAR=value pairs/);
  });

  it('measures with the heap flags and environment the launch scripts ship with', () => {
    const root = new URL('../../', import.meta.url);
    const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const launch = `${shippedEnvPrefix()} node ${SHIPPED_NODE_FLAGS.join(' ')}`;
    expect(shippedEnvPrefix({ A: '1', B: 'x=y' })).toBe('A=1 B=x=y');
    for (const name of ['start', 'serve', 'dev', 'cli']) expect(scripts[name]).toContain(`${launch} packages/server/dist/cli.js`);
    const shebang = readFileSync(new URL('packages/server/src/cli.ts', root), 'utf8').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S ${launch}`);
  });

  it("counts the calling thread's CPU time, which grows with work done in it", () => {
    const before = threadCpuMs();
    let x = 0;
    const until = performance.now() + 60;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    const after = threadCpuMs();
    expect(after.perThread).toBe(process.platform === 'linux');
    expect(after.ms).toBeGreaterThan(before.ms);
    expect(x).toBeGreaterThan(0);
  });

  it('gives the scale figures their issue-13 targets by N', () => {
    const result = (n: number, wallMs: number): ScaleResult => ({
      n,
      latencyMs: 1000,
      wallMs,
      peakRss: 900 * 2 ** 20,
      lifetimePeakRss: 0,
      rssBefore: 100 * 2 ** 20,
      cpuMsPerRun: 20,
      engineCpuMsPerRun: 12,
      enginePerThread: true,
      engineThreads: 1,
      engineActiveMsPerRun: 14,
      engineLoopTurnsPerRun: 70,
      supervisorCpuMsPerRun: 5,
      startSpreadMs: 300,
      maxLlmInFlight: n,
    });
    const figures = scaleFigures([result(1, 10_000), result(100, 11_000)], { ratio: { 100: 1.15 }, engineCpuMs: { 100: 15 } });
    const byName = Object.fromEntries(figures.map((f) => [f.name, f]));
    expect(byName['scale N=100, L=1000 ms: wall / single-run wall']).toMatchObject({ value: 1.1, target: '<= 1.15', pass: true });
    expect(byName['scale N=100, L=1000 ms: engine-thread CPU per run, read inside 1 engine worker thread(s)']).toMatchObject({ value: 12, target: '<= 15', pass: true });
    expect(byName['scale N=100, L=1000 ms: supervising thread CPU per run']).toMatchObject({ value: 5, target: null });
    expect(byName["scale N=100, L=1000 ms: engine threads' event-loop turns per run"]).toMatchObject({ value: 70, unit: 'turns', target: null });
    // What the whole process spent beyond the engine and supervising threads: 20 − 12 − 5.
    expect(byName["scale N=100, L=1000 ms: CPU per run of the other threads (GC and compiler helpers, libuv's pool)"]).toMatchObject({ value: 3, target: null });
    expect(byName['scale N=100, L=1000 ms: first run started → last started']).toMatchObject({ value: 300, target: null });
  });
});

describe('comparing two builds (bench:compare)', () => {
  const f = (name: string, value: number) => figure(name, value, 'ms');

  it('alternates which build runs first in a round', () => {
    expect(pairOrder(4)).toEqual([
      ['a', 'b'],
      ['b', 'a'],
      ['a', 'b'],
      ['b', 'a'],
    ]);
    expect(() => pairOrder(0)).toThrow(RangeError);
    expect(() => pairOrder(1.5)).toThrow(RangeError);
  });

  it('pairs each figure within its round and takes the medians of the values and of B − A', () => {
    const a = [[f('cpu', 20), f('rss', 400)], [f('cpu', 18)], [f('cpu', 22), f('rss', 410)]];
    const b = [[f('cpu', 19), f('rss', 380), f('only b', 1)], [f('cpu', 19)], [f('cpu', 17), f('rss', 420)]];
    const [cpu, rss, ...rest] = compareFigures(a, b);
    expect(rest).toEqual([]);
    expect(cpu).toMatchObject({ name: 'cpu', unit: 'ms', a: [20, 18, 22], b: [19, 19, 17], medianA: 20, medianB: 19, bLower: 2 });
    // Differences −1, +1, −5: their median, not the difference of the medians (−1 as well here, not always).
    expect(cpu!.medianDifference).toBe(-1);
    // The round without rss on both sides is left out of both.
    expect(rss).toMatchObject({ a: [400, 410], b: [380, 420], bLower: 1 });
    expect(formatComparison([cpu!])).toMatch(/cpu \(ms\)\s+20, 18, 22\s+19, 19, 17\s+20\s+19\s+-1\s+2 of 3/);
  });

  it('refuses rounds that do not have a run of both builds', () => {
    expect(() => compareFigures([[f('cpu', 1)]], [])).toThrow(/each round needs a run of both builds/);
  });
});
