import { PHASE_LABELS, findNode, type Action, type ExecutionTree, type RunPhase, type RunStatus } from '@tradingfloor/shared';

/** A batch row's status: a run's status, or `queued` while its ticker waits for a free slot. */
export type RowStatus = RunStatus | 'queued';

/** One ticker of a CLI batch, as the live table and progress lines show it. */
export interface BatchRow {
  ticker: string;
  /** Null while queued, or when the run could not be started. */
  run_id: string | null;
  status: RowStatus;
  /** Label of the phase running now, e.g. "Research Debate"; null when none. */
  phase: string | null;
  /** 0..100. */
  progress: number;
  /** Epoch ms the run was created; null while queued. */
  started_at: number | null;
  /** Epoch ms the run became terminal. */
  ended_at: number | null;
  action: Action | null;
  error: string | null;
}

/** A fresh row for a ticker waiting its turn. */
export function queuedRow(ticker: string): BatchRow {
  return { ticker, run_id: null, status: 'queued', phase: null, progress: 0, started_at: null, ended_at: null, action: null, error: null };
}

/**
 * The label of a run's current phase: the tree node's own name when the node is found (so a round of a
 * debate reads as such), else the phase label of its first path segment, else the raw id.
 */
export function phaseLabel(view: { tree: ExecutionTree } | undefined, currentPhase: string | null): string | null {
  if (currentPhase === null) return null;
  const node = view ? findNode(view.tree, currentPhase) : undefined;
  if (node) return node.name;
  const head = currentPhase.split('.')[0] ?? currentPhase;
  return head in PHASE_LABELS ? PHASE_LABELS[head as RunPhase] : currentPhase;
}
