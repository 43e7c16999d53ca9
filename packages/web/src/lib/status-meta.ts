import type { NodeStatus, RunStatus, RunSummary } from '@tradingfloor/shared';

/** How a status looks: a glyph (decorative), the words screen readers and tooltips use, and a CSS tone. */
export interface StatusMeta {
  icon: string;
  label: string;
  tone: 'muted' | 'info' | 'success' | 'danger' | 'warning';
}

const META: Record<RunStatus | NodeStatus, StatusMeta> = {
  pending: { icon: '○', label: 'Pending', tone: 'muted' },
  in_progress: { icon: '◐', label: 'In progress', tone: 'info' },
  completed: { icon: '✓', label: 'Completed', tone: 'success' },
  error: { icon: '✕', label: 'Error', tone: 'danger' },
  canceled: { icon: '⊘', label: 'Canceled', tone: 'warning' },
  skipped: { icon: '↷', label: 'Skipped', tone: 'muted' },
  interrupted: { icon: '‖', label: 'Interrupted', tone: 'warning' },
};

/** The look of a run or node status; unknown values fall back to a neutral look with the raw name. */
export function statusMeta(status: string): StatusMeta {
  return META[status as RunStatus | NodeStatus] ?? { icon: '?', label: status, tone: 'muted' };
}

/** Queue mode: where a run waiting for a worker stands (`#2 in queue`); null for every other run. */
export function queueText(run: Pick<RunSummary, 'status' | 'queue_position'>): string | null {
  return run.status === 'pending' && run.queue_position !== undefined ? `#${run.queue_position} in queue` : null;
}
