import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogEntry, RunConfig, RunStatus, RunUsage } from '@tradingfloor/shared';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { REPORT_NAMES, type ReportName } from './report-files.js';
import { WriteQueue } from './write-queue.js';

/** What `state.json` holds: the actor's persisted snapshot, tagged so a later process knows how to read it. */
export interface StateFile {
  machine_version: number;
  run_id: string;
  /** The run status when saved; a non-final one found at start-up means the run was interrupted. */
  status: Exclude<RunStatus, 'interrupted'>;
  saved_at: string;
  snapshot: unknown;
  /** Token usage so far, so a resumed run keeps counting from it. */
  usage?: RunUsage;
}

/** File names inside a run's results directory. */
export const RUN_FILES = {
  marker: 'RUN_ID',
  config: 'config.json',
  messages: 'message_tool.log',
  log: 'run.log',
  decision: 'decision.json',
  usage: 'usage.json',
  state: 'state.json',
  error: 'error.log',
  reports: 'reports',
  /** The lessons of the reflection memory the run's managers were shown (memory on only). */
  lessons: 'lessons.json',
} as const;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const quote = JSON.stringify as (text: string) => string;
/** A number as `JSON.stringify` writes it. */
const jsonNumber = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/**
 * One `run.log` line: the text `JSON.stringify(entry)` makes, fields in the same order, written field by field
 * (each string still quoted by `JSON.stringify`), which costs about half as much as serialising the object.
 */
export function logLine(entry: LogEntry): string {
  const agent = entry.agent_id === null ? 'null' : quote(entry.agent_id);
  return `{"seq":${jsonNumber(entry.seq)},"ts":${jsonNumber(entry.ts)},"iso":${quote(entry.iso)},"severity":${quote(entry.severity)},"source":${quote(entry.source)},"agent_id":${agent},"message":${quote(entry.message)}}\n`;
}

/**
 * Writes a new run's first files into its fresh directory: `RUN_ID` and `config.json` (each atomically) and
 * `reports/`. Throws when one cannot be written: a run whose directory cannot be written must not be created.
 * The RunManager writes them as it makes the directory, before the run is opened.
 */
export async function writeFirstFiles(dir: string, runId: string, config: RunConfig): Promise<void> {
  // Independent files: written side by side.
  await Promise.all([
    mkdir(join(dir, RUN_FILES.reports), { recursive: true }),
    writeFileAtomic(join(dir, RUN_FILES.marker), `${runId}\n`),
    writeFileAtomic(join(dir, RUN_FILES.config), json(config)),
  ]);
}

/**
 * Writes one run's results directory. Every operation goes through the run's ordered write queue; whole
 * files are written atomically (temp + rename), the two logs are appended: their lines wait in memory at
 * most `APPEND_WINDOW_MS` and are always written before a whole file asked for after them (`WriteQueue`).
 * Methods never throw: failures go to `onError`. `close()` when the run has ended.
 */
export class RunFiles {
  private readonly queue: WriteQueue;
  private readonly written = new Map<ReportName, string>();
  /** The `state.json` write queued last, while it has not started: a newer state replaces its content. */
  private waitingState: { state: StateFile; at: number } | null = null;
  /** Set when the run ends: the final files are flushed to the disk (fsync) before they replace the old ones. */
  durable = false;
  /**
   * The paths written most, joined once: a run appends a hundred-odd log lines (and the queue looks each
   * file up by its path, whose hash a string made once keeps).
   */
  private readonly logPath: string;
  private readonly messagesPath: string;
  private readonly statePath: string;

  constructor(
    readonly dir: string,
    onError: (error: unknown, what: string) => void = () => {},
  ) {
    this.queue = new WriteQueue(onError);
    this.logPath = join(dir, RUN_FILES.log);
    this.messagesPath = join(dir, RUN_FILES.messages);
    this.statePath = join(dir, RUN_FILES.state);
  }

  /** Appends one entry to `run.log` (JSON lines). */
  appendLog(entry: LogEntry): void {
    this.queue.append(this.logPath, logLine(entry));
  }

  /** Appends one agent message or tool call to `message_tool.log`, on one line. */
  appendMessage(iso: string, agentId: string, text: string): void {
    const line = text.replace(/\r?\n/g, '\\n');
    this.queue.append(this.messagesPath, `${iso} [${agentId}] ${line}\n`);
  }

  /** Writes the reports that are new or changed since the last call. */
  writeReports(reports: Partial<Record<ReportName, string>>): void {
    for (const name of REPORT_NAMES) {
      const text = reports[name];
      if (text === undefined || this.written.get(name) === text) continue;
      this.written.set(name, text);
      void this.queue.run(`report ${name}`, () => this.write(join(this.dir, RUN_FILES.reports, `${name}.md`), text.endsWith('\n') ? text : `${text}\n`));
    }
  }

  /** Writes one of the JSON files (`decision.json`, `usage.json`, …) atomically. */
  writeJson(file: typeof RUN_FILES.decision | typeof RUN_FILES.usage | typeof RUN_FILES.state, value: unknown): void {
    void this.queue.run(file, () => this.write(join(this.dir, file), json(value)));
  }

  /** Writes the lessons the run used: `lessons.json` (machine-read, also on resume) and `reports/lessons.md` (to read). */
  writeLessons(lessons: unknown, markdown: string): void {
    void this.queue.run(RUN_FILES.lessons, () => writeFileAtomic(join(this.dir, RUN_FILES.lessons), json(lessons)));
    void this.queue.run('report lessons', () => writeFileAtomic(join(this.dir, RUN_FILES.reports, 'lessons.md'), markdown));
  }

  /** Writes `state.json` atomically, in order with the reports asked for before it (a snapshot never runs ahead of them). */
  writeState(state: StateFile): void {
    // Nothing was queued after the waiting write: writing only the newer state keeps every order promised
    // above and saves serialising and writing a snapshot that a busy disk would replace at once.
    const waiting = this.waitingState;
    if (waiting && waiting.at === this.queue.queued) {
      waiting.state = state;
      return;
    }
    const slot = { state, at: 0 };
    this.waitingState = slot;
    void this.queue.run(RUN_FILES.state, () => {
      if (this.waitingState === slot) this.waitingState = null;
      // One line: only programs read it, and it is written at every step boundary (indenting a snapshot with
      // every report in it costs more than the rest of the write).
      return this.write(this.statePath, `${JSON.stringify(slot.state)}\n`);
    });
    slot.at = this.queue.queued;
  }

  /** Writes `error.log`: the message, then the stack when there is one. */
  writeError(message: string, stack: string | undefined): void {
    const text = stack ? `${message}\n\n${stack}\n` : `${message}\n`;
    void this.queue.run(RUN_FILES.error, () => this.write(join(this.dir, RUN_FILES.error), text));
  }

  private write(path: string, data: string): Promise<void> {
    return writeFileAtomic(path, data, { durable: this.durable });
  }

  /** Resolves once everything asked for so far is written. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /**
   * Writes everything asked for so far, then closes the logs' descriptors (the run ended); resolves then.
   * Lines logged later are still appended, each write opening and closing its file.
   */
  close(): Promise<void> {
    return this.queue.close();
  }
}
