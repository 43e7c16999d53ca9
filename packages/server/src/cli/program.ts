import { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { addBacktestCommand } from './backtest-command.js';
import { addDataCommands } from './data-fetch-command.js';
import { addExportCommand } from './export-command.js';
import { RUN_ENV_HELP, SERVE_ENV_HELP } from './help-text.js';
import { DEFAULT_PARALLEL, MAX_PARALLEL, type RawRunFlags } from './parse-options.js';
import { addMemoryCassetteOptions } from './memory-cassette-flags.js';
import { addResumeCommand } from './resume-command.js';
import { addScheduleCommand } from './schedule-command.js';
import type { RawServeFlags } from './serve-command.js';
import { addWorkerCommand } from './worker-command.js';
import { tradingfloorVersion } from '../version.js';

/** What the commands do once their flags are parsed; `main` binds them to the real implementations. */
export interface CommandHandlers {
  run(flags: RawRunFlags): Promise<number>;
  serve(flags: RawServeFlags): Promise<number>;
}

/**
 * Builds the `tradingfloor` command line: `run` and `serve`, their flags and help. Commander's output goes to
 * `io`, and it throws instead of exiting (a fresh program per call, as commander keeps parse state).
 * `onResult` receives the exit code of the command that ran.
 */
export function buildProgram(io: CliIo, handlers: CommandHandlers, onResult: (code: number) => void): Command {
  const program = new Command('tradingfloor')
    .description('Runs a team of LLM agents over stock tickers and turns their work into BUY / SELL / HOLD decisions.')
    .version(tradingfloorVersion(), '-v, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .showSuggestionAfterError()
    .showHelpAfterError('(add --help for usage)');

  const run = program
    .command('run')
    .description('analyse one or more tickers, several at once, and print each decision')
    .requiredOption(
      '-t, --tickers <list>',
      'comma-separated tickers, e.g. AAPL,MSFT,NVDA (letters and digits, one "." or "-" class suffix like BRK.B)',
    )
    .option('-p, --parallel <n>', `runs at once, 1-${MAX_PARALLEL}; the other tickers wait their turn (default: ${DEFAULT_PARALLEL})`)
    .option('-d, --date <YYYY-MM-DD>', 'trade date analysed; no data after it is used (default: the last trading day in the data)')
    .option('--analysts <list>', 'analysts to run, from market,social,news,fundamentals (default: all four)')
    .option('--rounds <n>', 'bull/bear research debate rounds, 1-10 (default: 1)')
    .option('--risk-rounds <n>', 'risk debate rounds, 1-10 (default: 1)')
    .option('--provider <name>', 'model provider: offline | openai | anthropic (default: offline, the rule-based model, no key needed)')
    .option('--quick-model <model>', "model for analysts and debaters (default: the provider's quick model)")
    .option('--deep-model <model>', "model for the research and portfolio managers (default: the provider's deep model)")
    .option('--offline-latency <ms>', 'simulated latency of each offline-model call, 0-60000 ms (default: 0)')
    .option('--sequential-analysts', 'run the analysts one after another instead of in parallel')
    .option('--data-vendors <chains>', 'market data vendor chains, e.g. "prices:yahoo,alphavantage,csv;news:yahoo" (default: $DATA_VENDORS)')
    .option('--results-dir <dir>', 'where results are written (default: $RESULTS_DIR, else ./results)')
    .option('--json', "print only one JSON document: every run's id, status, decision, error, results path and usage")
    .option('--on-interrupt <keep|cancel>', 'on Ctrl-C / SIGTERM: cancel the active runs for good, or keep them interrupted to resume later (default: cancel)');
  addMemoryCassetteOptions(run, { horizon: true })
    .addHelpText('after', RUN_ENV_HELP)
    .action(async (flags: RawRunFlags) => onResult(await handlers.run(flags)));

  program
    .command('serve')
    .description('start the web app and its REST + WebSocket API')
    .option('--port <n>', 'port to listen on, 0 = any free port (default: $PORT, else 3000)')
    .option('--host <host>', 'address to bind (default: $HOST, else 127.0.0.1)')
    .option('--results-dir <dir>', 'where results are written (default: $RESULTS_DIR, else ./results)')
    .option('--inspect', 'also send every run actor to the Stately inspector (as INSPECT=stately; see INSPECT_URL)')
    .option('--queue <url>', 'queue mode: runs execute on `tradingfloor worker` processes via this Redis (as REDIS_URL)')
    .addHelpText('after', SERVE_ENV_HELP)
    .action(async (flags: RawServeFlags) => onResult(await handlers.serve(flags)));

  addDataCommands(program, io, onResult);
  addResumeCommand(program, io, onResult);
  addBacktestCommand(program, io, onResult);
  addExportCommand(program, io, onResult);
  addScheduleCommand(program, io, onResult);
  addWorkerCommand(program, io, onResult);
  return program;
}
