import { errorMessage, type RunConfig, type RunSummary } from '@tradingfloor/shared';
import { initialRunContext } from '../machine/run-context.js';
import { readRunDirectorySync } from '../results/read-history.js';
import { deriveTree, runStatusOf } from '../tree/derive-tree.js';
import type { DiskView } from './disk-view-cache.js';
import type { RunView } from './run-manager-api.js';
import { StoredRunEntry } from './stored-run.js';

/**
 * Reads an evicted run's tree, contents, decision, usage and logs back from its results directory; the
 * summary it had in memory stays the run's word (status, progress, updated_at). If the directory has gone
 * meanwhile (retention), the view is that summary with a blank tree and the reason.
 */
export function readViewFromDisk(summary: RunSummary, config: RunConfig, logBufferMaxLines: number): DiskView {
  try {
    const stored = readRunDirectorySync(summary.results_path, summary.ticker, logBufferMaxLines);
    const entry = new StoredRunEntry(stored, logBufferMaxLines);
    return { view: { ...entry.view(), summary }, logs: entry.logs() };
  } catch (error) {
    const tree = deriveTree({ value: runStatusOf('pending'), context: initialRunContext(config) });
    const reason = `the results directory cannot be read: ${errorMessage(error)}`;
    const view: RunView = {
      summary,
      config,
      tree,
      contents: {},
      decision: null,
      error: summary.error ?? reason,
      usage: { total: { calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: null }, by_agent: {}, by_model: {} },
    };
    return { view, logs: { entries: [], last_seq: 0 } };
  }
}
