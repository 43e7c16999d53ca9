import { isTerminalStatus, type OpenApiDocument } from '@tradingfloor/shared';
import createClient from 'openapi-fetch';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { paths } from '../support/openapi/api-types.js';
import { generateClientTypes, readClientTypes } from '../support/openapi/generate-types.js';
import { startHarness, type Harness } from '../support/server-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TOKEN = 'client-test-token';

describe('a client generated from /openapi.json (openapi-typescript + openapi-fetch)', () => {
  it('is up to date: openapi-typescript turns the served document into exactly the checked-in types', async () => {
    h = await startHarness();
    const doc = (await h.api<OpenApiDocument>('GET', '/openapi.json')).json;
    const generated = await generateClientTypes(doc);
    expect(generated, 'the route table changed: run `npm run openapi:types`').toBe(await readClientTypes());
  }, 60_000);

  it('starts a run, follows it and reads its decision, with the bearer token', async () => {
    // A log buffer larger than the run's log, so that paging from 1 sees every entry however slowly it polls.
    h = await startHarness({ env: { TRADINGFLOOR_TOKEN: TOKEN, LOG_BUFFER_MAX_LINES: '5000' } });
    const client = createClient<paths>({ baseUrl: h.url, headers: { Authorization: `Bearer ${TOKEN}` } });

    const started = await client.POST('/start-multi', { body: { company_symbols: 'ACME', max_debate_rounds: 1, offline_latency_ms: 5 } });
    expect(started.response.status).toBe(202);
    const runId = started.data!.runs[0]!.run_id;

    // Follow it as a REST client does: read the log page by page and the status, until the run ends.
    const seqs: number[] = [];
    let afterSeq = 0;
    const statuses = new Set<string>();
    await vi.waitUntil(
      async () => {
        const logs = await client.GET('/runs/{id}/logs', {
          params: { path: { id: runId }, query: { after_seq: afterSeq, severity: 'TRACE' } },
        });
        expect(logs.error).toBeUndefined();
        seqs.push(...logs.data!.entries.map((entry) => entry.seq));
        afterSeq = logs.data!.last_seq;
        const status = await client.GET('/runs/{id}/status', { params: { path: { id: runId } } });
        statuses.add(status.data!.status);
        return isTerminalStatus(status.data!.status) && afterSeq === logs.data!.total_seq;
      },
      { timeout: 60_000, interval: 20 },
    );
    expect([...statuses].at(-1)).toBe('completed');
    // Every log entry came once, in order.
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));

    const decision = await client.GET('/runs/{id}/decision', { params: { path: { id: runId } } });
    expect(decision.response.status).toBe(200);
    expect(decision.data!.run_id).toBe(runId);
    expect(['BUY', 'SELL', 'HOLD']).toContain(decision.data!.decision.action);
    expect(decision.data!.decision_html).toContain(decision.data!.decision.action);

    const tree = await client.GET('/runs/{id}/tree', { params: { path: { id: runId } } });
    expect(tree.data!.execution_tree.every((node) => node.status === 'completed' || node.status === 'skipped')).toBe(true);

    // The documented error answers come back typed, as `error`.
    const missing = await client.GET('/runs/{id}/status', { params: { path: { id: 'ACME--2024-01-02_10.00.00--abcdef' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error).toMatch(/not found/i);
    const anonymous = createClient<paths>({ baseUrl: h.url });
    const refused = await anonymous.GET('/runs');
    expect(refused.response.status).toBe(401);
    expect(refused.error?.error).toEqual(expect.any(String));
  }, 90_000);
});
