import { ValidationError, type CreateScheduleBody, type StartRunsBody } from '@tradingfloor/shared';
import { buildRunRequests, type StartLimits } from '../runs/build-run-requests.js';
import type { ScheduleDraft } from './scheduler.js';

/** Fields a start body has that a schedule refuses, with the reason a client is told. */
const NOT_FOR_SCHEDULES: Record<string, string> = {
  trade_date: 'each fire analyses the data’s latest trading day, so a schedule has no trade_date',
  analysis_date: 'each fire analyses the data’s latest trading day, so a schedule has no analysis_date',
  company_symbols: 'a schedule names its tickers in "tickers"',
  instrument_positions: 'a schedule starts its runs flat; instrument_positions is not supported',
};

/** Refuses, with a reason, the start-body fields a schedule does not take (before the strict schema names them "unknown"). */
export function refuseStartOnlyFields(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  for (const [field, reason] of Object.entries(NOT_FOR_SCHEDULES)) {
    if (Object.hasOwn(body, field)) throw new ValidationError(`${field} is not a schedule field: ${reason}`);
  }
}

/**
 * A parsed `POST /schedules` body as a draft: tickers and run options checked exactly as `/start-multi`
 * checks them (every bad ticker named, duplicates merged, `MAX_TICKERS_PER_REQUEST`), and a batch that can
 * ever fit under `MAX_PARALLEL_RUNS`.
 */
export function scheduleDraft(body: CreateScheduleBody, limits: StartLimits & { maxParallelRuns: number }): ScheduleDraft {
  const { tickers, cron, timezone, name, missed, ...options } = body;
  const requests = buildRunRequests({ ...options, company_symbols: tickers } as StartRunsBody, limits);
  if (requests.length > limits.maxParallelRuns) {
    throw new ValidationError(
      `a schedule of ${requests.length} tickers could never start: at most ${limits.maxParallelRuns} runs may be active at once (MAX_PARALLEL_RUNS)`,
    );
  }
  return {
    name: name ?? null,
    tickers: requests.map((r) => r.ticker),
    cron,
    timezone,
    ...(missed ? { missed } : {}),
    options: requests[0]?.options ?? {},
  };
}
