/** One keyboard shortcut as the `?` list shows it. */
export interface Shortcut {
  keys: string;
  what: string;
}

/** Every shortcut, by where it works. Global ones are ignored while typing in a field. */
export const SHORTCUTS: ReadonlyArray<{ area: string; items: Shortcut[] }> = [
  {
    area: 'Anywhere',
    items: [
      { keys: '?', what: 'Show this list' },
      { keys: 'b', what: 'Board' },
      { keys: 'r', what: 'Run tabs' },
      { keys: 'm', what: 'Metrics' },
      { keys: '/', what: 'Search tickers on the board' },
      { keys: 'd', what: 'Dark / light theme' },
    ],
  },
  {
    area: 'Board rows',
    items: [
      { keys: '↑ ↓ Home End PgUp PgDn', what: 'Move between rows' },
      { keys: 'Space', what: 'Select or unselect the run' },
      { keys: 'Enter', what: 'Open the run in a tab' },
      { keys: 'c', what: 'Compare the selected runs' },
      { keys: 'Esc', what: 'Close the comparison' },
    ],
  },
  {
    area: 'Run tabs',
    items: [{ keys: '← → Home End', what: 'Move between tabs (the panel follows)' }],
  },
  {
    area: 'Execution tree',
    items: [
      { keys: '↑ ↓', what: 'Previous / next node' },
      { keys: '→ ←', what: 'Expand / collapse, or go to the first child / the parent' },
      { keys: 'Home End', what: 'First / last node' },
      { keys: 'Enter', what: 'Show the node’s report or messages' },
    ],
  },
  {
    area: 'Backtest grid',
    items: [
      { keys: '← → ↑ ↓', what: 'Move between cells' },
      { keys: 'Home End', what: 'First / last cell of the row (Ctrl: of the grid)' },
      { keys: 'PgUp PgDn', what: 'Up / down five tickers' },
      { keys: 'Enter', what: 'Open the cell’s run in a tab' },
    ],
  },
];

/** True when a key press belongs to a text field (global shortcuts then stay out of the way). */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  return el.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes((el as HTMLInputElement).type);
}
