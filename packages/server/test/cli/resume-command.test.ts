import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEngineDeps, RunManager, type LlmProvider, type RunView, parseEngineEnv } from '@tradingfloor/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from './support/capture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tf-resume-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The offline model, except that research debate turns never answer (until the run is stopped). */
function debateHangs(inner: LlmProvider): LlmProvider {
  return {
    name: inner.name,
    label: inner.label,
    chat(request, signal) {
      if (!request.meta.agentId.startsWith('research_debate.')) return inner.chat(request, signal);
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    },
  };
}

/**
 * A run left interrupted by a "killed" process: the offline model (real agents, demo market) wrote every
 * analyst report, the bull turn hangs, and the manager is abandoned once its files are on disk.
 */
async function interruptedRun(): Promise<string> {
  const deps = createEngineDeps(parseEngineEnv({}));
  const manager = new RunManager({ deps: { ...deps, providerFor: (config) => debateHangs(deps.providerFor(config)) }, resultsDir: dir });
  const [run] = await manager.start([{ ticker: 'ACME', options: { analysts: ['market', 'news'] } }]);
  const inDebate = (view: RunView | undefined) => view?.tree.find((p) => p.id === 'research_debate')?.status === 'in_progress';
  await new Promise<void>((resolve) => {
    const off = manager.subscribe(() => {
      if (!inDebate(manager.get(run!.run_id))) return;
      off();
      resolve();
    });
  });
  await manager.idle();
  return run!.run_id;
}

describe('tradingfloor resume', () => {
  it('continues an interrupted run to the end without redoing its analysts, and prints the summary', async () => {
    const runId = await interruptedRun();
    const runDir = path.join(dir, 'ACME', (await readdir(path.join(dir, 'ACME')))[0]!);
    const market = await readFile(path.join(runDir, 'reports', 'market_report.md'), 'utf8');

    const { io, stdout, stderr } = captureIo({ env: {} });
    expect(await main(['resume', runId, '--results-dir', dir], io)).toBe(0);
    expect(stderr.text).toBe('');
    expect(stdout.text).toContain(`resuming ${runId} (ACME on `);
    expect(stdout.text).toMatch(/ACME {2}in_progress {2}Research Debate/);
    expect(stdout.text).toMatch(/1\/1 runs completed/);
    expect(await readFile(path.join(runDir, 'reports', 'market_report.md'), 'utf8')).toBe(market);
    const log = await readFile(path.join(runDir, 'run.log'), 'utf8');
    // Each analyst started once, in the first life of the run.
    expect(log.match(/"agent_id":"analysts\.market","message":"market analyst started/g)).toHaveLength(1);
    expect(log).toContain('run resumed from state.json (research_debate)');
    expect(JSON.parse(await readFile(path.join(runDir, 'state.json'), 'utf8')).status).toBe('completed');
  });

  it('Ctrl-C cancels the resumed run and exits 130', async () => {
    const runId = await interruptedRun();
    // From now on every offline-model call of this run takes a minute: it is still running at the Ctrl-C.
    const runDir = path.join(dir, 'ACME', (await readdir(path.join(dir, 'ACME')))[0]!);
    const config = JSON.parse(await readFile(path.join(runDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(runDir, 'config.json'), JSON.stringify({ ...config, offline_latency_ms: 60_000 }));
    const { io, stdout, stderr, signals } = captureIo({ env: {} });
    const exit = main(['resume', runId, '--results-dir', dir], io);
    await stdout.waitFor(`resuming ${runId}`);
    signals.emit('SIGINT');
    expect(await exit).toBe(130);
    expect(stderr.text).toContain('Ctrl-C: canceling the run');
    expect(stdout.text).toMatch(/0\/1 runs completed · 1 canceled/);
  });

  it.each([
    [['resume', 'not-a-run'], /^tradingfloor resume: .*run/m],
    [['resume', 'ACME--2024-05-10_12.00.00--abcdef'], /^tradingfloor resume: no run ACME--2024-05-10_12\.00\.00--abcdef under /m],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const { io, stdout, stderr } = captureIo({ env: {} });
    expect(await main([...args, '--results-dir', dir], io)).toBe(2);
    expect(stderr.text).toMatch(message);
    expect(stdout.text).toBe('');
  });

  it('exits 2 for a run that is not interrupted and for a bad INSPECT value', async () => {
    const runId = await interruptedRun();
    const first = captureIo({ env: {} });
    expect(await main(['resume', runId, '--results-dir', dir], first.io)).toBe(0);
    const again = captureIo({ env: {} });
    expect(await main(['resume', runId, '--results-dir', dir], again.io)).toBe(2);
    expect(again.stderr.text).toContain(`run ${runId} is completed; only an interrupted run can be resumed`);
    const inspect = captureIo({ env: { INSPECT: 'yes please' } });
    expect(await main(['resume', runId, '--results-dir', dir], inspect.io)).toBe(2);
    expect(inspect.stderr.text).toContain('INSPECT must be "stately" (or unset), got "yes please"');
  });
});
