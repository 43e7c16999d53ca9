import path from 'node:path';
import { z } from 'zod';
import {
  ANALYST_KINDS,
  IsoDateSchema,
  PROVIDER_NAMES,
  RunOptionsSchema,
  ValidationError,
  parseTickerList,
  type AnalystKind,
  type ProviderName,
  type RunOptions,
} from '@tradingfloor/shared';
import { parseMemoryCassetteFlags, type RawMemoryCassetteFlags } from './memory-cassette-flags.js';

/** The run-option flags `run` and `schedule add` share, as commander hands them over. */
export interface RawRunOptionFlags {
  analysts?: string;
  rounds?: string;
  riskRounds?: string;
  provider?: string;
  quickModel?: string;
  deepModel?: string;
  offlineLatency?: string;
  sequentialAnalysts?: boolean;
  dataVendors?: string;
}

/** The `run` command's flags as commander hands them over: strings and booleans, unchecked. */
export interface RawRunFlags extends RawMemoryCassetteFlags, RawRunOptionFlags {
  tickers?: string;
  parallel?: string;
  date?: string;
  resultsDir?: string;
  json?: boolean;
  onInterrupt?: string;
}

/** A checked batch: what to run, how many at once, where results go, how to report. */
export interface RunPlan {
  /** Upper-case, validated, duplicates merged, in the order given. */
  tickers: string[];
  /** Options shared by every run of the batch (validated with the shared `RunOptionsSchema`). */
  options: RunOptions;
  /** Runs at most this many at once; the others wait their turn. */
  parallel: number;
  /** Absolute results directory. */
  resultsDir: string;
  json: boolean;
  /** Ctrl-C / SIGTERM: `cancel` the active runs for good (default), or `keep` them `interrupted` for a resume. */
  onInterrupt: 'keep' | 'cancel';
}

/** Highest `--parallel` we accept; the LLM limiter, not this, bounds the real load. */
export const MAX_PARALLEL = 100;
export const DEFAULT_PARALLEL = 3;

