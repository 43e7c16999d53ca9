import { readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
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
import { LoopSlices, START_SLICE_MS } from './loop-slices.js';
import { parseAgentMessages } from './read-messages.js';
import { RUN_FILES, type StateFile } from './run-files.js';

/** `StoredRun.stateProblem` of a run whose `state.json` does not exist (it was never written). */
export const STATE_FILE_MISSING = 'state.json is missing';

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
  /** The last `maxLogEntries` entries of `run.log`, parsed when first read. */
  logs: LogEntry[];
  /** Each agent's messages text from `message_tool.log`; read only for a view served from disk. */
  messages?: Record<string, string>;
  /** Start time from the run_id. */
  createdAt: number;
  /** Last write: `state.json`'s modification time, else the directory's. */
  updatedAt: number;
}

const STAMP_DIR = /^\d{4}-\d{2}-\d{2}_\d{2}\.\d{2}\.\d{2}(_\d+)?$/;

/** A run directory found under the results folder. */
interface RunDirectory {
  dir: string;
  ticker: string;
  /** Its name without the `_<n>` of a later run in the same second: the second the run started. */
  second: string;
}

/** Every run directory under `resultsDir` (`<TICKER>/<timestamp>/`), oldest first by the timestamp of its name. */
async function runDirectories(resultsDir: string): Promise<RunDirectory[]> {
  const found: RunDirectory[] = [];
  for (const ticker of await subdirectories(resultsDir)) {
    const check = checkTicker(ticker);
    if (!check.ok || check.ticker !== ticker) continue; // not ours: only validated tickers name directories
    for (const name of await subdirectories(join(resultsDir, ticker))) {
      if (STAMP_DIR.test(name)) found.push({ dir: join(resultsDir, ticker, name), ticker, second: name.slice(0, 19) });
    }
  }
  // Runs of one second are put in order once read (by their ids); here only the seconds need to be.
  return found.sort((a, b) => (a.second < b.second ? -1 : a.second > b.second ? 1 : 0));
}

/**
 * Reads every run directory under `resultsDir` (`<TICKER>/<timestamp>/` with a valid `RUN_ID` and
 * `config.json`) and hands each run to `visit`, oldest first (by start time, then run id), awaiting it before
 * the next: the caller keeps what it needs of a run and lets the rest go, so a history of thousands of runs
 * is never all in memory at once (10,000 of the bench's runs held ~700 MiB of parsed files together).
 * Directories are read a second's worth at a time (their names are the second the run started), so the order
 * is exact when a run id's time and its directory's name agree, as they do for every directory we write.
 * Directories that are not runs, or whose files are damaged, are returned with the reason instead of
 * failing the whole scan. A missing `resultsDir` is simply empty.
 *
 * The directories are read synchronously (`readRunDirectorySync`, without the agents' messages), a slice of
 * `sliceMs` at a time, after which the event loop turns before the next slice. A server reads its history
 * before it listens, so nothing waits on the loop but timers and connections (a queue-mode server's Redis),
 * which a slice delays by at most `sliceMs`. Promise reads cost more than the reading here: each file was an
 * open, a stat, a read and a close in libuv's pool, each waking a pool thread and then this one (`loadHistory` of
 * 2,000 stored runs, the temp-file sweep done alike: 3.1–3.2 s → 1.3–1.6 s, docs/performance-log.md).
 */
export async function readResultsHistory(
  resultsDir: string,
  maxLogEntries: number,
  visit: (run: StoredRun) => void | Promise<void>,
  sliceMs: number = START_SLICE_MS,
): Promise<Array<{ dir: string; reason: string }>> {
  const skipped: Array<{ dir: string; reason: string }> = [];
  const slices = new LoopSlices(sliceMs);
  const directories = await runDirectories(resultsDir);
  for (let i = 0; i < directories.length; ) {
    const second: StoredRun[] = [];
    const { second: stamp } = directories[i]!;
    for (; i < directories.length && directories[i]!.second === stamp; i++) {
      await slices.next();
      const { dir, ticker } = directories[i]!;
      try {
        second.push(readRunDirectorySync(dir, ticker, maxLogEntries, { messages: false }));
      } catch (error) {
        skipped.push({ dir, reason: errorMessage(error) });
      }
    }
    second.sort((a, b) => a.createdAt - b.createdAt || a.runId.localeCompare(b.runId));
    for (const run of second) await visit(run);
  }
  return skipped;
}

/** A file of a run directory as read: its text, or why there is none. */
type FileRead = { text: string } | { missing: true } | { failed: string };

/** The raw files of one run directory. */
interface RunDirectoryFiles {
  marker: FileRead;
  config: FileRead;
  state: FileRead;
  decision: FileRead;
  usage: FileRead;
  error: FileRead;
  log: FileRead;
  messages?: FileRead;
  /** `state.json`'s modification time, else the directory's. */
  updatedAt: number;
}

