import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { RunIdSchema, TradingFloorError, errorMessage } from '@tradingfloor/shared';
import { exportRunReport, REPORT_FORMATS, type ReportFormat } from '../export/export-report.js';
import { tradingfloorVersion } from '../version.js';
import { EXIT, writeLine, type CliIo } from './cli-io.js';

/** Flags of `tradingfloor export`, as commander hands them over. */
interface RawExportFlags {
  format?: string;
  out?: string;
  resultsDir?: string;
}

/** Registers `tradingfloor export <run_id> --format md|html [--out file]` on the program. */
export function addExportCommand(program: Command, io: CliIo, onResult: (code: number) => void): void {
  program
    .command('export')
    .description("write a finished run's whole report (decision, reports, debates, chart, provenance) as one Markdown or HTML file")
    .argument('<run_id>', 'the run to export, e.g. ACME--2024-05-10_12.00.00--a1b2c3')
    .option('-f, --format <md|html>', 'md (Markdown) or html (one self-contained, printable page)', 'md')
    .option('-o, --out <file>', 'write the report to this file (default: standard output)')
    .option('--results-dir <dir>', 'where the run was written (default: $RESULTS_DIR, else ./results)')
    .addHelpText(
      'after',
      '\nReads the results directory directly: no server is needed, and a running server is not disturbed.\n' +
        'The chart is drawn from the market data the run recorded (DATA_DIR, vendors), as the server does.\n' +
        'Exit codes: 0 written, 2 bad run id / unknown run / bad format / cannot write, 1 unexpected failure.\n',
    )
    .action(async (runId: string, flags: RawExportFlags) => onResult(await exportCommand(runId, flags, io)));
}

/** `tradingfloor export`: reads the run from the results directory and writes its report to `--out` or stdout. */
async function exportCommand(rawId: string, flags: RawExportFlags, io: CliIo): Promise<number> {
  const usage = (message: string) => {
    writeLine(io.stderr, `tradingfloor export: ${message}`);
    return EXIT.usage;
  };
  const parsed = RunIdSchema.safeParse(rawId.trim());
  if (!parsed.success) return usage(parsed.error.issues[0]?.message ?? 'invalid run id');
  const format = (flags.format ?? 'md').toLowerCase();
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) return usage(`--format must be md or html, got "${flags.format}"`);
  const cwd = io.cwd ?? process.cwd();
  const resultsDir = path.resolve(cwd, flags.resultsDir ?? io.env.RESULTS_DIR ?? './results');
  try {
    // Loaded here so that `--help` never loads the engine.
    const engine = await import('@tradingfloor/engine');
    const view = await engine.readStoredRunView(resultsDir, parsed.data);
    if (view === undefined) return usage(`no run ${parsed.data} under ${resultsDir}`);
    // The chart's market data comes from the environment only when the run recorded no source of its own.
    const chart = () => engine.chartOfRun(engine.createEngineDeps(engine.parseEngineEnv(io.env)), view.config);
    const now = new Date(io.now?.() ?? Date.now());
    const exported = await exportRunReport(view, chart, format as ReportFormat, { version: tradingfloorVersion(), now });
    if (flags.out === undefined) {
      io.stdout.write(exported.body);
      return EXIT.ok;
    }
    const out = path.resolve(cwd, flags.out);
    try {
      await writeFile(out, exported.body, 'utf8');
    } catch (err) {
      return usage(`cannot write ${out}: ${errorMessage(err)}`);
    }
    writeLine(io.stderr, `wrote ${out} (${exported.fileName})`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof TradingFloorError && err.status < 500) return usage(err.message);
    writeLine(io.stderr, `tradingfloor export: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return EXIT.failed;
  }
}
