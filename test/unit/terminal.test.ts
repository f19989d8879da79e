import { describe, expect, it } from 'vitest';
import { clampSize, MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS } from '../../src/ssh/terminal.js';

describe('clampSize', () => {
  it.each([
    [0, 0, 80, 24],
    [80, 24, 80, 24],
    [65535, 65535, MAX_COLS, MAX_ROWS],
    [4294967295, 1, MAX_COLS, MIN_ROWS],
    [1, 1, MIN_COLS, MIN_ROWS],
    [-5, Number.NaN, 80, 24],
    ['80', undefined, 80, 24],
    [132.7, 43.2, 132, 43],
  ])('%s x %s → %i x %i', (cols, rows, wantCols, wantRows) => {
    expect(clampSize(cols, rows)).toEqual({ cols: wantCols, rows: wantRows });
  });
});
