import { RunPageResponseSchema } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeDecision } from './support/fake-run-manager.js';
import { startTestApp, type TestApp } from './support/start-app.js';

let t: TestApp;

async function get(path: string) {
  const res = await fetch(`${t.url}${path}`);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('GET /runs paging, sorting and filters', () => {
  beforeEach(async () => {
    t = await startTestApp();
    const tickers = ['ACME', 'GLOBEX', 'INITECH', 'STARK', 'WAYNE', 'HOOLI', 'UMBRELLA'];
    tickers.forEach((ticker, i) => {
      const run = t.manager.create(ticker, `2024-01-0${i + 1}`);
      if (i % 2 === 0)
        t.manager.finish(run.run_id, 'completed', {
          ...fakeDecision(ticker, 'x'),
          action: i % 4 === 0 ? 'SELL' : 'BUY',
          confidence: i / 10,
        });
    });
  });
  afterEach(async () => t.close());

  it('answers as before without parameters, and with a single status', async () => {
    const all = await get('/runs');
    expect(Object.keys(all.json)).toEqual(['runs']);
    expect(all.json.runs).toEqual(JSON.parse(JSON.stringify(t.manager.list())));
    const completed = await get('/runs?status=completed');
    expect(completed.json.runs).toEqual(JSON.parse(JSON.stringify(t.manager.list({ status: 'completed' }))));
  });

  it('tags the unpaged list with a strong ETag and answers 304 without a body while it names the current list', async () => {
    // Uncompressed (fetch asks for gzip by default; the gzip encoding is tested below).
    const fetch = (url: string, init: { headers?: Record<string, string> } = {}) =>
      globalThis.fetch(url, { headers: { 'accept-encoding': 'identity', ...init.headers } });
    const first = await fetch(`${t.url}/runs`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await first.text();
    expect(first.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));

    const again = await fetch(`${t.url}/runs`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    // Another tag (or a list of tags without the current one) gets the whole answer.
    const other = await fetch(`${t.url}/runs`, { headers: { 'if-none-match': '"elsewhere", W/"older"' } });
    expect(other.status).toBe(200);
    expect(await other.text()).toBe(body);
    // A status filter is another answer: its own tag, and the unfiltered list's tag does not match it.
    const filtered = await fetch(`${t.url}/runs?status=completed`, { headers: { 'if-none-match': etag! } });
    expect(filtered.status).toBe(200);
    expect(filtered.headers.get('etag')).not.toBe(etag);
    await filtered.text();

    // A run changes: the old tag no longer matches, and the answer carries the change.
    const run = t.manager.create('NEWCO', '2024-02-01');
    const changed = await fetch(`${t.url}/runs`, { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    const runs = ((await changed.json()) as { runs: Array<{ run_id: string }> }).runs;
    expect(runs.map((r) => r.run_id)).toContain(run.run_id);
  });

  it('pages with limit and next_cursor, sorted by confidence descending, nulls last', async () => {
    const seen: Array<number | null> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/runs?limit=3&sort=-confidence${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = RunPageResponseSchema.parse(res.json);
      expect(page.total).toBe(7);
      seen.push(...page.runs.map((r) => r.confidence ?? null));
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([0.6, 0.4, 0.2, 0, null, null, null]);
  });

  it('filters by action, ticker search and trade date range', async () => {
    const sell = await get('/runs?action=SELL&sort=ticker');
    expect((sell.json.runs as Array<{ ticker: string }>).map((r) => r.ticker)).toEqual(['ACME', 'WAYNE']);
    const search = await get('/runs?q=ni&limit=10');
    expect((search.json.runs as Array<{ ticker: string }>).map((r) => r.ticker)).toEqual(['INITECH']);
    const range = await get('/runs?from=2024-01-02&to=2024-01-03&limit=10');
    expect(range.json.total).toBe(2);
  });

  it('refuses a bad query with 400 and a message naming the problem', async () => {
    for (const [query, words] of [
      ['sort=price', /sort must be one of/],
      ['limit=0', /limit/],
      ['action=MAYBE', /action/],
      ['from=2024-02-30', /from/],
      ['from=2024-03-01&to=2024-01-01', /from must not be after to/],
      ['cursor=zzz', /cursor/],
      ['colour=red', /colour/],
    ] as const) {
      const res = await get(`/runs?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json.error, query).toMatch(words);
    }
  });
});
