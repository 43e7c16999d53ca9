import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunUsageSchema } from '@tradingfloor/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunManager } from '../../src/runs/run-manager.js';
import { UsageMeter } from '../../src/runs/usage-meter.js';
import { fakeDeps, fakeSteps, tempDir } from '../runs/support.js';

/** Names that are properties of every plain object: used as keys of a `{}` they read or replace its prototype. */
const HOSTILE_NAMES = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'] as const;

let results: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  results = await tempDir();
});
afterEach(async () => {
  await results.cleanup();
});

/** Whether `Object.prototype` was changed by the code under test (a polluted prototype breaks every object). */
function prototypeIsClean(): boolean {
  const probe: Record<string, unknown> = {};
  return Object.keys(Object.prototype).length === 0 && probe.calls === undefined && probe.cost_usd === undefined;
}

describe('usage meter: model and agent names that are Object.prototype properties', () => {
  it.each(HOSTILE_NAMES)('counts model %s as an ordinary key and leaves Object.prototype alone', (name) => {
    const meter = new UsageMeter(() => ({ input: 1, output: 1 }));
    meter.record(name, name, { input_tokens: 3, output_tokens: 4 });
    meter.record(name, name, { input_tokens: 1, output_tokens: 1 });
    const usage = meter.snapshot();
    expect(prototypeIsClean()).toBe(true);
    expect(Object.keys(usage.by_model)).toEqual([name]);
    expect(Object.keys(usage.by_agent)).toEqual([name]);
    expect(Object.getOwnPropertyDescriptor(usage.by_model, name)?.value).toMatchObject({ calls: 2, input_tokens: 4, output_tokens: 5 });
    // It round-trips through usage.json: written, read back and validated, the key is still an own key.
    const back = RunUsageSchema.parse(JSON.parse(JSON.stringify(usage)));
    expect(Object.getOwnPropertyDescriptor(back.by_model, name)?.value).toMatchObject({ calls: 2 });
    // A resumed run keeps counting from it.
    const resumed = new UsageMeter(() => null, back);
    resumed.record(name, name, { input_tokens: 1, output_tokens: 1 });
    expect(Object.getOwnPropertyDescriptor(resumed.snapshot().by_model, name)?.value).toMatchObject({ calls: 3 });
    expect(prototypeIsClean()).toBe(true);
  });
});

describe('a run whose models are named like Object.prototype properties', () => {
  it.each(HOSTILE_NAMES)('completes with quick and deep model %s, writes usage.json and loads back after a restart', async (name) => {
    const { deps } = fakeDeps();
    const m = new RunManager({ deps, resultsDir: results.dir, steps: fakeSteps() });
    const [run] = await m.start([{ ticker: 'ACME', options: { analysts: ['market'], quick_think_llm: name, deep_think_llm: name } }]);
    const done = await m.whenFinished(run!.run_id);
    expect(done.status).toBe('completed');
    expect(prototypeIsClean()).toBe(true);
    const usage = JSON.parse(await readFile(join(done.results_path, 'usage.json'), 'utf8')) as {
      by_model: Record<string, { calls: number }>;
    };
    expect(Object.keys(usage.by_model)).toEqual([name]);
    expect(m.get(run!.run_id)!.usage.by_model[name]).toMatchObject({ calls: expect.any(Number) });

    // A second process reads the same results directory.
    const again = new RunManager({ deps: fakeDeps().deps, resultsDir: results.dir, steps: fakeSteps() });
    expect(await again.loadHistory()).toEqual([]);
    const view = again.get(run!.run_id)!;
    expect(view.summary.status).toBe('completed');
    expect(Object.keys(view.usage.by_model)).toEqual([name]);
    expect(prototypeIsClean()).toBe(true);
  });
});
