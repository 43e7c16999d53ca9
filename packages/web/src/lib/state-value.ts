import type { MachineStateValue } from '@tradingfloor/shared';

/**
 * The ids of every active state node for a state value: the root, then each named state and its ancestors.
 * `{ in_progress: { analysts: { market: 'running' } } }` under root `run` gives `run`, `run.in_progress`,
 * `run.in_progress.analysts`, `run.in_progress.analysts.market` and `run.in_progress.analysts.market.running`.
 */
export function activeStateIds(rootId: string, value: MachineStateValue | null | undefined): Set<string> {
  const ids = new Set<string>();
  if (value === null || value === undefined) return ids;
  ids.add(rootId);
  const walk = (prefix: string, v: MachineStateValue): void => {
    if (typeof v === 'string') {
      ids.add(`${prefix}.${v}`);
      return;
    }
    for (const [key, child] of Object.entries(v)) {
      ids.add(`${prefix}.${key}`);
      walk(`${prefix}.${key}`, child);
    }
  };
  walk(rootId, value);
  return ids;
}

/** A state value in one line: `in_progress.analysts.{market.running, news.done}`. */
export function formatStateValue(value: MachineStateValue | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  const parts = Object.entries(value).map(([key, child]) => `${key}.${formatStateValue(child)}`);
  return parts.length === 1 ? parts[0]! : `{${parts.join(', ')}}`;
}
