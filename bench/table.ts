/**
 * Plain-text tables for the report: a title, a header row and aligned columns (text left,
 * everything else right), so the output reads the same in a terminal and pasted into an issue.
 */

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
  /** Lines printed under the table (what a figure means, what was left out). */
  notes?: string[];
}

export function renderTable({ title, headers, rows, notes = [] }: Table): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [title, line(headers), rule, ...rows.map(line), ...notes.map((n) => `  ${n}`)].join('\n');
}
