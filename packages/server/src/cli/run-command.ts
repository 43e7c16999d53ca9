import { deferred, TradingFloorError } from '@tradingfloor/shared';
import type { RunManagerApi } from '@tradingfloor/engine';
import { EXIT, writeLine, type CliIo } from './cli-io.js';
import { batchHeader } from './batch-header.js';
import { createEngineManager, type CreateManager } from './engine-manager.js';
import { createBatchDisplay, displayModeFor, type BatchDisplay } from './live-display.js';
import { parseRunFlags, type RawRunFlags, type RunPlan } from './parse-options.js';
import { RunBatch } from './run-batch.js';
import { renderSummary, toJsonReport } from './summary.js';

/** Exit code for each signal that stops a batch (128 + signal number). */
const SIGNAL_EXIT = { SIGINT: EXIT.interrupted, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT;

/** Input and configuration errors the user can fix: they exit 2, not 1. */
function isUserError(err: unknown): err is TradingFloorError {
  return err instanceof TradingFloorError && (err.status === 400 || err.code === 'config');
}

function reportError(io: CliIo, err: unknown): number {
  if (isUserError(err)) {
    writeLine(io.stderr, `tradingfloor run: ${err.message}`);
    return EXIT.usage;
  }
  if (err instanceof TradingFloorError) writeLine(io.stderr, `tradingfloor run: ${err.message}`);
  else writeLine(io.stderr, `tradingfloor run: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return EXIT.failed;
}

/**
 * `tradingfloor run`: checks the flags, runs the batch through a RunManager with at most `--parallel` runs
 * at once, shows progress, prints the summary (or the `--json` document) and answers the exit code:
 * 0 all completed, 1 otherwise, 2 bad input, 130 interrupted.
 */
export async function runCommand(raw: RawRunFlags, io: CliIo, createManager: CreateManager = createEngineManager): Promise<number> {
  const now = io.now ?? Date.now;
  const cwd = io.cwd ?? process.cwd();
  let plan: RunPlan;
  try {
    plan = parseRunFlags(raw, { env: io.env, cwd, now: now() });
  } catch (err) {
    return reportError(io, err);
  }

  const signals = io.signals ?? process;
  const stopped = deferred<StopSignal>();
  const hardStop = deferred<number>();
  let stopSignal: StopSignal | undefined;
  const onSignal = (signal: StopSignal) => {
    if (stopSignal === undefined) {
      stopSignal = signal;
      stopped.resolve(signal);
      return;
    }
    // Second signal: leave now, whatever is still being written.
    io.exit?.(SIGNAL_EXIT[signal]);
    hardStop.resolve(SIGNAL_EXIT[signal]);
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  try {
    return await Promise.race([execute(plan, io, createManager, stopped.promise), hardStop.promise]);
  } finally {
    signals.off('SIGINT', onInt);
    signals.off('SIGTERM', onTerm);
  }
}

async function execute(plan: RunPlan, io: CliIo, createManager: CreateManager, stopped: Promise<StopSignal>): Promise<number> {
  const now = io.now ?? Date.now;
  let manager: RunManagerApi;
  try {
    manager = await createManager({ env: io.env, resultsDir: plan.resultsDir, maxParallelRuns: plan.parallel });
  } catch (err) {
    return reportError(io, err);
  }
  try {
    // The whole batch, not only its first --parallel runs: a ticker without data is refused before anything runs.
    await manager.checkTickers?.(plan.tickers.map((ticker) => ({ ticker, options: plan.options })));
  } catch (err) {
    await manager.shutdown().catch(() => {});
    return reportError(io, err);
  }
  const startedAt = now();
  let display: BatchDisplay = { changed() {}, note() {}, stop() {} };
  const batch = new RunBatch(manager, plan, () => display.changed());
  const begun = batch.begin();
  // If a signal wins the race below, a later failure of begin() is handled by interrupt(), not here.
  begun.catch(() => {});
  try {
    await Promise.race([begun, stopped]);
  } catch (err) {
    await manager.shutdown().catch(() => {});
    return reportError(io, err);
  }

  // Nothing reaches stdout before the batch is accepted, so bad input leaves only the message on stderr.
  const color = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
  if (!plan.json) {
    const first = batch.rows[0]?.run_id;
    const coverage = await manager.dataCoverage().catch(() => null);
    const facts = { tickers: plan.tickers.length, parallel: plan.parallel, dataLabel: coverage?.label ?? null };
    writeLine(io.stdout, batchHeader({ ...facts, config: first ? manager.get(first)?.config : undefined }));
  }
  display = createBatchDisplay(batch.rows, io.stdout, displayModeFor(io.stdout, plan.json), { now, startedAt, color, notes: io.stderr });

  const signal = await Promise.race([batch.done.then(() => undefined), stopped]);
  const keep = plan.onInterrupt === 'keep';
  if (signal !== undefined) {
    const doing = keep ? 'saving the active runs as interrupted' : 'canceling all runs';
    display.note(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: ${doing}… (press Ctrl-C again to quit at once)`);
    await batch.interrupt({ keep });
  }
  // Also after a normal end: resolves once every run's files are written.
  await manager.shutdown();
  display.stop();
  batch.close();

  const outcomes = batch.outcomes();
  if (plan.json) writeLine(io.stdout, JSON.stringify(toJsonReport(outcomes), null, 2));
  else {
    writeLine(io.stdout);
    writeLine(io.stdout, renderSummary(outcomes, { cwd: io.cwd ?? process.cwd(), color }));
  }
  const kept = batch.outcomes().filter((o) => o.status === 'interrupted' && o.run_id !== null);
  if (kept.length > 0) {
    // On stderr, so that a --json document on stdout stays one clean document.
    writeLine(io.stderr, `${kept.length} run(s) left interrupted; continue them with:`);
    for (const o of kept) writeLine(io.stderr, `  tradingfloor resume ${o.run_id} --results-dir ${JSON.stringify(plan.resultsDir)}`);
  }
  if (signal !== undefined) return SIGNAL_EXIT[signal];
  return outcomes.every((o) => o.status === 'completed') ? EXIT.ok : EXIT.failed;
}
