import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ErrorBodySchema, MemoryResponseSchema, RunLessonsResponseSchema } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/server-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** Starts one run over REST and waits until it is completed. */
async function runToEnd(json: Record<string, unknown>): Promise<string> {
  const res = await h.api('POST', '/start-multi', { json });
  expect(res.status).toBe(202);
  const runId = res.json.runs[0].run_id as string;
  const summary = await h.manager.whenFinished(runId);
  expect(summary.status).toBe('completed');
  return runId;
}

describe('reflection memory over REST', () => {
  it(
    'runs with memory on settle and show lessons; GET /memory lists them and /runs/:id/lessons says which a run used',
    { timeout: 30_000 },
    async () => {
      const first = await runToEnd({ company_symbols: 'ACME', trade_date: '2024-03-01', memory: true });
      const second = await runToEnd({ company_symbols: 'ACME', trade_date: '2024-03-15', memory: 'on' });

      const memory = await h.api('GET', '/memory?ticker=acme');
      expect(memory.status).toBe(200);
      const listed = MemoryResponseSchema.parse(memory.json);
      expect(listed.ticker).toBe('ACME');
      expect(listed.lessons.map((l) => [l.run_id, l.decision_date, l.outcome_date])).toEqual([[first, '2024-03-01', '2024-03-08']]);

      const used = RunLessonsResponseSchema.parse((await h.api('GET', `/runs/${second}/lessons`)).json);
      expect(used).toEqual({ run_id: second, memory: true, lessons: listed.lessons });
      const none = RunLessonsResponseSchema.parse((await h.api('GET', `/runs/${first}/lessons`)).json);
      expect(none).toEqual({ run_id: first, memory: true, lessons: [] });
      // The lessons are also a report of the run.
      const tree = await h.api('GET', `/runs/${second}/tree`);
      expect(tree.status).toBe(200);
      expect(await readdir(path.join(h.manager.get(second)!.summary.results_path, 'reports'))).toContain('lessons.md');
    },
  );

  it('answers 400 {error} to a bad or missing ticker, and an empty list for a ticker with no lessons', async () => {
    for (const query of ['', '?ticker=', '?ticker=%24%24', '?ticker=ACME&extra=1']) {
      const res = await h.api('GET', `/memory${query}`);
      expect(res.status, query).toBe(400);
      expect(ErrorBodySchema.parse(res.json).error).toMatch(/invalid query/);
    }
    expect((await h.api('GET', '/memory')).json.error).toMatch(/ticker is required/);
    const empty = await h.api('GET', '/memory?ticker=GLOBEX');
    expect(empty.json).toEqual({ ticker: 'GLOBEX', lessons: [] });
    expect((await h.api('GET', '/runs/NOPE--2024-01-01_00.00.00--abcdef/lessons')).status).toBe(404);
  });
});

describe('cassettes over REST', () => {
  it('refuses a replay from a missing directory with 400 and writes nothing; records into a new one', { timeout: 30_000 }, async () => {
    const missing = path.join(h.resultsDir, '..', `no-cassette-${path.basename(h.resultsDir)}`);
    const refused = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME', cassette: { mode: 'replay', dir: missing } } });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatch(/replay cassette directory .* does not exist/);
    expect(existsSync(path.join(h.resultsDir, 'ACME'))).toBe(false);

    const bad = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME', cassette: { mode: 'rewind', dir: missing } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/cassette\.mode/);

    const cassette = path.join(h.resultsDir, 'cassette');
    await runToEnd({ company_symbols: 'ACME', trade_date: '2024-03-15', cassette: { mode: 'record', dir: cassette } });
    expect((await readdir(cassette)).filter((n) => n.endsWith('.json')).length).toBeGreaterThan(10);
    // And the same run replays from it (offline model here; the SDK providers are covered in cassette-replay.test.ts).
    await runToEnd({ company_symbols: 'ACME', trade_date: '2024-03-15', cassette: JSON.stringify({ mode: 'replay', dir: cassette }) });
  });
});

describe('POST /runs/:id/resume with memory and cassette overrides', () => {
  it('checks the body before anything else: a bad field is 400, a good one reaches the resume (409 for a finished run)', async () => {
    const runId = await runToEnd({ company_symbols: 'ACME', trade_date: '2024-03-15' });
    const bad = await h.api('POST', `/runs/${runId}/resume`, { json: { cassette: { mode: 'rewind', dir: '/x' } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/invalid body: cassette\.mode/);
    expect((await h.api('POST', `/runs/${runId}/resume`, { json: { colour: 'red' } })).status).toBe(400);
    const good = await h.api('POST', `/runs/${runId}/resume`, { json: { memory: true, cassette: null } });
    expect(good.status).toBe(409);
    expect(good.json.error).toMatch(/only an interrupted run can be resumed/);
    // The route declares its body optional: none at all is `{}` and reaches the resume too; a JSON array is still refused.
    const none = await h.api('POST', `/runs/${runId}/resume`);
    expect(none.status).toBe(409);
    expect(none.json.error).toMatch(/only an interrupted run can be resumed/);
    const list = await h.api('POST', `/runs/${runId}/resume`, { json: [true] });
    expect(list.status).toBe(400);
    expect(list.json.error).toMatch(/send a JSON object or a form-encoded body/);
  });
});
