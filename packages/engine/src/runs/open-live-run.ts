import { errorMessage, type ChangedNode, type Lesson, type LogEntry } from '@tradingfloor/shared';
import type { InspectionEvent } from 'xstate';
import { RunLog } from '../logs/run-log.js';
import type { InspectionRecord } from '../machine/inspection-buffer.js';
import type { RunSteps } from '../machine/provide-run.js';
import type { LessonStore } from '../memory/lesson-store.js';
import { withCassette } from '../providers/cassette/cassette-provider.js';
import type { LlmProvider } from '../providers/provider.js';
import { RunFiles } from '../results/run-files.js';
import type { HostRunSpec } from '../host/host-protocol.js';
import { LiveRun } from './live-run.js';
import { goesThroughLane, runLane, type TurnLane } from '../machine/turn-lane.js';
import type { EngineDeps } from './run-manager-api.js';

/** What every live run of one RunManager is wired to. */
export interface LiveRunWiring {
  deps: EngineDeps;
  steps: RunSteps;
  logBufferMaxLines: number;
  /** False: the runs' logs keep no lines in memory (`RunLogOptions.keep`); every line still goes to `onLog`. */
  keepLogs?: boolean;
  now: () => number;
  lessonStore: LessonStore;
  inspect?: (event: InspectionEvent) => void;
  inspectionMax?: number;
  /** Work out inspection summaries as each record is made (records that leave the thread at once: `InspectionBufferOptions.eagerSummaries`). */
  eagerSummaries?: boolean;
  /** Every log entry of the run (also appended to its `run.log`). */
  onLog(runId: string, entry: LogEntry): void;
  /** A change of status, tree, contents or usage, with the tree's changes since the previous call. */
  onChange(run: LiveRun, treeChanges: ChangedNode[]): void;
  /** Called once, after the final files are written. */
  onFinish(run: LiveRun): void;
  onInspect(runId: string, record: InspectionRecord, session: string): void;
  onLessons(runId: string, lessons: Lesson[]): void;
}

/** One run to open: a new one in its fresh directory, or (`resume`) an interrupted one in its own. */
export interface LiveRunSpec extends HostRunSpec {
  /** The run's raw provider (`EngineDeps.providerFor`), before the limiter, retries and cassette. */
  rawProvider: LlmProvider;
}

/**
 * Builds and opens a run's files, log, provider chain (limiter and retries from the deps, then the cassette)
 * and `LiveRun`. A new run's directory already holds its first files (the RunManager writes them with the
 * directory); its first `state.json` is queued, not waited for: nothing here waits for the disk.
 */
export function openLiveRun(w: LiveRunWiring, spec: LiveRunSpec): LiveRun {
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
    ...(w.keepLogs === false ? { keep: false } : {}),
    now: w.now,
    onEntry: (entry) => {
      if (entry.source !== 'results') files.appendLog(entry);
      w.onLog(runId, entry);
    },
  });
  // A resumed run's log continues its numbering after what run.log holds.
  if (resume) log.restore(resume.logs);
  const limited = deps.wrapProvider ? deps.wrapProvider(rawProvider, { runId, log: log.sink }) : rawProvider;
  // A network provider's calls start (ask for their permit, build the request) a few a turn, and its answers
  // go back to their steps after the calls waiting to start (`runLane`); no permit is held while waiting.
  const laned = goesThroughLane(rawProvider) ? inLane(limited, runLane) : limited;
  // The cassette sits in front of the limiter and retries: a replayed answer costs no permit and no request.
  const provider = config.cassette ? withCassette(laned, config.cassette) : laned;
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
    onChange: (r, treeChanges) => w.onChange(r, treeChanges),
    onFinish: (r) => w.onFinish(r),
    onInspect: (record, session) => w.onInspect(runId, record, session),
    onLessons: (lessons) => w.onLessons(runId, lessons),
    ...(w.inspect ? { inspect: w.inspect } : {}),
    ...(w.inspectionMax !== undefined ? { inspectionMax: w.inspectionMax } : {}),
    ...(w.eagerSummaries ? { eagerSummaries: true } : {}),
    ...(resume ? { restore: resume.restore } : {}),
    lessonStore: w.lessonStore,
    ...(deps.maxToolTurns !== undefined ? { maxToolTurns: deps.maxToolTurns } : {}),
  });
  run.open();
  return run;
}

/** `provider` whose every call waits for `lane` to start (`call`), and every answer to go back (`answer`). */
function inLane(provider: LlmProvider, lane: TurnLane): LlmProvider {
  return {
    name: provider.name,
    label: provider.label,
    chat: async (request, signal) => {
      await lane.enter('call');
      const response = await provider.chat(request, signal);
      await lane.enter('answer');
      return response;
    },
  };
}
