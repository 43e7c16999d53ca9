import path from 'node:path';
import { BacktestIdSchema, ValidationError, type BacktestRequestInput } from '@tradingfloor/shared';

/** The `backtest` command's flags as commander hands them over: strings and booleans, unchecked. */
export interface RawBacktestFlags {
  tickers?: string;
  from?: string;
  to?: string;
  every?: string;
  mode?: string;
  parallel?: string;
  provider?: string;
  quickModel?: string;
  deepModel?: string;
  offlineLatency?: string;
  memory?: string;
  horizon?: string;
  capital?: string;
  costPerTrade?: string;
  slippageBps?: string;
  allowShort?: boolean;
  riskFreeRate?: string;
  record?: string;
  replay?: string;
  replayOrRecord?: string;
  resume?: string;
  resultsDir?: string;
  json?: boolean;
}

/** A checked `backtest` command: a new backtest's request, or the id of one to resume. */
export type BacktestPlan =
  | { kind: 'start'; request: BacktestRequestInput; resultsDir: string; json: boolean; parallel: number }
  | { kind: 'resume'; backtestId: string; resultsDir: string; json: boolean };

/** A number flag: the text must be a number; its range is checked with the backtest schema. */
function numberFlag(flag: string, raw: string | undefined, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value)) {
    problems.push(`${flag} must be a number, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return value;
}

/**
 * Turns the `backtest` flags into a plan. Only the flags' own shape is checked here (numbers, on|off, one
 * cassette flag, `--resume` alone); the backtest itself (tickers, dates against the data, ranges) is checked by
 * the engine before anything is written. Throws `ValidationError` naming every problem.
 */
export function parseBacktestFlags(raw: RawBacktestFlags, ctx: { env: Record<string, string | undefined>; cwd: string }): BacktestPlan {
  const problems: string[] = [];
  const resultsDir = path.resolve(ctx.cwd, raw.resultsDir ?? (ctx.env.RESULTS_DIR || 'results'));
  const json = raw.json === true;
  if (raw.resume !== undefined) {
    const id = BacktestIdSchema.safeParse(raw.resume.trim());
    if (!id.success) problems.push(`--resume ${JSON.stringify(raw.resume)}: ${id.error.issues[0]?.message ?? 'not a backtest id'}`);
    const others = (['tickers', 'from', 'to', 'every', 'mode'] as const).filter((k) => raw[k] !== undefined);
    if (others.length > 0) problems.push(`--resume takes the backtest's own settings: drop ${others.map((k) => `--${k}`).join(', ')}`);
    if (problems.length > 0 || !id.success) throw new ValidationError(problems.join('\n'));
    return { kind: 'resume', backtestId: id.data, resultsDir, json };
  }
  for (const flag of ['tickers', 'from', 'to'] as const)
    if (raw[flag] === undefined) problems.push(`--${flag} is required (or --resume <backtest_id>)`);
  let memory: boolean | undefined;
  if (raw.memory !== undefined) {
    const m = raw.memory.trim().toLowerCase();
    if (m === 'on' || m === 'off') memory = m === 'on';
    else problems.push(`--memory must be on or off, got ${JSON.stringify(raw.memory)}`);
  }
  const cassettes = [
    ['record', raw.record],
    ['replay', raw.replay],
    ['replay_or_record', raw.replayOrRecord],
  ].filter((c): c is [string, string] => c[1] !== undefined);
  if (cassettes.length > 1) problems.push('give one of --record, --replay and --replay-or-record');
  const cassette = cassettes[0];
  const numbers = {
    every: numberFlag('--every', raw.every, problems),
    parallel: numberFlag('--parallel', raw.parallel, problems),
    offline_latency_ms: numberFlag('--offline-latency', raw.offlineLatency, problems),
    horizon: numberFlag('--horizon', raw.horizon, problems),
    capital: numberFlag('--capital', raw.capital, problems),
    cost_per_trade: numberFlag('--cost-per-trade', raw.costPerTrade, problems),
    slippage_bps: numberFlag('--slippage-bps', raw.slippageBps, problems),
    risk_free_rate: numberFlag('--risk-free-rate', raw.riskFreeRate, problems),
  };
  if (problems.length > 0) throw new ValidationError(problems.join('\n'));
  const request: BacktestRequestInput = {
    tickers: raw.tickers!,
    from: raw.from!.trim(),
    to: raw.to!.trim(),
    ...(raw.mode !== undefined ? { mode: raw.mode.trim().toLowerCase() as 'signal' } : {}),
    ...(raw.provider !== undefined ? { llm_provider: raw.provider.trim().toLowerCase() as 'offline' } : {}),
    ...(raw.quickModel !== undefined ? { quick_think_llm: raw.quickModel.trim() } : {}),
    ...(raw.deepModel !== undefined ? { deep_think_llm: raw.deepModel.trim() } : {}),
    ...(memory !== undefined ? { memory } : {}),
    ...(raw.allowShort ? { allow_short: true } : {}),
    ...(cassette ? { cassette: { mode: cassette[0] as 'record', dir: path.resolve(ctx.cwd, cassette[1]) } } : {}),
    ...Object.fromEntries(Object.entries(numbers).filter(([, v]) => v !== undefined)),
  };
  return { kind: 'start', request, resultsDir, json, parallel: numbers.parallel ?? 3 };
}
