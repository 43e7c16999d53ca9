import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MachineDefinitionSchema } from '@tradingfloor/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/server-harness.js';

/** The machine definition the SPA's component tests draw; it must stay what `GET /machine` serves. */
const FIXTURE = fileURLToPath(new URL('../../packages/web/test/fixtures/run-machine.json', import.meta.url));

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('what the SPA inspector and run header read', () => {
  it('the web tests’ machine fixture is exactly what GET /machine serves (UPDATE_FIXTURES=1 rewrites it)', async () => {
    h = await startHarness();
    const served = MachineDefinitionSchema.parse((await h.api('GET', '/machine')).json);
    if (process.env.UPDATE_FIXTURES === '1') await writeFile(FIXTURE, `${JSON.stringify(served, null, 1)}\n`);
    expect(JSON.parse(await readFile(FIXTURE, 'utf8'))).toEqual(served);
  });

  it('data_sources: which vendor served each data kind, in GET /runs/:id/tree and in init_run', async () => {
    h = await startHarness();
    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'ACME', offline_latency_ms: 5 } });
    expect(res.status).toBe(202);
    const runId = res.json.runs[0].run_id as string;
    await h.manager.whenFinished(runId);
    const tree = await h.api('GET', `/runs/${runId}/tree`);
    expect(tree.status).toBe(200);
    const sources = tree.json.data_sources as Record<string, string>;
    expect(Object.keys(sources).sort()).toEqual(['fundamentals', 'instrument', 'news', 'prices']);
    expect(new Set(Object.values(sources))).toEqual(new Set([h.manager.get(runId)!.dataSources!.prices]));
    const client = await h.ws(runId);
    expect((await client.next('init_run')).data_sources).toEqual(sources);
    // The status summary stays as it was.
    expect((await h.api('GET', `/runs/${runId}/status`)).json).not.toHaveProperty('data_sources');
  });
});
