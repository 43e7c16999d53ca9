import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, startHarness, tempResultsDir, type Harness } from '../support/server-harness.js';

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) await removeDir(dir);
  h = dir = undefined;
});

describe('history', () => {
  it('lists a finished run after a restart on the same RESULTS_DIR, with its tree, decision and logs', async () => {
    dir = await tempResultsDir();
    h = await startHarness({ resultsDir: dir });
    const res = await h.api('POST', '/start-multi', { json: { company_symbols: 'WAYNE' } });
    const runId: string = res.json.runs[0].run_id;
    await h.manager.whenFinished(runId);
    const before = await h.api('GET', `/runs/${runId}/tree`);
    const decisionBefore = await h.api('GET', `/runs/${runId}/decision`);
    await h.close();

    h = await startHarness({ resultsDir: dir });
    const runs = await h.api('GET', '/runs');
    expect(runs.json.runs).toEqual([expect.objectContaining({ run_id: runId, ticker: 'WAYNE', status: 'completed' })]);
    const after = await h.api('GET', `/runs/${runId}/tree`);
    expect(after.json.execution_tree).toEqual(before.json.execution_tree);
    // Every report survives (agents' message transcripts live in message_tool.log, not in the history view).
    const reports = (contents: Record<string, string>) =>
      Object.fromEntries(Object.entries(contents).filter(([id]) => id.endsWith('.report')));
    expect(reports(after.json.contents)).toEqual(reports(before.json.contents));
    expect(Object.keys(reports(after.json.contents)).length).toBeGreaterThanOrEqual(8);
    expect((await h.api('GET', `/runs/${runId}/decision`)).json.decision).toEqual(decisionBefore.json.decision);
    expect((await h.api('GET', `/runs/${runId}/logs`)).json.returned).toBeGreaterThan(0);
    // A finished run from disk can be followed too: init_run carries its end.
    const ws = await h.ws(runId);
    expect(await ws.next('init_run')).toMatchObject({ run_id: runId, status: 'completed', final_decision: decisionBefore.json.decision });
    expect((await h.api('POST', `/runs/${runId}/cancel`)).status).toBe(409);
  });
});
