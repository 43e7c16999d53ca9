import path from 'node:path';
import type { Command } from 'commander';
import { RunIdSchema, TradingFloorError, errorMessage, type RunSummary } from '@tradingfloor/shared';
import type { ResumeOverrides, RunManager } from '@tradingfloor/engine';
import { phaseLabel } from './batch-row.js';
import { addMemoryCassetteOptions, parseMemoryCassetteFlags, type RawMemoryCassetteFlags } from './memory-cassette-flags.js';
import { EXIT, writeLine, type CliIo } from './cli-io.js';
import { renderSummary, type RunOutcome } from './summary.js';

/** Flags of `tradingfloor resume`, as commander hands them over. */
interface RawResumeFlags extends RawMemoryCassetteFlags {
  resultsDir?: string;
  inspect?: boolean;
}

/** What `resume` works on: a RunManager over the results directory, with its history loaded. */
type OpenResumeManager = (settings: { env: CliIo['env']; resultsDir: string; inspect: boolean }) => Promise<{
  manager: Pick<RunManager, 'resume' | 'get' | 'cancel' | 'subscribe' | 'whenFinished' | 'shutdown'>;
  close(): void;
}>;

/** The engine's RunManager with deps from the environment; loaded lazily so `--help` never loads the engine. */
const openEngineManager: OpenResumeManager = async ({ env, resultsDir, inspect }) => {
  const engine = await import('@tradingfloor/engine');
  const { manager, close } = await engine.openRunManager({
    env: engine.parseEngineEnv(env),
    resultsDir,
    maxParallelRuns: 1,
    stately: { force: inspect },
    loadHistory: true,
  });
  return { manager, close };
};

const USER_ERRORS = new Set([400, 404, 409, 429]);

/** Registers `tradingfloor resume <run_id>` on the program. */
export function addResumeCommand(program: Command, io: CliIo, onResult: (code: number) => void): void {
  const command = program
    .command('resume')
    .description('continue a run that a stopped server or CLI left interrupted, from its last saved step')
    .argument('<run_id>', 'the run to resume, e.g. ACME--2024-05-10_12.00.00--a1b2c3')
    .option('--results-dir <dir>', 'where the run was written (default: $RESULTS_DIR, else ./results)')
    .option('--inspect', 'also send the run actor to the Stately inspector (as INSPECT=stately; see INSPECT_URL)');
  addMemoryCassetteOptions(command, { horizon: false })
    .addHelpText(
      'after',
      '\nThe run continues in its own results directory; steps that had finished are not asked again.\n' +
        'Without --memory or a cassette flag it keeps the memory and cassette settings it was started with.\n' +
        'Exit codes: 0 completed, 1 error or canceled, 2 bad run id / not found / not interrupted, 130 Ctrl-C.\n',
    )
    .action(async (runId: string, flags: RawResumeFlags) => onResult(await resumeCommand(runId, flags, io)));
}

/**
 * `tradingfloor resume <run_id>`: finds the run under the results directory, resumes it, prints one line
 * per phase change and the summary. Ctrl-C cancels the run (twice: quit at once).
 */
async function resumeCommand(
  rawId: string,
  flags: RawResumeFlags,
  io: CliIo,
  open: OpenResumeManager = openEngineManager,
): Promise<number> {
  const parsed = RunIdSchema.safeParse(rawId.trim());
  if (!parsed.success) {
    writeLine(io.stderr, `tradingfloor resume: ${parsed.error.issues[0]?.message ?? 'invalid run id'}`);
    return EXIT.usage;
  }
  const runId = parsed.data;
  const cwd = io.cwd ?? process.cwd();
  const problems: string[] = [];
  const choice = parseMemoryCassetteFlags(flags, cwd, problems);
  if (problems.length > 0) {
    writeLine(io.stderr, `tradingfloor resume: ${problems.join('\n')}`);
    return EXIT.usage;
  }
  const overrides: ResumeOverrides = {};
  if (choice.memory !== undefined) overrides.memory = choice.memory;
  if (choice.cassette !== undefined) overrides.cassette = choice.cassette;
  const resultsDir = path.resolve(cwd, flags.resultsDir ?? io.env.RESULTS_DIR ?? './results');
  let opened: Awaited<ReturnType<OpenResumeManager>>;
  try {
    opened = await open({ env: io.env, resultsDir, inspect: flags.inspect === true });
  } catch (err) {
    return fail(io, err, err instanceof TradingFloorError && (err.status === 400 || err.code === 'config'));
  }
  const { manager } = opened;
  try {
    let resumed: RunSummary;
    try {
      resumed = await manager.resume(runId, overrides);
    } catch (err) {
      const notFound = err instanceof TradingFloorError && err.code === 'not_found';
      return fail(io, notFound ? new Error(`no run ${runId} under ${resultsDir}`) : err, notFound || isUserError(err));
    }
    writeLine(io.stdout, `resuming ${runId} (${resumed.ticker} on ${resumed.trade_date}) in ${resumed.results_path}`);
    return await follow(runId, manager, io);
  } finally {
    opened.close();
  }
}

async function follow(runId: string, manager: Awaited<ReturnType<OpenResumeManager>>['manager'], io: CliIo): Promise<number> {
  let lastLine = '';
  const unsubscribe = manager.subscribe((event) => {
    if (event.run_id !== runId || !('summary' in event)) return;
    const s = event.summary;
    const line = `${s.ticker}  ${s.status}${s.current_phase ? `  ${phaseLabel(manager.get(runId), s.current_phase)}` : ''}`;
    if (line === lastLine) return;
    lastLine = line;
    writeLine(io.stdout, `${line}  ${Math.round(s.overall_progress)}%`);
  });
  const signals = io.signals ?? process;
  let signaled = false;
  const onInt = () => {
    if (signaled) io.exit?.(EXIT.interrupted);
    signaled = true;
    writeLine(io.stderr, 'Ctrl-C: canceling the run… (press Ctrl-C again to quit at once)');
    try {
      manager.cancel(runId);
    } catch {
      // Already over: nothing to cancel.
    }
  };
  signals.on('SIGINT', onInt);
  try {
    const summary = await manager.whenFinished(runId);
    await manager.shutdown();
    const view = manager.get(runId);
    const outcome: RunOutcome = {
      run_id: runId,
      ticker: summary.ticker,
      trade_date: summary.trade_date,
      status: summary.status,
      decision: view?.decision ?? null,
      error: summary.error,
      results_path: summary.results_path,
      usage: view?.usage ?? null,
    };
    writeLine(io.stdout);
    writeLine(io.stdout, renderSummary([outcome], { cwd: io.cwd ?? process.cwd(), color: Boolean(io.stdout.isTTY) && !io.env.NO_COLOR }));
    if (signaled) return EXIT.interrupted;
    return summary.status === 'completed' ? EXIT.ok : EXIT.failed;
  } finally {
    unsubscribe();
    signals.off('SIGINT', onInt);
  }
}

function isUserError(err: unknown): boolean {
  return err instanceof TradingFloorError && USER_ERRORS.has(err.status);
}

function fail(io: CliIo, err: unknown, user: boolean): number {
  const message = errorMessage(err);
  writeLine(
    io.stderr,
    `tradingfloor resume: ${user ? message : `unexpected failure: ${err instanceof Error ? (err.stack ?? message) : message}`}`,
  );
  return user ? EXIT.usage : EXIT.failed;
}
