import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@tradingfloor/server';
import { chromium } from 'playwright-core';
import type { BenchOptions } from './bench-options.js';
import { atMost, figure, type Figure } from './figures.js';
import { traceMainThreadCpu } from './main-thread-cpu.js';

const WEB_DIST = fileURLToPath(new URL('../../packages/web/dist', import.meta.url));
const DEMO = ['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA', 'STARK', 'WAYNE', 'HOOLI'];
/**
 * Offline model latency per call: long enough that every run stays live for the whole measurement, and that
 * 500 runs' CPU (~0.1–0.2 s each) spreads over their two minutes instead of saturating the server's thread.
 */
const LATENCY_MS = 10_000;
/** How long the main thread is traced after the long-task window. */
const TRACE_MS = 10_000;

/** Weekdays going back from 2024-06-28, as many as asked. */
function tradeDates(n: number): string[] {
  const out: string[] = [];
  for (let d = new Date('2024-06-28T00:00:00Z'); out.length < n; d.setUTCDate(d.getUTCDate() - 1)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** What the page measures: long tasks since `start`, and the time from a click to the next painted frame. */
const PAGE_PROBES = `
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
    .observe({ type: 'longtask' });
  window.__clickToFrame = async (selector) => {
    const el = document.querySelector(selector);
    const t0 = performance.now();
    el.click();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t0;
  };
`;

/**
 * Board figures in Chromium (issue 17): `boardLiveRuns` offline runs (latency 10 s a call) live at once on the
 * board. After the first load: the longest long task (PerformanceObserver) while they stream, then the CPU time
 * of the page's main-thread tasks (traced), the time from a click on a sort header or filter chip to the next
 * frame, and the tab's JS heap.
 */
export async function measureBoardUi(options: BenchOptions): Promise<Figure[]> {
  const resultsDir = await mkdtemp(path.join(os.tmpdir(), 'tf-bench-board-'));
  const n = options.boardLiveRuns;
  const server = await startServer(
    { MAX_PARALLEL_RUNS: String(n + 10), MAX_TICKERS_PER_REQUEST: String(DEMO.length), RUN_RESULTS_MAX_AGE_DAYS: '0' },
    { port: 0, host: '127.0.0.1', resultsDir, webDist: WEB_DIST, log: () => {} },
  );
  const profile = await mkdtemp(path.join(os.tmpdir(), 'tf-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--enable-precise-memory-info'],
    viewport: { width: 1440, height: 900 },
  });
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.evaluate(() => localStorage.setItem('tradingfloor.ui.v1', JSON.stringify({ view: 'board', formCollapsed: true })));
    // Start every run first (many requests: a request holds each ticker once), then load the board.
    const dates = tradeDates(Math.ceil(n / DEMO.length));
    let started = 0;
    for (const date of dates) {
      const tickers = DEMO.slice(0, Math.min(DEMO.length, n - started));
      const res = await fetch(`${server.url}/start-multi`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ company_symbols: tickers.join(','), trade_date: date, offline_latency_ms: LATENCY_MS }),
      });
      if (res.status !== 202) throw new Error(`start-multi answered ${res.status}: ${await res.text()}`);
      started += tickers.length;
    }
    await page.reload({ timeout: 120_000 });
    await page.waitForFunction((count) => document.querySelector('[data-test="board-count"]')?.textContent?.includes(`of ${count} runs`), n, {
      timeout: 120_000,
    });
    await page.evaluate(PAGE_PROBES);
    // Live updates stream in for a while: every long task counts.
    await page.waitForTimeout(15_000);
    // Then, traced apart (tracing has a cost of its own): what the page's tasks cost in CPU, without the waits
    // for a core that a shared machine adds to their wall time.
    const cpu = await traceMainThreadCpu(context, page, TRACE_MS);
    const clicks: number[] = [];
    const filters: number[] = [];
    for (const sort of ['confidence', 'ticker', 'progress', 'tokens', 'duration']) {
      clicks.push(await page.evaluate((s) => (window as unknown as { __clickToFrame(sel: string): Promise<number> }).__clickToFrame(`button[data-sort="${s}"]`), sort));
    }
    for (const chip of ['[data-status-filter="in_progress"]', '[data-status-filter="in_progress"]', '[data-action-filter="SELL"]', '[data-action-filter="SELL"]']) {
      filters.push(await page.evaluate((s) => (window as unknown as { __clickToFrame(sel: string): Promise<number> }).__clickToFrame(s), chip));
    }
    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    // Asked of the server: the board renders only the rows in view.
    const listed = (await (await fetch(`${server.url}/runs?status=pending,in_progress&limit=1`)).json()) as { total: number };
    const live = listed.total;
    const heapBytes = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? Number.NaN);
    return [
      figure(`board UI: runs live at the end of the measurement (of ${n})`, live, 'runs'),
      figure('board UI: longest long task after the first load', longTasks.length ? Math.max(...longTasks) : 0, 'ms', atMost(50)),
      figure('board UI: long tasks (> 50 ms) after the first load', longTasks.length, 'count'),
      figure(`board UI: costliest main-thread task in ${TRACE_MS / 1000} s traced after, CPU time`, cpu.longestTaskCpuMs, 'ms'),
      figure('board UI: same task, wall time', cpu.longestTaskWallMs, 'ms'),
      figure('board UI: main-thread CPU per second of live updates', cpu.totalCpuMs / (TRACE_MS / 1000), 'ms/s'),
      figure('board UI: sort click → next frame, worst of 5', Math.max(...clicks), 'ms', atMost(100)),
      figure('board UI: filter click → next frame, worst of 4', Math.max(...filters), 'ms', atMost(100)),
      figure('board UI: tab JS heap used', heapBytes / 2 ** 20, 'MiB', atMost(150)),
    ];
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
    await server.close();
    await rm(resultsDir, { recursive: true, force: true });
  }
}
