/** A position in a grid of rows × columns. */
export interface GridPos {
  row: number;
  col: number;
}

/** The grid being moved in: its size and which positions hold a cell (others are skipped). */
export interface GridShape {
  rows: number;
  cols: number;
  has(row: number, col: number): boolean;
}

/** Rows a PageUp / PageDown moves by. */
export const GRID_PAGE_ROWS = 5;

/** The first position holding a cell, row by row, or null for an empty grid. */
export function firstCell(grid: GridShape): GridPos | null {
  for (let row = 0; row < grid.rows; row++) for (let col = 0; col < grid.cols; col++) if (grid.has(row, col)) return { row, col };
  return null;
}

function lastCell(grid: GridShape): GridPos | null {
  for (let row = grid.rows - 1; row >= 0; row--) for (let col = grid.cols - 1; col >= 0; col--) if (grid.has(row, col)) return { row, col };
  return null;
}

/** The first cell met walking from `from` (excluded) by `step` along one axis up to `limit` (included). */
function walk(grid: GridShape, from: GridPos, axis: 'row' | 'col', step: 1 | -1, limit: number): GridPos | null {
  for (let i = from[axis] + step; step > 0 ? i <= limit : i >= limit; i += step) {
    const pos = axis === 'row' ? { row: i, col: from.col } : { row: from.row, col: i };
    if (grid.has(pos.row, pos.col)) return pos;
  }
  return null;
}

/** The farthest cell within `limit` along a column (PageUp / PageDown), else the nearest one beyond `from`. */
function page(grid: GridShape, from: GridPos, step: 1 | -1): GridPos | null {
  const limit = Math.max(0, Math.min(grid.rows - 1, from.row + step * GRID_PAGE_ROWS));
  for (let row = limit; step > 0 ? row > from.row : row < from.row; row -= step) if (grid.has(row, from.col)) return { row, col: from.col };
  return null;
}

/**
 * Where a key moves the focus in a grid, as the ARIA grid pattern defines it: arrows to the next cell that
 * way, Home / End to the first / last cell of the row (with Ctrl: of the grid), PageUp / PageDown by
 * `GRID_PAGE_ROWS` rows. At an edge the focus stays (`from` is returned). Null when the key is not a move.
 */
export function gridMove(grid: GridShape, from: GridPos, key: string, ctrl = false): GridPos | null {
  const moved = (() => {
    switch (key) {
      case 'ArrowRight':
        return walk(grid, from, 'col', 1, grid.cols - 1);
      case 'ArrowLeft':
        return walk(grid, from, 'col', -1, 0);
      case 'ArrowDown':
        return walk(grid, from, 'row', 1, grid.rows - 1);
      case 'ArrowUp':
        return walk(grid, from, 'row', -1, 0);
      case 'PageDown':
        return page(grid, from, 1);
      case 'PageUp':
        return page(grid, from, -1);
      case 'Home':
        return ctrl ? firstCell(grid) : walk(grid, { row: from.row, col: -1 }, 'col', 1, grid.cols - 1);
      case 'End':
        return ctrl ? lastCell(grid) : walk(grid, { row: from.row, col: grid.cols }, 'col', -1, 0);
      default:
        return undefined;
    }
  })();
  if (moved === undefined) return null;
  return moved ?? from;
}
