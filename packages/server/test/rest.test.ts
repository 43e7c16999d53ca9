import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeDecision, FakeRunManager } from './support/fake-run-manager.js';
import { startTestApp, type TestApp } from './support/start-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function call(
  method: string,
  urlPath: string,
  init: { json?: unknown; form?: Record<string, string>; headers?: Record<string, string>; raw?: string } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined = init.raw;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const res = await fetch(`${t!.url}${urlPath}`, { method, headers, body });
  const text = await res.text();
  const json: unknown = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON bodies
  return { status: res.status, json: json as Record<string, any>, text, headers: res.headers };
}

/** A request with headers fetch will not let us set (`Host`). */
async function rawRequest(method: string, urlPath: string, headers: Record<string, string>, json?: unknown) {
  const { request } = await import('node:http');
  const body = json === undefined ? undefined : JSON.stringify(json);
  return new Promise<{ status: number; json: Record<string, unknown> | undefined }>((resolve, reject) => {
    const req = request(
      `${t!.url}${urlPath}`,
      { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: res.headers['content-type']?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('POST /start-multi and /start-process', () => {
  it('starts one run per merged ticker from JSON (202)', async () => {
    t = await startTestApp();
    const res = await call('POST', '/start-multi', {
      json: { company_symbols: 'acme,globex,ACME', analysis_date: '2024-01-05', max_debate_rounds: 2 },
    });
    expect(res.status).toBe(202);
    expect(res.json.count).toBe(2);
    expect(res.json.runs.map((r: { ticker: string }) => r.ticker)).toEqual(['ACME', 'GLOBEX']);
    expect(t.manager.started[0]).toEqual([
      { ticker: 'ACME', options: { trade_date: '2024-01-05', max_debate_rounds: 2 } },
      { ticker: 'GLOBEX', options: { trade_date: '2024-01-05', max_debate_rounds: 2 } },
    ]);
  });

  it('accepts the seed form fields, positions as a JSON string', async () => {
    t = await startTestApp();
    const res = await call('POST', '/start-multi', {
      form: {
        company_symbols: 'ACME',
        llm_provider: 'offline',
        analysts: 'market,news',
        cost_per_trade: '1.5',
        instrument_positions: '{"ACME":{"side":"long","entry_price":10}}',
        sequential_analysts: 'on',
      },
    });
    expect(res.status).toBe(202);
    expect(t.manager.started[0]).toEqual([
      {
        ticker: 'ACME',
        options: { llm_provider: 'offline', analysts: ['market', 'news'], cost_per_trade: 1.5, sequential_analysts: true },
        position: { side: 'long', entry_price: 10 },
      },
    ]);
  });

  it.each([
    [{ company_symbols: 'ACME,B@D,../x' }, /invalid tickers: .*"B@D".*"\.\.\/x"/],
    [{ company_symbols: 'A,B,C,D,E,F,G,H,I,J,K' }, /too many tickers: 11 given, at most 10/],
    [{ company_symbols: 'ACME', colour: 'red' }, /unknown field "colour"/],
    [{ company_symbols: 'ACME', max_debate_rounds: 50 }, /max_debate_rounds: at most 10 rounds/],
    [{ company_symbols: 'ACME', analysis_date: '2024-02-30' }, /analysis_date: not a real calendar date/],
    [{ company_symbols: 'ACME', analysis_date: '2099-01-02' }, /after the data's last date/],
    [{ company_symbols: 'ACME', instrument_positions: '{"MSFT":{"side":"none"}}' }, /instrument_positions names MSFT/],
  ])('400 and nothing started for %j', async (json, message) => {
    t = await startTestApp();
    const res = await call('POST', '/start-multi', { json });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
    expect(t.manager.list()).toEqual([]);
  });

  it('429 when the batch would exceed MAX_PARALLEL_RUNS, nothing created', async () => {
    t = await startTestApp({ env: { MAX_PARALLEL_RUNS: '2' }, manager: new FakeRunManager({ maxParallelRuns: 2 }) });
    expect((await call('POST', '/start-multi', { json: { company_symbols: 'A' } })).status).toBe(202);
    const res = await call('POST', '/start-multi', { json: { company_symbols: 'B,C' } });
    expect(res.status).toBe(429);
    expect(res.json.error).toMatch(/MAX_PARALLEL_RUNS=2/);
    expect(t.manager.list()).toHaveLength(1);
  });

  it('single-run mode: one symbol per request and one active run at a time', async () => {
    t = await startTestApp({ env: { ENABLE_MULTI_RUN: '0' } });
    expect((await call('POST', '/start-multi', { json: { company_symbols: 'A,B' } })).status).toBe(400);
    const [a, b] = await Promise.all([
      call('POST', '/start-multi', { json: { company_symbols: 'A' } }),
      call('POST', '/start-process', { json: { ticker: 'B' } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 429]);
    expect(t.manager.list()).toHaveLength(1);
  });

  it('legacy /start-process starts one run and names it at the top level', async () => {
    t = await startTestApp();
    const res = await call('POST', '/start-process', { form: { company_symbol: 'acme' } });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ count: 1, runs: [{ ticker: 'ACME' }], run_id: res.json.runs[0].run_id });
    expect((await call('POST', '/start-process', { json: { company_symbols: 'A,B' } })).json.error).toMatch(/starts one run/);
  });

  it('maps bad JSON, a non-object body and an oversized body to clear errors', async () => {
    t = await startTestApp({ env: { BODY_LIMIT: '2kb' } });
    const bad = await call('POST', '/start-multi', { raw: '{"company_symbols":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/not valid JSON/);
    expect((await call('POST', '/start-multi', { json: ['ACME'] })).status).toBe(400);
    const none = await call('POST', '/start-multi');
    expect(none.json.error).toMatch(/send a JSON object or a form-encoded body/);
    const big = await call('POST', '/start-multi', { json: { company_symbols: 'A'.repeat(5000) } });
    expect(big.status).toBe(413);
    expect(big.json).toEqual({ error: 'request body is larger than the limit of 2048 bytes' });
  });
});

describe('run endpoints', () => {
  it('lists, filters, and reads status, tree and decision', async () => {
    t = await startTestApp();
    const a = t.manager.create('ACME');
    const b = t.manager.create('GLOBEX');
    t.manager.setContent(a.run_id, 'analysts.market.report', 'report');
    t.manager.finish(a.run_id, 'completed', fakeDecision('ACME', 'BUY <script>x()</script>'));

    expect((await call('GET', '/runs')).json.runs).toHaveLength(2);
    expect((await call('GET', '/runs?status=pending')).json.runs.map((r: { run_id: string }) => r.run_id)).toEqual([b.run_id]);
    expect((await call('GET', '/runs?status=bogus')).status).toBe(400);
    expect((await call('GET', `/runs/${a.run_id}/status`)).json).toMatchObject({ run_id: a.run_id, status: 'completed', action: 'BUY' });
    const tree = await call('GET', `/runs/${a.run_id}/tree`);
    expect(tree.json).toMatchObject({
      run_id: a.run_id,
      ticker: 'ACME',
      status: 'completed',
      contents: { 'analysts.market.report': 'report' },
    });
    expect(tree.json.execution_tree).toEqual(t.manager.get(a.run_id)!.tree);
    const decision = await call('GET', `/runs/${a.run_id}/decision`);
    expect(decision.json.decision.action).toBe('BUY');
    expect(decision.json.decision_html).not.toContain('<script');
    const notYet = await call('GET', `/runs/${b.run_id}/decision`);
    expect(notYet.status).toBe(404);
    expect(notYet.json.error).toMatch(/no decision for run .* \(status pending\)/);
  });

  it('400 for a malformed run id, 404 for an unknown one, before any lookup', async () => {
    t = await startTestApp();
    const malformed = await call('GET', '/runs/..%2F..%2Fetc%2Fpasswd/status');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toMatch(/invalid run_id/);
    const unknown = await call('GET', '/runs/ACME--2024-01-05_12.00.00--abcdef/tree');
    expect(unknown).toMatchObject({ status: 404, json: { error: 'Run not found: ACME--2024-01-05_12.00.00--abcdef' } });
  });

  it('cancel: 202 and idempotent while active, 409 once terminal, 404 unknown', async () => {
    t = await startTestApp();
    const { run_id } = t.manager.create('ACME');
    const res = await call('POST', `/runs/${run_id}/cancel`);
    expect(res).toMatchObject({ status: 202, json: { run_id, status: 'canceled' } });
    const again = await call('POST', `/runs/${run_id}/cancel`);
    expect(again.status).toBe(409);
    expect((await call('POST', '/runs/ACME--2024-01-05_12.00.00--abcdef/cancel')).status).toBe(404);
  });

  it('unknown routes and wrong methods answer JSON', async () => {
    t = await startTestApp();
    expect(await call('GET', '/nope')).toMatchObject({ status: 404, json: { error: 'no route for GET /nope' } });
    expect((await call('DELETE', '/runs')).status).toBe(405);
    expect((await call('DELETE', '/runs')).json.error).toBeTypeOf('string');
  });
});

describe('logs', () => {
  it('filters, pages and downloads', async () => {
    t = await startTestApp();
    const { run_id } = t.manager.create('ACME');
    t.manager.log(run_id, 'debug detail', 'DEBUG', 'llm');
    t.manager.log(run_id, 'tool call', 'INFO', 'tool', 'analysts.market');
    t.manager.log(run_id, 'Rate limited', 'WARN', 'retry');
    const page = await call('GET', `/runs/${run_id}/logs?limit=1`);
    expect(page.json).toMatchObject({ run_id, returned: 1, last_seq: 2, total_seq: 3 });
    const next = await call('GET', `/runs/${run_id}/logs?limit=1&after_seq=2`);
    expect(next.json.entries.map((e: { message: string }) => e.message)).toEqual(['Rate limited']);
    expect((await call('GET', `/runs/${run_id}/logs?severity=DEBUG,WARN&q=rate`)).json.returned).toBe(1);
    expect((await call('GET', `/runs/${run_id}/logs?sources=llm&severity=TRACE`)).json.entries[0].message).toBe('debug detail');
    expect((await call('GET', `/runs/${run_id}/logs?limit=501`)).status).toBe(400);
    expect((await call('GET', `/runs/${run_id}/logs?severity=LOUD`)).json.error).toMatch(/severity must be one of/);
    expect((await call('GET', `/runs/${run_id}/logs?colour=1`)).json.error).toMatch(/unknown field "colour"/);

    const file = await call('GET', `/runs/${run_id}/logs/download`);
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${run_id}.log"`);
    const lines = file.text.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^# run_id=${run_id} generated_at=\\S+ entries=3$`));
    expect(lines[2]).toMatch(/^\[\S+\] \[INFO\] \[tool\] \[analysts\.market\] tool call$/);
    expect((await call('GET', `/runs/${run_id}/logs/download?severity=WARN`)).text).toContain('entries=1');
  });
});

describe('metadata, metrics and health', () => {
  it('serves providers, concurrency, phases, prometheus text and health', async () => {
    t = await startTestApp();
    const providers = await call('GET', '/config/providers');
    expect(providers.json).toMatchObject({
      providers: [{ name: 'offline' }],
      data: { vendor: 'demo', first_date: '2023-01-02', tickers: ['ACME', 'GLOBEX'] },
    });
    expect((await call('GET', '/metrics/concurrency')).json).toEqual({
      layers: [{ key: 'global', limit: 8, effective_limit: 8, in_use: 1, waiting: 2 }],
    });

    const { run_id } = t.manager.create('ACME');
    const view = t.manager.get(run_id)!;
    view.tree = view.tree.map((n, i) => ({ ...n, duration_ms: (i + 1) * 1000 }));
    t.manager.finish(run_id, 'completed', fakeDecision('ACME', 'BUY'));
    t.manager.create('GLOBEX');
    expect((await call('GET', '/metrics/phases')).json).toEqual({
      runs: 1,
      phases: { analysts: { count: 1, avg_ms: 1000, p95_ms: 1000 }, trader: { count: 1, avg_ms: 2000, p95_ms: 2000 } },
      by_status: { completed: 1, pending: 1 },
    });

    const prom = await call('GET', '/metrics');
    expect(prom.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(prom.text).toContain('tradingfloor_runs{status="completed"} 1');
    expect(prom.text).toContain('tradingfloor_runs_started_total 2');
    expect(prom.text).toContain('tradingfloor_phase_duration_seconds_count{phase="trader",status="completed"} 1');
    expect(prom.text).toContain('tradingfloor_llm_limiter_waiting{key="global"} 2');
    expect(prom.text).toContain('tradingfloor_ws_clients{mode="focused"} 0');
    // Embedded mode: no queue gauges, no Redis in the health answer (queue mode: tests/integration/queue-ops.test.ts).
    expect(prom.text).not.toMatch(/tradingfloor_queue_|tradingfloor_redis_/);
    const health = (await call('GET', '/healthz')).json;
    expect(health).toMatchObject({ status: 'ok', runs: 2, active_runs: 1 });
    expect(health).not.toHaveProperty('redis');
  });
});

describe('security', () => {
  it('403 for a state-changing request from a foreign origin; reads and own origin pass', async () => {
    t = await startTestApp();
    const foreign = await call('POST', '/start-multi', { json: { company_symbols: 'ACME' }, headers: { Origin: 'https://evil.example' } });
    expect(foreign).toMatchObject({ status: 403, json: { error: 'requests from origin https://evil.example are not allowed' } });
    expect(t.manager.list()).toEqual([]);
    expect((await call('GET', '/runs', { headers: { Origin: 'https://evil.example' } })).status).toBe(200);
    const own = await call('POST', '/start-multi', { json: { company_symbols: 'ACME' }, headers: { Origin: t.url } });
    expect(own.status).toBe(202);
  });

  it('403 for any request whose Host is not this machine (DNS rebinding); loopback names and ALLOWED_ORIGINS hosts pass', async () => {
    t = await startTestApp({ env: { ALLOWED_ORIGINS: 'https://floor.example' } });
    const { port } = new URL(t.url);
    const evil = `evil.com:${port}`;
    const get = await rawRequest('GET', '/runs', { Host: evil });
    expect(get).toMatchObject({ status: 403, json: { error: `requests for host ${evil} are not allowed` } });
    expect((await rawRequest('GET', '/healthz', { Host: evil })).status).toBe(403);
    // Same-origin by the Origin rule (Origin = Host), still refused: nothing is started.
    const post = await rawRequest('POST', '/start-multi', { Host: evil, Origin: `http://${evil}` }, { company_symbols: 'ACME' });
    expect(post.status).toBe(403);
    expect(t.manager.list()).toEqual([]);
    expect((await rawRequest('DELETE', '/runs', { Host: evil })).status).toBe(403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'LOCALHOST', 'floor.example']) {
      expect((await rawRequest('GET', '/runs', { Host: host })).status).toBe(200);
    }
    const own = await rawRequest(
      'POST',
      '/start-multi',
      { Host: `localhost:${port}`, Origin: `http://localhost:${port}` },
      { company_symbols: 'ACME' },
    );
    expect(own.status).toBe(202);
  });

  it('does not check Host when bound to a non-loopback address (the token guards it)', async () => {
    const { guard } = await import('../src/middleware/guard.js');
    const mw = guard({ token: undefined, allowedOrigins: [], isPublic: () => false, bindHost: '0.0.0.0' });
    let passed = false;
    const ctx = { method: 'GET', path: '/runs', query: {}, get: (h: string) => (h === 'Host' ? 'evil.com' : '') };
    await mw(ctx as never, async () => {
      passed = true;
    });
    expect(passed).toBe(true);
  });

  it('with a token: 401 without it, Bearer or ?token= on GETs works, health stays public', async () => {
    t = await startTestApp({ env: { TRADINGFLOOR_TOKEN: 'sekrit-token' } });
    expect(await call('GET', '/runs')).toMatchObject({ status: 401, json: { error: 'missing or wrong API token' } });
    expect(
      (await call('POST', '/start-multi', { json: { company_symbols: 'ACME' }, headers: { Authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    expect((await call('GET', '/runs', { headers: { Authorization: 'Bearer sekrit-token' } })).status).toBe(200);
    expect((await call('GET', '/runs?token=sekrit-token')).status).toBe(200);
    expect((await call('POST', '/start-multi?token=sekrit-token', { json: { company_symbols: 'ACME' } })).status).toBe(401);
    expect((await call('GET', '/healthz')).status).toBe(200);
    // The router matches paths case-insensitively, so the token check must too.
    expect((await call('GET', '/RUNS')).status).toBe(401);
    expect((await call('POST', '/Start-Multi', { json: { company_symbols: 'ACME' } })).status).toBe(401);
  });
});

describe('static SPA', () => {
  it('serves files, falls back to index.html for app routes, keeps API 404s JSON', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const os = await import('node:os');
    const web = await mkdtemp(path.join(os.tmpdir(), 'tf-web-'));
    await mkdir(path.join(web, 'assets'));
    await writeFile(path.join(web, 'index.html'), '<!doctype html><title>TradingFloor</title>');
    await writeFile(path.join(web, 'assets', 'app.js'), 'console.log(1)');
    t = await startTestApp({ webDist: web });
    expect((await call('GET', '/')).text).toContain('<title>TradingFloor</title>');
    expect((await call('GET', '/assets/app.js')).text).toBe('console.log(1)');
    expect((await call('GET', '/run/ACME')).text).toContain('<title>TradingFloor</title>');
    expect((await call('GET', '/assets/missing.js')).status).toBe(404);
    expect((await call('GET', '/runs/nope/tree')).status).toBe(400);
    expect((await call('GET', '/metrics/nope')).json).toEqual({ error: 'no route for GET /metrics/nope' });
    expect((await call('GET', '/..%2f..%2fetc%2fpasswd')).text).not.toContain('root:');
  });
});
