import type { RunSummary } from '@tradingfloor/shared';
import type { HostEvent, HostRunSpec } from '../host/host-protocol.js';
import type { RunContext } from '../machine/run-context.js';
import { deriveTree } from '../tree/derive-tree.js';
import { computeProgress, currentPhase } from '../tree/progress.js';
import { boardFields } from './board-fields.js';
import { UsageMeter } from './usage-meter.js';

type Created = Extract<HostEvent, { type: 'created' }>;

/**
 * The `created` event a queue-mode server announces for a run it has put on the queue, before any worker has
 * opened it: the run is listed at once as `pending`, with its `queue_position`, and the tree a fresh run (or,
 * resumed, its saved state) starts from. The worker that takes the run later announces its own `created`,
 * which replaces all of this.
 */
export function queuedRunCreated(spec: HostRunSpec, position: number, dataSource: string | null): Created {
  const saved = savedContext(spec);
  const context = saved ?? ({ config: spec.config, nodes: {}, error: null } as unknown as RunContext);
  const tree = deriveTree({ value: 'pending', context });
  const meter = new UsageMeter(undefined, spec.resume?.restore.usage);
  const summary: RunSummary = {
    run_id: spec.runId,
    ticker: spec.config.ticker,
    trade_date: spec.config.trade_date,
    status: 'pending',
    overall_progress: computeProgress(tree),
    created_at: spec.createdAt,
    updated_at: spec.createdAt,
    current_phase: currentPhase(tree),
    provider: spec.config.llm_provider,
    error: null,
    action: null,
    results_path: spec.dir,
    queue_position: position,
    ...boardFields(spec.config, null, meter.total(), dataSource),
  };
  return { type: 'created', run_id: spec.runId, summary, config: spec.config, tree, contents: {}, usage: meter.snapshot(), data_sources: {} };
}

/** The saved context of a resumed run's snapshot, when it has the shape the tree is derived from. */
function savedContext(spec: HostRunSpec): RunContext | null {
  const snapshot = spec.resume?.restore.snapshot as { context?: Partial<RunContext> } | undefined;
  const context = snapshot?.context;
  if (!context || typeof context.nodes !== 'object' || context.nodes === null) return null;
  // The tree shows the run's current config (a resume may have changed memory or cassette), with the saved nodes.
  return { ...context, config: spec.config, error: context.error ?? null } as RunContext;
}
