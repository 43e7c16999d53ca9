import {
  PositionSchema,
  RunConfigSchema,
  RunOptionsSchema,
  listProblems,
  TickerSchema,
  ValidationError,
  errorMessage,
  type RunConfig,
} from '@tradingfloor/shared';
import type { z } from 'zod';
import type { DataCoverage } from '../data/vendor.js';
import type { RunRequest } from './run-manager-api.js';

/** What request validation needs besides the requests. */
export interface ValidationScope {
  coverage: DataCoverage;
  /** Label of the data source, for messages ("demo data …"). */
  dataLabel: string;
  /** Today's date `YYYY-MM-DD` (UTC), from the injected clock. */
  today: string;
  defaultModels(provider: RunConfig['llm_provider']): { quick: string; deep: string };
  /** One instrument's own date range, when its data is known: defaults and checks use it before the vendor-wide coverage. */
  rangeOf?(ticker: string): { first_date: string; last_date: string } | undefined;
}

const issuesOf = (error: z.ZodError) =>
  listProblems(error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)));

/**
 * Turns run requests into run configs, checking all of them before any run exists: the ticker, the
 * options, the position, and the trade date (given, or the data's last date) — a real date, not in the
 * future and inside the data's coverage. Every problem of every request is reported in one
 * `ValidationError`, each prefixed with its ticker.
 */
export function resolveRunConfigs(requests: readonly RunRequest[], scope: ValidationScope): RunConfig[] {
  if (requests.length === 0) throw new ValidationError('no runs requested: give at least one ticker');
  const problems: string[] = [];
  const configs: RunConfig[] = [];
  for (const [index, request] of requests.entries()) {
    if (typeof request !== 'object' || request === null) {
      problems.push(`request ${index + 1}: expected { ticker, options }, got ${request === null ? 'null' : typeof request}`);
      continue;
    }
    const label = typeof request.ticker === 'string' && request.ticker.trim() !== '' ? request.ticker.trim() : '(empty ticker)';
    const fail = (message: string) => problems.push(`${label}: ${message}`);
    const ticker = TickerSchema.safeParse(request.ticker);
    if (!ticker.success) fail(issuesOf(ticker.error));
    const options = RunOptionsSchema.safeParse(request.options ?? {});
    if (!options.success) fail(issuesOf(options.error));
    const position = request.position === undefined ? undefined : PositionSchema.safeParse(request.position);
    if (position && !position.success) fail(`position: ${issuesOf(position.error)}`);
    if (!ticker.success || !options.success || (position && !position.success)) continue;

    // Default: the instrument's (else the data's) last date, but never a day that has not come yet.
    const range = scope.rangeOf?.(ticker.data) ?? scope.coverage;
    const lastDate = range.last_date < scope.today ? range.last_date : scope.today;
    const tradeDate = options.data.trade_date ?? lastDate;
    const dateProblem = checkTradeDate(tradeDate, range, ticker.data, scope);
    if (dateProblem) {
      fail(dateProblem);
      continue;
    }
    const models = scope.defaultModels(options.data.llm_provider);
    const config = RunConfigSchema.safeParse({
      ...options.data,
      ticker: ticker.data,
      trade_date: tradeDate,
      quick_think_llm: options.data.quick_think_llm ?? models.quick,
      deep_think_llm: options.data.deep_think_llm ?? models.deep,
      ...(position?.success ? { position: position.data } : {}),
    });
    if (!config.success) fail(issuesOf(config.error));
    else configs.push(config.data);
  }
  if (problems.length > 0) throw new ValidationError(listProblems(problems));
  return configs;
}

function checkTradeDate(date: string, range: { first_date: string; last_date: string }, ticker: string, scope: ValidationScope): string | null {
  if (date > scope.today) return `trade date ${date} is in the future (today is ${scope.today})`;
  const { first_date, last_date } = range;
  const whose = range === scope.coverage ? scope.dataLabel : `the data of ${ticker}`;
  if (date < first_date || date > last_date) return `trade date ${date} is outside the data (${whose} covers ${first_date} to ${last_date})`;
  return null;
}

/** Wraps a failure to build a run's provider as a validation problem, keeping typed errors' messages. */
export function providerProblem(ticker: string, error: unknown): string {
  const message = errorMessage(error);
  return `${ticker}: provider not available: ${message}`;
}
