import type { Severity } from '@tradingfloor/shared';

/** What a component reports to its run's log; the run's log buffer adds `seq`, `ts` and `iso`. */
export interface LogInput {
  severity: Severity;
  /** `agent`, `tool`, `llm`, `data`, `state`, `run`, `retry`, `vendor`, … */
  source: string;
  agent_id: string | null;
  message: string;
}

/** Where engine components write log entries. Never throws. */
export type LogSink = (entry: LogInput) => void;

/** A sink that drops everything, for tests and tools used outside a run. */
export const discardLog: LogSink = () => {};
