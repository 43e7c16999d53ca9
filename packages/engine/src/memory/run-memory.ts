import type { Lesson, RunConfig } from '@tradingfloor/shared';
import type { Reports } from '../agents/agent-context.js';
import type { ReflectorPromptInput } from '../agents/prompts/reflector.js';
import type { MarketDataVendor } from '../data/vendor.js';
import type { LogSink } from '../logs/log-sink.js';
import type { LessonStore } from './lesson-store.js';
import { retrieveLessons, type RetrievalLimits } from './retrieve-lessons.js';
import { settlePending } from './settle-memory.js';
import { situationOf } from './situation.js';

/** What a run with memory on is given by its RunManager. */
export interface RunMemorySetup {
  store: LessonStore;
  /** The lessons a resumed run had already been shown (`lessons.json`): shown again, not retrieved anew. */
  restored: Lesson[] | null;
  /** Told once, when the run's lessons are chosen (to persist and show them). */
  onUsed(lessons: Lesson[]): void;
  limits?: RetrievalLimits;
}

/** The memory of one run: its lessons, chosen once and shared by the research and portfolio managers. */
export interface RunMemory {
  lessons(reports: Reports, signal: AbortSignal): Promise<Lesson[]>;
}

/**
 * Binds a run to the reflection memory. The first manager to ask settles the ticker's pending decisions
 * (those whose horizon has passed by the run's trade date), then retrieves the lessons the run sees:
 * only lessons with `outcome_date` ≤ the trade date, ranked by `retrieveLessons`. Later calls get the same list.
 */
export function createRunMemory(
  setup: RunMemorySetup,
  run: {
    runId: string;
    config: RunConfig;
    vendor: MarketDataVendor;
    log: LogSink;
    reflect(input: ReflectorPromptInput, signal: AbortSignal): Promise<string>;
    reflectedBy: string;
  },
): RunMemory {
  let chosen: Promise<Lesson[]> | undefined = setup.restored ? Promise.resolve(setup.restored) : undefined;
  const choose = async (reports: Reports, signal: AbortSignal): Promise<Lesson[]> => {
    const { ticker, trade_date: date } = run.config;
    await settlePending({
      store: setup.store,
      ticker,
      date,
      runId: run.runId,
      vendor: run.vendor,
      signal,
      log: run.log,
      ...(run.config.memory_horizon !== undefined ? { defaultHorizon: run.config.memory_horizon } : {}),
      reflect: (input) => run.reflect(input, signal),
      reflectedBy: run.reflectedBy,
    });
    const lessons = retrieveLessons(await setup.store.readAll(), { ticker, date, situation: situationOf(reports) }, setup.limits);
    run.log({
      severity: 'INFO',
      source: 'memory',
      agent_id: null,
      message: `${lessons.length} lesson(s) from past decisions shown to the managers (outcomes on or before ${date})`,
    });
    setup.onUsed(lessons);
    return lessons;
  };
  return {
    lessons(reports, signal) {
      chosen ??= choose(reports, signal);
      return chosen;
    },
  };
}
