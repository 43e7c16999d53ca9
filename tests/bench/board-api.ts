import { rm } from 'node:fs/promises';
import type { BenchOptions } from './bench-options.js';
import { seedStoredRuns, serveHistory } from './api-latency.js';
import { atMost, figure, type Figure } from './figures.js';
import { percentile } from './stats.js';

/** The board's requests: the first page, sorted, filtered and a page further on (issue 17). */
const QUERIES = ['/runs?limit=50', '/runs?limit=50&sort=-confidence', '/runs?limit=50&action=SELL&q=A&sort=ticker'];

/**
 * Board API figures: `GET /runs?limit=50` (and a sorted and a filtered page) with `boardStoredRuns` runs in
 * the history, one request at a time over a keep-alive connection, p99 client-side (target ≤ 10 ms).
 */
export async function measureBoardApi(options: BenchOptions): Promise<Figure[]> {
  const resultsDir = await seedStoredRuns(options.boardStoredRuns);
  const api = await serveHistory(resultsDir);
  try {
    const first = await api.request('GET', '/runs?limit=1');
    const stored = (first.json as { total: number }).total;
    if (stored !== options.boardStoredRuns) throw new Error(`the server lists ${stored} runs, ${options.boardStoredRuns} were stored`);
    const figures: Figure[] = [figure(`board: the history loaded at start (${stored} runs: temp-file sweep, every run directory read, listed)`, api.loadMs, 'ms')];
    for (const endpoint of QUERIES) {
      for (let i = 0; i < 50; i++) await api.request('GET', endpoint); // warm-up (and the lazy sort)
      // Loading 10,000 runs leaves garbage behind: collect it now rather than inside the measured requests.
      (globalThis as { gc?: () => void }).gc?.();
      api.serverMs.length = 0;
      const times: number[] = [];
      for (let i = 0; i < options.apiRequests; i++) {
        const answer = await api.request('GET', endpoint);
        if (answer.status !== 200) throw new Error(`GET ${endpoint} answered ${answer.status}`);
        times.push(answer.ms);
      }
      const target = endpoint === QUERIES[0] ? atMost(10) : undefined;
      figures.push(figure(`board GET ${endpoint} p99, client-side (${stored} runs stored)`, percentile(times, 99), 'ms', target));
      figures.push(figure(`board GET ${endpoint} p50, client-side`, percentile(times, 50), 'ms'));
      figures.push(figure(`board GET ${endpoint} p99, in the server`, percentile(api.serverMs, 99), 'ms'));
    }
    // Walking pages with the cursor, as a client scrolling the whole history would.
    let cursor: string | null = null;
    const pageTimes: number[] = [];
    for (let i = 0; i < 40; i++) {
      const answer = await api.request('GET', `/runs?limit=50&sort=-created_at${cursor ? `&cursor=${cursor}` : ''}`);
      pageTimes.push(answer.ms);
      cursor = (answer.json as { next_cursor: string | null }).next_cursor;
      if (cursor === null) break;
    }
    figures.push(figure('board GET /runs next pages (cursor) p99, client-side', percentile(pageTimes, 99), 'ms'));
    return figures;
  } finally {
    await api.close();
    await rm(resultsDir, { recursive: true, force: true });
  }
}
