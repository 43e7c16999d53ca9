import path from 'node:path';
import Table from 'cli-table3';
import pc from 'picocolors';
import type { Decision, RunUsage } from '@tradingfloor/shared';
import type { RowStatus } from './batch-row.js';

/** How one ticker of a batch ended: what the summary table and `--json` report. */
export interface RunOutcome {
  /** Null when the run was never started (interrupted while queued, or refused at start). */
  run_id: string | null;
  ticker: string;
  /** The trading day analysed (the data's last one when `--date` is not given); null for a run never started. */
  trade_date: string | null;
  status: RowStatus;
  decision: Decision | null;
  error: string | null;
  /** Absolute path of the run's results directory, or null when it has none. */
  results_path: string | null;
  usage: RunUsage | null;
}

/** The one document `run --json` prints. */
export interface JsonReport {
  runs: Array<Pick<RunOutcome, 'run_id' | 'ticker' | 'status' | 'decision' | 'error' | 'results_path' | 'usage'>>;
}

/** The `--json` document: every run's id, status, decision, error, results path and usage, in ticker order. */
export function toJsonReport(outcomes: readonly RunOutcome[]): JsonReport {
  return {
    runs: outcomes.map(({ run_id, ticker, status, decision, error, results_path, usage }) => ({
      run_id,
      ticker,
      status,
      decision,
      error,
      results_path,
      usage,
    })),
  };
}

/** Tokens as `12.3k`, or `—` when the run made no model call that reported usage. */
export function formatTokens(usage: RunUsage | null): string {
  if (!usage) return '—';
  const n = usage.total.input_tokens + usage.total.output_tokens;
  if (n === 0) return '—';
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

/** Cost in USD, or `—` when unknown (no price for the model, or no tokens used). */
export function formatCost(usage: RunUsage | null): string {
  const cost = usage?.total.cost_usd;
  if (!usage || cost === null || cost === undefined) return '—';
  if (usage.total.input_tokens + usage.total.output_tokens === 0) return '—';
  return `$${cost < 0.01 ? cost.toFixed(4) : cost.toFixed(2)}`;
}

/** A results path shown relative to the working directory when it lies inside it. */
export function displayPath(resultsPath: string | null, cwd: string): string {
  if (!resultsPath) return '—';
  const rel = path.relative(cwd, resultsPath);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : resultsPath;
}

/** `3/3 runs completed` plus the counts of the other endings. */
export function summaryLine(outcomes: readonly RunOutcome[]): string {
  const completed = outcomes.filter((o) => o.status === 'completed').length;
  const others = new Map<string, number>();
  for (const o of outcomes) if (o.status !== 'completed') others.set(o.status, (others.get(o.status) ?? 0) + 1);
  const rest = [...others].map(([status, n]) => `${n} ${status}`);
  return [`${completed}/${outcomes.length} runs completed`, ...rest].join(' · ');
}

/**
 * The end-of-batch summary: a table with each run's decision (action, rating, confidence), tokens and
 * cost when known, and results path; then each failure's message; then the totals line.
 */
export function renderSummary(outcomes: readonly RunOutcome[], options: { cwd: string; color?: boolean }): string {
  const colors = pc.createColors(options.color ?? false);
  const table = new Table({
    head: ['Ticker', 'Date', 'Status', 'Action', 'Rating', 'Confidence', 'Tokens', 'Cost', 'Results'].map((h) => colors.bold(h)),
    style: { head: [], border: [], compact: true },
    colAligns: ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'left'],
  });
  for (const o of outcomes) {
    const d = o.decision;
    const paint = o.status === 'completed' ? colors.green : o.status === 'error' ? colors.red : colors.yellow;
    table.push([
      colors.bold(o.ticker),
      o.trade_date ?? '—',
      paint(o.status),
      d ? colors.bold(d.action) : '—',
      d ? d.rating : '—',
      d ? `${Math.round(d.confidence * 100)}%` : '—',
      formatTokens(o.usage),
      formatCost(o.usage),
      displayPath(o.results_path, options.cwd),
    ]);
  }
  const failures = outcomes.filter((o) => o.error).map((o) => colors.red(`${o.ticker}: ${o.error}`));
  const done = outcomes.every((o) => o.status === 'completed');
  const line = done ? colors.green(summaryLine(outcomes)) : colors.yellow(summaryLine(outcomes));
  return [table.toString(), ...failures, line].join('\n');
}
