/**
 * Hostile inputs generated with fast-check against a real server on 127.0.0.1: REST bodies, query strings
 * and path segments, and WebSocket frames. Each must get a clear 4xx with `{ "error": "..." }` (or an `error`
 * message on the socket) — never a 5xx, a hang or a dead server. Figures are in README.md ("hostile inputs").
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/server-harness.js';

let h: Harness;
const unexpected: string[] = [];
const tally = { rest: 0, ws: 0 };

beforeAll(async () => {
  h = await startHarness({ env: { MAX_PARALLEL_RUNS: '50', MAX_TICKERS_PER_REQUEST: '3', WS_RESYNC_BURST: '1000' } });
});
afterAll(async () => {
  await h?.close();
});

/** Field names the start body knows, plus prototype names and junk, so generated bodies hit real branches. */
const FIELD = fc.oneof(
  fc.constantFrom(
    'company_symbols',
    'ticker',
    'trade_date',
    'analysis_date',
    'analysts',
    'max_debate_rounds',
    'max_risk_discuss_rounds',
    'llm_provider',
    'quick_think_llm',
    'deep_think_llm',
    'offline_latency_ms',
    'sequential_analysts',
    'cost_per_trade',
    'data_vendors',
    'instrument_positions',
    '__proto__',
    'constructor',
    'prototype',
  ),
  fc.string({ maxLength: 20 }),
);
const VALUE = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('ACME', 'ACME,GLOBEX', '2024-02-30', '9999-12-31', 'market,news', 'openai', '__proto__', '-1', '1e309', ''),
  fc.string({ maxLength: 200 }),
);
const BODY = fc.dictionary(FIELD, VALUE, { maxKeys: 6 });

/** Checks one HTTP answer: 2xx, or a 4xx with a short `{ error }`; never a 5xx. */
function expectClearAnswer(res: { status: number; json: unknown; text: string }, what: string): void {
  if (res.status >= 500) unexpected.push(`${what} → ${res.status} ${res.text.slice(0, 200)}`);
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.json, what).toEqual({ error: expect.any(String) });
    expect((res.json as { error: string }).error.length, what).toBeLessThan(4_000);
  }
}

async function cancelStarted(json: unknown): Promise<void> {
  const runs = (json as { runs?: Array<{ run_id: string }> } | undefined)?.runs ?? [];
  for (const run of runs) await h.api('POST', `/runs/${encodeURIComponent(run.run_id)}/cancel`);
}

describe('hostile REST input', () => {
  it('start bodies (JSON and form): a clear 4xx or a start, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(BODY, fc.boolean(), async (body, asForm) => {
        tally.rest += 1;
        const res = asForm
          ? await h.api('POST', '/start-multi', {
              form: Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
            })
          : await h.api('POST', '/start-multi', { json: body });
        expectClearAnswer(res, `POST /start-multi ${JSON.stringify(body).slice(0, 300)}`);
        await cancelStarted(res.json);
      }),
      { numRuns: 150 },
    );
  });

  it('raw bodies that are not what the content type says', async () => {
    const contentType = fc.constantFrom(
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/json; charset=latin1',
      '',
    );
    await fc.assert(
      fc.asyncProperty(
        contentType,
        fc.oneof(
          fc.string({ maxLength: 500 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (type, raw) => {
          tally.rest += 1;
          const res = await fetch(`${h.url}/start-multi`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body: raw });
          const text = await res.text();
          const json = res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as unknown) : undefined;
          expectClearAnswer({ status: res.status, json, text }, `POST ${type} ${raw.slice(0, 200)}`);
          await cancelStarted(json);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('path segments and query strings', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom('__proto__', 'constructor', '..', '%00', 'ACME--2024-01-01_00.00.00--abcdef'),
    );
    const query = fc.dictionary(
      fc.oneof(
        fc.constantFrom('status', 'severity', 'limit', 'after_seq', 'q', 'sources', 'token', '__proto__'),
        fc.string({ maxLength: 10 }),
      ),
      fc.string({ maxLength: 40 }),
      { maxKeys: 4 },
    );
    const route = fc.constantFrom(
      '/runs',
      '/runs/:id/status',
      '/runs/:id/tree',
      '/runs/:id/decision',
      '/runs/:id/logs',
      '/runs/:id/logs/download',
      '/runs/:id/inspect',
      '/runs/:id/chart',
    );
    await fc.assert(
      fc.asyncProperty(route, segment, query, async (template, id, params) => {
        tally.rest += 1;
        const url = `${template.replace(':id', encodeURIComponent(id))}?${new URLSearchParams(params).toString()}`;
        const res = await h.api('GET', url);
        expectClearAnswer(res, `GET ${url}`);
      }),
      { numRuns: 150 },
    );
  });
});

describe('hostile WebSocket frames', () => {
  it('every frame gets an answer or an error message, and the connection stays usable', async () => {
    const ws = await h.ws();
    await ws.next('init_all');
    const frame = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc
        .record({
          action: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('resync', 'log_dump', 'inspect_dump', '__proto__', 'constructor')),
        })
        .map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 300 }),
    );
    await fc.assert(
      fc.asyncProperty(frame, async (text) => {
        tally.ws += 1;
        const before = ws.messages.length;
        ws.send(text);
        // A ping after every frame: its pong proves the frame before it was answered and the socket lives.
        ws.send({ action: 'ping' });
        const pong = await ws.waitFor((m) => m.type === 'pong', before, 5_000);
        const replies = ws.messages.slice(before, ws.messages.indexOf(pong));
        for (const reply of replies) expect(['error', 'init_all', 'pong', 'status_update_aggregate']).toContain(reply.type);
      }),
      { numRuns: 200 },
    );
  });
});

describe('afterwards', () => {
  it('the server is healthy, answers normally and never answered 5xx', async () => {
    const health = await h.api('GET', '/healthz');
    expect(health.status).toBe(200);
    const start = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME', analysts: 'market' } });
    expect(start.status).toBe(202);
    await cancelStarted(start.json);
    expect(unexpected).toEqual([]);
    expect(tally.rest).toBeGreaterThanOrEqual(400);
    expect(tally.ws).toBeGreaterThanOrEqual(200);
  });
});