/** A whole-number flag, with a message naming the flag and the value it got. */
function wholeNumber(flag: string, min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: (iss) => `${flag} must be a whole number, got ${JSON.stringify(iss.input)}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: (iss) => `${flag} must be at least ${min}, got ${String(iss.input)}` })
        .max(max, { error: (iss) => `${flag} must be at most ${max}, got ${String(iss.input)}` }),
    );
}

const FlagsSchema = z.object({
  tickers: z.string({ error: '--tickers is required, e.g. --tickers AAPL,MSFT,NVDA' }),
  parallel: wholeNumber('--parallel', 1, MAX_PARALLEL).optional(),
  date: z.string().optional(),
  analysts: z.string().optional(),
  rounds: wholeNumber('--rounds', 1, 10).optional(),
  riskRounds: wholeNumber('--risk-rounds', 1, 10).optional(),
  provider: z.string().optional(),
  quickModel: z.string().trim().min(1, '--quick-model is empty').optional(),
  deepModel: z.string().trim().min(1, '--deep-model is empty').optional(),
  offlineLatency: wholeNumber('--offline-latency', 0, 60_000).optional(),
  sequentialAnalysts: z.boolean().default(false),
  dataVendors: z.string().trim().min(1, '--data-vendors is empty').optional(),
  resultsDir: z.string().trim().min(1, '--results-dir is empty').optional(),
  json: z.boolean().default(false),
  onInterrupt: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['keep', 'cancel'], { error: (iss) => `--on-interrupt must be keep or cancel, got ${JSON.stringify(iss.input)}` }))
    .default('cancel'),
});

/** Which flag sets each run option, to name it in messages. */
const FLAG_OF_OPTION: Record<string, string> = {
  trade_date: '--date',
  analysts: '--analysts',
  max_debate_rounds: '--rounds',
  max_risk_discuss_rounds: '--risk-rounds',
  llm_provider: '--provider',
  quick_think_llm: '--quick-model',
  deep_think_llm: '--deep-model',
  offline_latency_ms: '--offline-latency',
  sequential_analysts: '--sequential-analysts',
  data_vendors: '--data-vendors',
  memory: '--memory',
  memory_horizon: '--horizon',
  cassette: '--record/--replay',
};

/** Today as YYYY-MM-DD in UTC (the latest calendar day anywhere but the far east, so never too strict). */
function todayUtc(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

function splitList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Checks the `run` flags and turns them into a {@link RunPlan}. Every problem found is reported at once, one
 * line each, in the thrown `ValidationError` (the CLI prints it and exits 2).
 */
export function parseRunFlags(raw: RawRunFlags, ctx: { env: Record<string, string | undefined>; cwd: string; now: number }): RunPlan {
  // The flag schema and the checks below both run, so that every problem is reported in one go.
  const parsed = FlagsSchema.safeParse(raw);
  const problems: string[] = parsed.success ? [] : parsed.error.issues.map((i) => i.message);
  const flags = parsed.success ? parsed.data : undefined;

  const { tickers, errors } = parseTickerList(raw.tickers ?? '');
  for (const e of errors) problems.push(`bad ticker ${JSON.stringify(e.input)}: ${e.reason}`);
  if (raw.tickers !== undefined && tickers.length === 0 && errors.length === 0) {
    problems.push('--tickers names no ticker, e.g. --tickers AAPL,MSFT,NVDA');
  }

  let analysts: AnalystKind[] | undefined;
  if (raw.analysts !== undefined) {
    const names = splitList(raw.analysts.toLowerCase());
    const unknown = names.filter((n) => !(ANALYST_KINDS as readonly string[]).includes(n));
    for (const n of unknown) problems.push(`unknown analyst ${JSON.stringify(n)}: choose from ${ANALYST_KINDS.join(', ')}`);
    if (names.length === 0) problems.push(`--analysts names no analyst: choose from ${ANALYST_KINDS.join(', ')}`);
    if (unknown.length === 0) analysts = names as AnalystKind[];
  }

  let provider: ProviderName | undefined;
  if (raw.provider !== undefined) {
    const name = raw.provider.trim().toLowerCase();
    if ((PROVIDER_NAMES as readonly string[]).includes(name)) provider = name as ProviderName;
    else problems.push(`unknown provider ${JSON.stringify(raw.provider)}: choose from ${PROVIDER_NAMES.join(', ')}`);
  }

  let tradeDate: string | undefined;
  if (raw.date !== undefined) {
    const date = raw.date.trim();
    const check = IsoDateSchema.safeParse(date);
    if (!check.success) problems.push(`--date ${JSON.stringify(raw.date)}: ${check.error.issues[0]?.message ?? 'not a date'}`);
    else if (date > todayUtc(ctx.now))
      problems.push(`--date ${date} is in the future (today is ${todayUtc(ctx.now)}): a run analyses a past trading day`);
    else tradeDate = date;
  }

  const memoryCassette = parseMemoryCassetteFlags(raw, ctx.cwd, problems);

  if (!flags) throw new ValidationError(problems.join('\n'));
  const options = RunOptionsSchema.safeParse({
    trade_date: tradeDate,
    analysts,
    max_debate_rounds: flags.rounds,
    max_risk_discuss_rounds: flags.riskRounds,
    llm_provider: provider,
    quick_think_llm: flags.quickModel,
    deep_think_llm: flags.deepModel,
    offline_latency_ms: flags.offlineLatency,
    sequential_analysts: flags.sequentialAnalysts,
    data_vendors: flags.dataVendors,
    ...memoryCassette,
  });
  if (!options.success) {
    for (const issue of options.error.issues) {
      const key = String(issue.path[0] ?? '');
      problems.push(`${FLAG_OF_OPTION[key] ?? key}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !options.success) throw new ValidationError(problems.join('\n'));

  // An empty RESULTS_DIR counts as unset, as shells make it easy to export one by mistake.
  const resultsDir = path.resolve(ctx.cwd, flags.resultsDir ?? (ctx.env.RESULTS_DIR || 'results'));
  return { tickers, options: options.data, parallel: flags.parallel ?? DEFAULT_PARALLEL, resultsDir, json: flags.json, onInterrupt: flags.onInterrupt };
}
