import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineUnavailableError } from '@tradingfloor/shared';
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

describe('RunManager.start of a batch', () => {
  it('writes each run’s first files before announcing it, and reports every run in_progress before any analyst works', async () => {
    const { deps } = fakeDeps();
    // Named as a network model: its steps and calls go through the engine thread's lane.
    const providerFor = deps.providerFor;
    deps.providerFor = (config) => ({ ...providerFor(config), name: 'openai' });
    const steps = fakeSteps();
    const inProgress = new Set<string>();
    /** Runs in_progress when each analyst step started its work. */
    const seenByAnalysts: number[] = [];
    const m = new RunManager({
      deps,
      resultsDir: results.dir,
      maxParallelRuns: 6,
      steps: {
        ...steps,
        analyst: (kind, ctx) => {
          seenByAnalysts.push(inProgress.size);
          return steps.analyst(kind, ctx);
        },
      },
    });
    const announcedWithFiles: boolean[] = [];
    m.subscribe((event) => {
      if (event.type === 'created') {
        const dir = event.summary.results_path;
        announcedWithFiles.push(existsSync(join(dir, 'RUN_ID')) && existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'reports')));
      }
      if (event.type === 'changed' && event.summary.status === 'in_progress') inProgress.add(event.run_id);
    });
    const runs = await m.start(Array.from({ length: 6 }, (_, i) => ({ ticker: i % 2 === 0 ? 'ACME' : 'GLOBEX', options: {} })));
    const done = await Promise.all(runs.map((r) => m.whenFinished(r.run_id)));
    expect(done.map((s) => s.status)).toEqual(Array(6).fill('completed'));
    expect(announcedWithFiles).toEqual(Array(6).fill(true));
    // 4 analysts a run, each of which started only once the whole batch was in progress.
    expect(seenByAnalysts).toHaveLength(24);
    expect(Math.min(...seenByAnalysts)).toBe(6);
    for (const run of runs) {
      expect((await readFile(join(run.results_path, 'RUN_ID'), 'utf8')).trim()).toBe(run.run_id);
      expect(JSON.parse(await readFile(join(run.results_path, 'config.json'), 'utf8'))).toMatchObject({ ticker: run.ticker });
    }
    await m.shutdown();
  });

  it('refuses a batch whose first files cannot be written: no run is created and no directory is left', async () => {
    const { deps } = fakeDeps();
    // A results directory so deep that the temp file of a run's config.json has a path longer than the
    // system allows (ENAMETOOLONG), while the run's own directory, its reports/ and RUN_ID still fit.
    const stamp = '2024-05-10_12.00.00';
    const configTemp = `.config.json.${process.pid}.00000000.tmp`;
    const runIdTemp = `.RUN_ID.${process.pid}.00000000.tmp`;
    const PATH_MAX = 4095;
    // resultsDir/ACME/<stamp>/<configTemp> is one character too long; RUN_ID's temp is shorter.
    const room = PATH_MAX + 1 - (1 + 'ACME'.length + 1 + stamp.length + 1 + configTemp.length);
    expect(runIdTemp.length).toBeLessThan(configTemp.length);
    let deep = results.dir;
    while (room - deep.length > 200) deep = join(deep, 'd'.repeat(199));
    deep = join(deep, 'e'.repeat(room - deep.length - 1));
    expect(deep.length).toBe(room);
    await mkdir(deep, { recursive: true });
    const m = new RunManager({ deps, resultsDir: deep, steps: fakeSteps() });
    const events: string[] = [];
    m.subscribe((event) => events.push(event.type));
    const refused = m.start([{ ticker: 'ACME', options: {} }]);
    await expect(refused).rejects.toThrow(EngineUnavailableError);
    await expect(refused).rejects.toThrow(/could not write its first files: .*(ENAMETOOLONG|name too long)/i);
    expect(events).toEqual([]);
    expect(m.list()).toEqual([]);
    expect(await readdir(join(deep, 'ACME'))).toEqual([]);
    await m.shutdown();
  });
});
