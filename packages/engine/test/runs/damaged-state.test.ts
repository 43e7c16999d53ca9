import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunManager } from '../../src/runs/run-manager.js';
import { fakeDeps, fakeSteps, tempDir } from './support.js';

let results: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  results = await tempDir();
});
afterEach(async () => {
  await results.cleanup();
});

type State = { status: string; snapshot: { value: unknown; context: Record<string, unknown> } & Record<string, unknown> };

/** Every file of a directory tree with its bytes, to tell that nothing was rewritten. */
async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!name.isFile()) continue;
    const path = join(name.parentPath, name.name);
    out[path.slice(dir.length)] = await readFile(path, 'utf8');
  }
  return out;
}

/** Two completed runs on disk (ACME and GLOBEX); returns their results directories. */
async function twoCompletedRuns(): Promise<{ acme: string; globex: string; acmeId: string; globexId: string }> {
  const m = new RunManager({ deps: fakeDeps().deps, resultsDir: results.dir, steps: fakeSteps() });
  const [a, g] = await m.start([
    { ticker: 'ACME', options: { analysts: ['market'] } },
    { ticker: 'GLOBEX', options: { analysts: ['market'] } },
  ]);
  const [acme, globex] = await Promise.all([m.whenFinished(a!.run_id), m.whenFinished(g!.run_id)]);
  expect([acme.status, globex.status]).toEqual(['completed', 'completed']);
  return { acme: acme.results_path, globex: globex.results_path, acmeId: a!.run_id, globexId: g!.run_id };
}

const DAMAGE: Array<[string, (state: State) => unknown, RegExp]> = [
  ['a snapshot without context', (s) => ({ ...s, snapshot: { ...s.snapshot, context: undefined } }), /no context/],
  [
    'a context without config',
    (s) => ({ ...s, snapshot: { ...s.snapshot, context: { ...s.snapshot.context, config: undefined } } }),
    /no config/,
  ],
  ['a null snapshot', (s) => ({ ...s, snapshot: null }), /no snapshot/],
  [
    'a config that is not an object',
    (s) => ({ ...s, snapshot: { ...s.snapshot, context: { ...s.snapshot.context, config: 'x' } } }),
    /no config/,
  ],
  [
    'a state value the machine does not have',
    (s) => ({ ...s, status: 'in_progress', snapshot: { ...s.snapshot, value: 'banana', status: 'active' } }),
    /not a state of the run machine/,
  ],
  [
    'an unknown nested state value',
    (s) => ({ ...s, status: 'in_progress', snapshot: { ...s.snapshot, value: { in_progress: 'nowhere' }, status: 'active' } }),
    /not a state/,
  ],
  [
    'status in_progress over a completed state value',
    (s) => ({ ...s, status: 'in_progress', snapshot: { ...s.snapshot, status: 'active' } }),
    /does not match/,
  ],
  [
    'status completed over a mid-run state value',
    (s) => ({ ...s, snapshot: { ...s.snapshot, value: { in_progress: { research_debate: 'bull' } } } }),
    /does not match/,
  ],
];

describe('a state.json that parses but is unusable never stops the history loading', () => {
  it.each(DAMAGE)(
    '%s: the run is listed as error with the reason in error.log; the other run loads; nothing resumes or is rewritten',
    async (_name, damage, reason) => {
      const { acme, acmeId, globexId } = await twoCompletedRuns();
      const statePath = join(acme, 'state.json');
      const state = JSON.parse(await readFile(statePath, 'utf8')) as State;
      await writeFile(statePath, `${JSON.stringify(damage(state))}\n`);
      // Only the decision marks the run as completed otherwise: without it the damaged state is all there is.
      await rm(join(acme, 'decision.json'));
      const before = await filesOf(acme);

      const m = new RunManager({ deps: fakeDeps().deps, resultsDir: results.dir, steps: fakeSteps() });
      await expect(m.loadHistory()).resolves.toEqual([]);
      expect(m.get(globexId)!.summary.status).toBe('completed');
      const view = m.get(acmeId)!;
      expect(view.summary.status).toBe('error');
      expect(view.summary.error).toMatch(reason);
      expect(view.tree.length).toBeGreaterThan(0);
      expect(await readFile(join(acme, 'error.log'), 'utf8')).toMatch(reason);

      await expect(m.resume(acmeId)).rejects.toBeInstanceOf(ConflictError);
      expect(await m.resumeInterrupted()).toEqual([]);
      await m.idle();
      const after = await filesOf(acme);
      delete after['/error.log'];
      expect(after).toEqual(before);
    },
  );

  it('a run with decision.json but no final state.json (stopped while saving its end) is completed, not resumed', async () => {
    const { acme, acmeId } = await twoCompletedRuns();
    const statePath = join(acme, 'state.json');
    const state = JSON.parse(await readFile(statePath, 'utf8')) as State;
    // The state saved at the last step boundary, before the final one: the portfolio manager still working.
    const midRun = {
      ...state,
      status: 'in_progress',
      snapshot: { ...state.snapshot, status: 'active', value: { in_progress: 'portfolio_manager' } },
    };
    await writeFile(statePath, `${JSON.stringify(midRun)}\n`);
    const before = await filesOf(acme);
    const m = new RunManager({ deps: fakeDeps().deps, resultsDir: results.dir, steps: fakeSteps() });
    await m.loadHistory();
    expect(m.get(acmeId)!.summary).toMatchObject({ status: 'completed', action: 'BUY' });
    expect(await m.resumeInterrupted()).toEqual([]);
    expect(await filesOf(acme)).toEqual(before);
  });
});
