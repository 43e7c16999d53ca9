import { errorMessage, type LogEntry, type RunConfig } from '@tradingfloor/shared';
import type { InspectionEvent } from 'xstate';
import { RunLog } from '../logs/run-log.js';
import type { InspectionRecord } from '../machine/inspection-buffer.js';
import type { RunSteps } from '../machine/provide-run.js';
import type { LessonStore } from '../memory/lesson-store.js';
import { withCassette } from '../providers/cassette/cassette-provider.js';
import type { LlmProvider } from '../providers/provider.js';
import { RunFiles } from '../results/run-files.js';
import { LiveRun, type RunRestore } from './live-run.js';
import type { EngineDeps, RunEvent } from './run-manager-api.js';

/** What every live run of one RunManager is wired to. */
export interface LiveRunWiring {
  deps: EngineDeps;
  steps: RunSteps;
  logBufferMaxLines: number;
  /** Send `log` events (entries are buffered and written either way). */
  streamLogs: boolean;
  now: () => number;
  lessonStore: LessonStore;
  inspect?: (event: InspectionEvent) => void;
  inspectionMax?: number;
  /** The manager's event fan-out. */
  emit(event: RunEvent): void;
  /** Called after the run's `finished` event (eviction counts it). */
  onFinish(run: LiveRun): void;
  onInspect(runId: string, record: InspectionRecord, session: string): void;
}

/** One run to open: a new one in its fresh directory, or (`resume`) an interrupted one in its own. */
export interface LiveRunSpec {
  runId: string;
  config: RunConfig;
  dir: string;
  rawProvider: LlmProvider;
  createdAt: number;
  resume?: { restore: RunRestore; logs: LogEntry[] };
}

/**
 * Builds and opens a run's files, log, provider chain (limiter and retries from the deps, then the cassette)
 * and `LiveRun`; resolves once its first `state.json` is on disk (a new run) or its log is restored (a resume).
 */
export async function openLiveRun(w: LiveRunWiring, spec: LiveRunSpec): Promise<LiveRun> {
  const { deps } = w;
  const { runId, config, dir, rawProvider, createdAt, resume } = spec;
  // Entries about failed file writes stay in memory only: appending them to run.log could fail again.
  const files: RunFiles = new RunFiles(dir, (error, what) =>
    log.append({
      severity: 'WARN',
      source: 'results',
      agent_id: null,
      message: `could not write ${what}: ${errorMessage(error)}`,
    }),
  );
  const log: RunLog = new RunLog({
    maxLines: w.logBufferMaxLines,
    now: w.now,
    onEntry: (entry) => {
      if (entry.source !== 'results') files.appendLog(entry);
      if (w.streamLogs) w.emit({ type: 'log', run_id: runId, entry });
    },
  });
  // A resumed run's log continues its numbering after what run.log holds.
  if (resume) log.restore(resume.logs);
  else await files.writeInitial(runId, config);
  const limited = deps.wrapProvider ? deps.wrapProvider(rawProvider, { runId, log: log.sink }) : rawProvider;
  // The cassette sits in front of the limiter and retries: a replayed answer costs no permit and no request.
  const provider = config.cassette ? withCassette(limited, config.cassette) : limited;
  const run = new LiveRun({
    runId,
    config,
    files,
    createdAt,
    // The run's own data vendors (its `data_vendors`, fallbacks logged to its log) when the deps offer them.
    vendor: deps.vendorForRun ? deps.vendorForRun(config, log.sink) : deps.vendor,
    provider,
    log,
    steps: w.steps,
    ...(deps.priceOf ? { priceOf: (model: string) => deps.priceOf!(model) } : {}),
    now: w.now,
    onChange: (r, treeChanges) => w.emit({ type: 'changed', run_id: r.runId, summary: r.summary(), tree_changes: treeChanges }),
    onFinish: (r) => {
      w.emit({ type: 'finished', run_id: r.runId, summary: r.summary() });
      w.onFinish(r);
    },
    onInspect: (record, session) => w.onInspect(runId, record, session),
    ...(w.inspect ? { inspect: w.inspect } : {}),
    ...(w.inspectionMax !== undefined ? { inspectionMax: w.inspectionMax } : {}),
    ...(resume ? { restore: resume.restore } : {}),
    lessonStore: w.lessonStore,
    ...(deps.maxToolTurns !== undefined ? { maxToolTurns: deps.maxToolTurns } : {}),
  });
  await run.open();
  return run;
}
