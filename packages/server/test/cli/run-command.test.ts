import { ConfigError, type RunSummary } from '@tradingfloor/shared';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/run-command.js';
import type { RawRunFlags } from '../../src/cli/parse-options.js';
import { FakeRunManager } from '../support/fake-run-manager.js';
import { captureIo } from './support/capture.js';
import { decisionFixture, outsideData } from './support/fixtures.js';

/** Drives every started run through a phase to its end on the next turn of the event loop. */
function autoFinish(manager: FakeRunManager, fail: string[] = []): void {
  manager.onStarted = (summaries: RunSummary[]) => {
    setImmediate(() => {
      for (const s of summaries) {
        manager.update(s.run_id, { status: 'in_progress', phase: 'analysts', progress: 20 });
        if (fail.includes(s.ticker)) manager.finish(s.run_id, 'error', null, `no data for ${s.ticker}`);
        else manager.finish(s.run_id, 'completed', decisionFixture(s.ticker));
      }
    });
  };
}

function run(flags: RawRunFlags, manager: FakeRunManager, opts: { tty?: boolean } = {}) {
  const cap = captureIo({ tty: opts.tty, cwd: '/results-parent' });
  const settings: unknown[] = [];
  const done = runCommand(flags, cap.io, async (s) => {
    settings.push(s);
    return manager;
  });
  return { ...cap, done, settings };
}

describe('runCommand', () => {
  it('with --json prints exactly one JSON document and exits 0 when every run completed', async () => {
    const manager = new FakeRunManager({ maxParallelRuns: 2 });
    autoFinish(manager);
    const { done, stdout, stderr, settings } = run(
      { tickers: 'ACME,GLOBEX,INITECH', parallel: '2', json: true, resultsDir: 'out' },
      manager,
    );
    expect(await done).toBe(0);
    expect(settings).toEqual([{ env: { ENGINE_THREADS: process.env.ENGINE_THREADS ?? '0' }, resultsDir: '/results-parent/out', maxParallelRuns: 2 }]);
    const doc = JSON.parse(stdout.text) as { runs: Array<Record<string, unknown>> };
    expect(doc.runs.map((r) => [r.ticker, r.status])).toEqual([
      ['ACME', 'completed'],
      ['GLOBEX', 'completed'],
      ['INITECH', 'completed'],
    ]);
    expect(doc.runs[0]).toMatchObject({ error: null, results_path: expect.stringMatching(/^\/results\/ACME\/\d{4}-\d\d-\d\d_\d\d\.\d\d\.\d\d$/), decision: { action: 'BUY', rating: 'Overweight' } });
    expect(stderr.text).toBe('');
    expect(manager.startedTickers).toEqual([['ACME', 'GLOBEX'], ['INITECH']]);
  });

  it('off a terminal prints one line per state change, then the summary; exit 1 when a run failed', async () => {
    const manager = new FakeRunManager({ maxParallelRuns: 3 });
    autoFinish(manager, ['GLOBEX']);
    const { done, stdout } = run({ tickers: 'ACME,GLOBEX' }, manager);
    expect(await done).toBe(1);
    const lines = stdout.text.split('\n');
    expect(lines[0]).toBe('Running 2 tickers, 2 at a time · 2024-01-05 · offline rule-based model (no LLM) · data: demo data (generated, fictional companies)');
    expect(lines.filter((l) => / ACME +in_progress +Analyst Team +20%$/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => / ACME +completed · BUY$/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('GLOBEX') && l.includes('error  — no data for GLOBEX'))).toHaveLength(1);
    expect(stdout.text).not.toContain('\u001b[');
    expect(stdout.text).toContain('GLOBEX: no data for GLOBEX');
    expect(stdout.text.trimEnd().endsWith('1/2 runs completed · 1 error')).toBe(true);
  });

  it('on a terminal redraws a live table in place and ends with the summary', async () => {
    const manager = new FakeRunManager({ maxParallelRuns: 3 });
    autoFinish(manager);
    const { done, stdout } = run({ tickers: 'ACME' }, manager, { tty: true });
    expect(await done).toBe(0);
    expect(stdout.text).toMatch(/Progress/);
    // The table is written through log-update (synchronized-output frames) and its last frame shows the end.
    expect(stdout.text).toContain('\u001b[?2026h');
    expect(stdout.text).toMatch(/1 ticker · 0 running · 0 queued · 1 finished/);
    expect(stdout.text).toContain('1/1 runs completed');
  });

  it('exits 2 with the message when the manager refuses the batch (e.g. a date outside the data)', async () => {
    const manager = new FakeRunManager({ maxParallelRuns: 3 });
    manager.refuse = outsideData;
    const { done, stderr, stdout } = run({ tickers: 'ACME', date: '1999-01-04' }, manager);
    expect(await done).toBe(2);
    expect(stderr.text).toBe('tradingfloor run: trade date 1999-01-04 is outside the data (2022-01-03 … 2024-12-31)\n');
    expect(stdout.text).toBe('');
  });

  it('exits 2 on bad flags before building a manager, and on a configuration error', async () => {
    const manager = new FakeRunManager({ maxParallelRuns: 3 });
    const bad = run({ tickers: 'ACME', parallel: '0' }, manager);
    expect(await bad.done).toBe(2);
    expect(bad.settings).toEqual([]);
    expect(bad.stderr.text).toBe('tradingfloor run: --parallel must be at least 1, got 0\n');

    const cap = captureIo();
    const code = await runCommand({ tickers: 'ACME', provider: 'openai' }, cap.io, async () => {
      throw new ConfigError('OPENAI_API_KEY is not set: --provider openai needs it');
    });
    expect(code).toBe(2);
    expect(cap.stderr.text).toContain('OPENAI_API_KEY is not set');
  });

  it('on Ctrl-C cancels every run through shutdown(), prints the summary and exits 130', async () => {
    const manager = new FakeRunManager({ maxParallelRuns: 2 });
    const { done, stdout, stderr, signals } = run({ tickers: 'ACME,GLOBEX,INITECH', parallel: '2' }, manager);
    await stdout.waitFor(/GLOBEX +pending/);
    signals.emit('SIGINT');
    expect(await done).toBe(130);
    expect(manager.shutdownCalls).toBeGreaterThanOrEqual(1);
    expect(stderr.text).toContain('canceling all runs');
    expect(stdout.text).toContain('INITECH: not started: the batch was interrupted');
    expect(stdout.text).toContain('0/3 runs completed · 3 canceled');
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('on a terminal, the Ctrl-C notice is printed above the live table instead of through it', async () => {
    const manager = new FakeRunManager({ maxParallelRuns: 1 });
    const { done, stdout, stderr, signals } = run({ tickers: 'ACME' }, manager, { tty: true });
    await stdout.waitFor(/pending/);
    signals.emit('SIGINT');
    expect(await done).toBe(130);
    expect(stdout.text).toContain('Ctrl-C: canceling all runs');
    expect(stderr.text).toBe('');
  });

  it('a second Ctrl-C quits at once even while runs are still being canceled', async () => {
    const manager = new FakeRunManager({ maxParallelRuns: 1 });
    manager.shutdown = () => new Promise(() => {}); // a shutdown that never ends
    const { done, stdout, signals, exits } = run({ tickers: 'ACME' }, manager);
    await stdout.waitFor(/ACME +pending/);
    signals.emit('SIGINT');
    signals.emit('SIGINT');
    expect(await done).toBe(130);
    expect(exits).toEqual([130]);
  });
});