const PARSED_FILES = ['marker', 'config', 'state', 'decision', 'usage', 'error', 'log'] as const;

function asFileRead(error: unknown): FileRead {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { missing: true } : { failed: (error as Error).message };
}

/**
 * Reads one run directory synchronously, its agent messages included unless `messages: false`: for the
 * history at start (`readResultsHistory`, without them) and for a finished run evicted from memory whose data
 * is asked for (a view, its logs). Its files are small and written once, so one read of them is quicker than
 * the promise machinery around it; the caller keeps the result for repeated asks.
 */
export function readRunDirectorySync(dir: string, ticker: string, maxLogEntries: number, options: { messages?: boolean } = {}): StoredRun {
  const read = (name: string): FileRead => {
    try {
      return { text: readFileSync(join(dir, name), 'utf8') };
    } catch (error) {
      return asFileRead(error);
    }
  };
  const files = Object.fromEntries(PARSED_FILES.map((f) => [f, read(RUN_FILES[f])])) as unknown as Omit<RunDirectoryFiles, 'updatedAt'>;
  let updatedAt: number;
  try {
    updatedAt = statSync(join(dir, RUN_FILES.state)).mtimeMs;
  } catch {
    updatedAt = statSync(dir).mtimeMs;
  }
  return parseRunDirectory(dir, ticker, maxLogEntries, { ...files, ...(options.messages === false ? {} : { messages: read(RUN_FILES.messages) }), updatedAt });
}

function textOf(file: FileRead, name: string): string {
  if ('text' in file) return file.text;
  throw new Error('missing' in file ? `${name} is missing` : `${name} cannot be read: ${file.failed}`);
}

/** Reads an optional file's content; null when it does not exist or does not parse (a partial run). */
function optional<T>(file: FileRead, parse: (text: string) => T): T | null {
  if (!('text' in file)) return null;
  try {
    return parse(file.text);
  } catch {
    return null;
  }
}

function parseRunDirectory(dir: string, ticker: string, maxLogEntries: number, files: RunDirectoryFiles): StoredRun {
  const runId = textOf(files.marker, RUN_FILES.marker).trim();
  const parsedId = parseRunId(runId);
  if (!parsedId.ok) throw new Error(`RUN_ID is not a run id: ${parsedId.reason}`);
  if (parsedId.value.ticker !== ticker) throw new Error(`RUN_ID ${runId} does not belong under ${ticker}/`);
  const config = RunConfigSchema.safeParse(JSON.parse(textOf(files.config, RUN_FILES.config)));
  if (!config.success) throw new Error(`config.json does not match the run config schema: ${config.error.issues[0]?.message ?? ''}`);

  const { state, problem: stateProblem } = parseStateFile(files.state);
  const decision = optional(files.decision, (text) => DecisionSchema.parse(JSON.parse(text)));
  const usage = optional(files.usage, (text) => RunUsageSchema.parse(JSON.parse(text)));
  const errorText = optional(files.error, (text) => text.split('\n', 1)[0] ?? text);
  // The log tail is parsed when first read (a JSON parse and a schema check a line): of a history of
  // thousands, only the runs kept whole and the ones resumed or asked for ever need it.
  const logFile = files.log;
  let logs: LogEntry[] | undefined;
  const stored: StoredRun = {
    runId,
    dir,
    config: config.data,
    state,
    stateProblem,
    decision,
    usage,
    errorText,
    get logs() {
      logs ??= optional(logFile, (text) => parseLogLines(text, maxLogEntries)) ?? [];
      return logs;
    },
    createdAt: parsedId.value.started.getTime(),
    updatedAt: files.updatedAt,
  };
  if (files.messages) stored.messages = optional(files.messages, parseAgentMessages) ?? parseAgentMessages('');
  return stored;
}

function asStateFile(value: unknown): StateFile {
  const v = value as Partial<StateFile> | null;
  const statuses = ['pending', 'in_progress', 'completed', 'error', 'canceled'];
  if (!v || typeof v.machine_version !== 'number' || typeof v.status !== 'string' || !statuses.includes(v.status) || typeof v.snapshot !== 'object') {
    throw new Error('state.json has an unknown shape');
  }
  return v as StateFile;
}

/** Parses `state.json`, keeping the reason when it cannot be used (a resume needs it, the history view does not). */
function parseStateFile(file: FileRead): { state: StateFile | null; problem: string | null } {
  if (!('text' in file)) return { state: null, problem: 'missing' in file ? STATE_FILE_MISSING : `state.json cannot be read: ${file.failed}` };
  const { text } = file;
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

async function subdirectories(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
