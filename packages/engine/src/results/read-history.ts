import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkTicker,
  DecisionSchema,
  LogEntrySchema,
  parseRunId,
  RunConfigSchema,
  RunUsageSchema,
  errorMessage,
  type Decision,
  type LogEntry,
  type RunConfig,
  type RunUsage,
} from '@tradingfloor/shared';
import { RUN_FILES, type StateFile } from './run-files.js';

/** One run read back from its results directory. */
export interface StoredRun {
  runId: string;
  dir: string;
  config: RunConfig;
  /** Null when `state.json` is missing or unreadable. */
  state: StateFile | null;
  /** Why `state.json` could not be used (missing, not JSON, unknown shape); null when it was read. */
  stateProblem: string | null;
  decision: Decision | null;
  usage: RunUsage | null;
  /** First line of `error.log`, when there is one. */
  errorText: string | null;
  /** The last `maxLogEntries` entries of `run.log`. */
  logs: LogEntry[];
  /** Start time from the run_id. */
  createdAt: number;
  /** Last write: `state.json`'s modification time, else the directory's. */
  updatedAt: number;
}

const STAMP_DIR = /^\d{4}-\d{2}-\d{2}_\d{2}\.\d{2}\.\d{2}(_\d+)?$/;

/**
 * Reads every run directory under `resultsDir` (`<TICKER>/<timestamp>/` with a valid `RUN_ID` and
 * `config.json`). Directories that are not runs, or whose files are damaged, are listed in `skipped` with
 * the reason instead of failing the whole scan. A missing `resultsDir` is simply empty.
 */
export async function readResultsHistory(resultsDir: string, maxLogEntries: number): Promise<{ runs: StoredRun[]; skipped: Array<{ dir: string; reason: string }> }> {
  const runs: StoredRun[] = [];
  const skipped: Array<{ dir: string; reason: string }> = [];
  for (const tickerDir of await subdirectories(resultsDir)) {
    const check = checkTicker(tickerDir);
    if (!check.ok || check.ticker !== tickerDir) continue; // not ours: only validated tickers name directories
    for (const stampDir of await subdirectories(join(resultsDir, tickerDir))) {
      if (!STAMP_DIR.test(stampDir)) continue;
      const dir = join(resultsDir, tickerDir, stampDir);
      try {
        runs.push(await readRunDirectory(dir, tickerDir, maxLogEntries));
      } catch (error) {
        skipped.push({ dir, reason: errorMessage(error) });
      }
    }
  }
  runs.sort((a, b) => a.createdAt - b.createdAt || a.runId.localeCompare(b.runId));
  return { runs, skipped };
}

async function readRunDirectory(dir: string, ticker: string, maxLogEntries: number): Promise<StoredRun> {
  const runId = (await readFile(join(dir, RUN_FILES.marker), 'utf8')).trim();
  const parsedId = parseRunId(runId);
  if (!parsedId.ok) throw new Error(`RUN_ID is not a run id: ${parsedId.reason}`);
  if (parsedId.value.ticker !== ticker) throw new Error(`RUN_ID ${runId} does not belong under ${ticker}/`);
  const config = RunConfigSchema.safeParse(JSON.parse(await readFile(join(dir, RUN_FILES.config), 'utf8')));
  if (!config.success) throw new Error(`config.json does not match the run config schema: ${config.error.issues[0]?.message ?? ''}`);

  const { state, problem: stateProblem } = await readStateFile(join(dir, RUN_FILES.state));
  const decision = await readOptional(join(dir, RUN_FILES.decision), (text) => DecisionSchema.parse(JSON.parse(text)));
  const usage = await readOptional(join(dir, RUN_FILES.usage), (text) => RunUsageSchema.parse(JSON.parse(text)));
  const errorText = await readOptional(join(dir, RUN_FILES.error), (text) => text.split('\n', 1)[0] ?? text);
  const logs = (await readOptional(join(dir, RUN_FILES.log), (text) => parseLogLines(text, maxLogEntries))) ?? [];
  const updatedAt = (await stat(join(dir, RUN_FILES.state)).catch(() => stat(dir))).mtimeMs;
  return { runId, dir, config: config.data, state, stateProblem, decision, usage, errorText, logs, createdAt: parsedId.value.started.getTime(), updatedAt };
}

function asStateFile(value: unknown): StateFile {
  const v = value as Partial<StateFile> | null;
  const statuses = ['pending', 'in_progress', 'completed', 'error', 'canceled'];
  if (!v || typeof v.machine_version !== 'number' || typeof v.status !== 'string' || !statuses.includes(v.status) || typeof v.snapshot !== 'object') {
    throw new Error('state.json has an unknown shape');
  }
  return v as StateFile;
}

/** Reads `state.json`, keeping the reason when it cannot be used (a resume needs it, the history view does not). */
async function readStateFile(path: string): Promise<{ state: StateFile | null; problem: string | null }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { state: null, problem: missing ? 'state.json is missing' : `state.json cannot be read: ${(error as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { state: null, problem: `state.json is damaged (not valid JSON, ${text.length} bytes): ${(error as Error).message}` };
  }
  try {
    return { state: asStateFile(json), problem: null };
  } catch (error) {
    return { state: null, problem: (error as Error).message };
  }
}

/** Parses the tail of `run.log`; a torn last line (a crash mid-append) is ignored. */
function parseLogLines(text: string, max: number): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const line of text.split('\n').slice(-(max + 1))) {
    if (line.trim() === '') continue;
    try {
      const parsed = LogEntrySchema.safeParse(JSON.parse(line));
      if (parsed.success) entries.push(parsed.data);
    } catch {
      // skip the damaged line
    }
  }
  return entries.slice(-max);
}

/** Reads and parses a file; null when it does not exist or does not parse (a partial run). */
async function readOptional<T>(path: string, parse: (text: string) => T): Promise<T | null> {
  try {
    return parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

async function subdirectories(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
