import { describe, expect, it } from 'vitest';
import { firstCell, gridMove, GRID_PAGE_ROWS, type GridShape } from '../src/lib/grid-nav.js';

/** A grid drawn as text: `#` a cell, `.` a hole. */
function shape(...lines: string[]): GridShape {
  return { rows: lines.length, cols: lines[0]!.length, has: (r, c) => lines[r]?.[c] === '#' };
}

describe('gridMove (ARIA grid pattern)', () => {
  const g = shape(
    '###.#', //
    '#.###',
    '.####',
  );

  it('moves with the arrows to the next cell that way, passing over holes, and stays at an edge', () => {
    expect(gridMove(g, { row: 0, col: 2 }, 'ArrowRight')).toEqual({ row: 0, col: 4 });
    expect(gridMove(g, { row: 0, col: 4 }, 'ArrowRight')).toEqual({ row: 0, col: 4 });
    expect(gridMove(g, { row: 1, col: 2 }, 'ArrowLeft')).toEqual({ row: 1, col: 0 });
    expect(gridMove(g, { row: 0, col: 1 }, 'ArrowDown')).toEqual({ row: 2, col: 1 });
    expect(gridMove(g, { row: 2, col: 3 }, 'ArrowUp')).toEqual({ row: 1, col: 3 });
    expect(gridMove(g, { row: 0, col: 0 }, 'ArrowUp')).toEqual({ row: 0, col: 0 });
  });

  it('goes to the ends of the row with Home / End, and of the grid with Ctrl', () => {
    expect(gridMove(g, { row: 2, col: 3 }, 'Home')).toEqual({ row: 2, col: 1 });
    expect(gridMove(g, { row: 1, col: 0 }, 'End')).toEqual({ row: 1, col: 4 });
    expect(gridMove(g, { row: 1, col: 2 }, 'Home', true)).toEqual({ row: 0, col: 0 });
    expect(gridMove(g, { row: 0, col: 0 }, 'End', true)).toEqual({ row: 2, col: 4 });
  });

  it('pages by a few rows, to the farthest cell within the page', () => {
    const tall = shape(...Array.from({ length: GRID_PAGE_ROWS * 2 + 1 }, (_, i) => (i === GRID_PAGE_ROWS ? '.#' : '##')));
    expect(gridMove(tall, { row: 0, col: 0 }, 'PageDown')).toEqual({ row: GRID_PAGE_ROWS - 1, col: 0 });
    expect(gridMove(tall, { row: 0, col: 1 }, 'PageDown')).toEqual({ row: GRID_PAGE_ROWS, col: 1 });
    expect(gridMove(tall, { row: GRID_PAGE_ROWS * 2, col: 0 }, 'PageUp')).toEqual({ row: GRID_PAGE_ROWS + 1, col: 0 });
    expect(gridMove(tall, { row: 1, col: 0 }, 'PageUp')).toEqual({ row: 0, col: 0 });
  });

  it('is not a move for other keys; the first cell is found row by row', () => {
    expect(gridMove(g, { row: 0, col: 0 }, 'Enter')).toBeNull();
    expect(gridMove(g, { row: 0, col: 0 }, 'a')).toBeNull();
    expect(firstCell(shape('..', '.#'))).toEqual({ row: 1, col: 1 });
    expect(firstCell(shape('..'))).toBeNull();
  });
});
