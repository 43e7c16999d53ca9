import { z } from 'zod';

export const SEVERITIES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** Rank of a severity, for threshold filtering (TRACE = 0 … ERROR = 4). */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** One structured log entry of a run. `seq` is the entry's own per-run number, starting at 1. */
export const LogEntrySchema = z.object({
  seq: z.number().int().positive(),
  /** Epoch milliseconds. */
  ts: z.number(),
  iso: z.string(),
  severity: SeveritySchema,
  /** What produced it: `agent`, `tool`, `llm`, `data`, `state`, `run`, … */
  source: z.string(),
  agent_id: z.string().nullable(),
  message: z.string(),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;
