import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DecisionSchema, RunConfigSchema, type Decision } from '@tradingfloor/shared';
import type { Reports } from '../agents/agent-context.js';
import { RUN_FILES } from '../results/run-files.js';

/** A decision of an earlier run with memory on, not yet turned into a lesson. */
export interface PendingDecision {
  runId: string;
  ticker: string;
  decisionDate: string;
  /** The horizon that run was configured with. */
  horizon: number | undefined;
  decision: Decision;
  reports: Reports;
}

const REPORT_FILES = {
  market: 'market_report',
  social: 'sentiment_report',
  news: 'news_report',
  fundamentals: 'fundamentals_report',
} as const;

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The pending decisions of `ticker`: every run under `<results>/<TICKER>/` that had memory on, completed with a
 * `decision.json`, was taken before `before`, and is not in `settled`. Oldest decision first. Unreadable
 * directories are skipped: a broken run must not stop the next one.
 */
export async function findPendingDecisions(
  resultsDir: string,
  ticker: string,
  options: { before: string; settled: ReadonlySet<string>; excludeRunId?: string },
): Promise<PendingDecision[]> {
  const tickerDir = join(resultsDir, ticker);
  const names = await readdir(tickerDir).catch(() => [] as string[]);
  const found: PendingDecision[] = [];
  for (const name of names.sort()) {
    const dir = join(tickerDir, name);
    const runId = (await readText(join(dir, RUN_FILES.marker)))?.trim();
    if (!runId || runId === options.excludeRunId || options.settled.has(runId)) continue;
    const pending = await readPending(dir, runId, ticker);
    if (pending && pending.decisionDate < options.before) found.push(pending);
  }
  return found.sort((a, b) => a.decisionDate.localeCompare(b.decisionDate) || a.runId.localeCompare(b.runId));
}

async function readPending(dir: string, runId: string, ticker: string): Promise<PendingDecision | null> {
  try {
    const configText = await readText(join(dir, RUN_FILES.config));
    const decisionText = await readText(join(dir, RUN_FILES.decision));
    if (configText === null || decisionText === null) return null;
    const config = RunConfigSchema.safeParse(JSON.parse(configText));
    const decision = DecisionSchema.safeParse(JSON.parse(decisionText));
    if (!config.success || !decision.success || !config.data.memory || config.data.ticker !== ticker) return null;
    const reports: Reports = {};
    for (const [kind, file] of Object.entries(REPORT_FILES) as Array<[keyof Reports, string]>) {
      const text = await readText(join(dir, RUN_FILES.reports, `${file}.md`));
      if (text) reports[kind] = text;
    }
    return { runId, ticker, decisionDate: config.data.trade_date, horizon: config.data.memory_horizon, decision: decision.data, reports };
  } catch {
    return null;
  }
}
