/**
 * Pieces for drawing small full-screen forms and notices as rows of blessed tagged text: making
 * any text safe to show (no control characters, no blessed tags), word-wrapping by display
 * width, and an input field drawn from a LineEditor. Every row is measured here, not by blessed,
 * so nothing is wider than its box.
 */
import blessed from 'blessed';
import { visibleText } from '../chat/safe-text.js';
import { displayWidth, graphemes, truncateToWidth } from './display-width.js';
import type { LineEditor } from './line-editor.js';

/** Text made safe to put in tagged content: cleaned for one row, `{` and `}` escaped. */
export function safe(text: string): string {
  return blessed.escape(visibleText(text));
}



/**
 * `text` broken into rows at most `width` columns wide: at spaces where it can, inside a word
 * (a fingerprint, say) where it must. Plain text in, plain text out.
 */
export function wrapText(text: string, width: number): string[] {
  if (width < 1) return [];
  const rows: string[] = [];
  let row = '';
  for (const word of text.split(/ +/).filter((w) => w !== '')) {
    const joined = row === '' ? word : `${row} ${word}`;
    if (displayWidth(joined) <= width) {
      row = joined;
      continue;
    }
    if (row !== '') rows.push(row);
    row = word;
    while (displayWidth(row) > width) {
      const head = truncateToWidth(row, width) || (graphemes(row)[0] ?? '');
      rows.push(head);
      row = row.slice(head.length);
    }
  }
  if (row !== '') rows.push(row);
  return rows;
}

/** `text` cut to `width` columns with "…" in the middle, e.g. "SHA256:abcd…wxyz". */
export function elideMiddle(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width < 3) return truncateToWidth(text, width);
  const parts = graphemes(text);
  const keepEnd = Math.floor((width - 1) / 2);
  const end = parts.slice(parts.length - keepEnd).join('');
  return `${truncateToWidth(text, width - 1 - displayWidth(end))}…${end}`;
}

/** Pads plain text with spaces to exactly `width` columns (cutting it if longer). */
export function padToWidth(text: string, width: number): string {
  const cut = truncateToWidth(text, width);
  return cut + ' '.repeat(Math.max(0, width - displayWidth(cut)));
}

export interface FieldRow {
  /** Tagged content for the row. */
  content: string;
  /** Column of the field's cursor within the row. */
  cursorColumn: number;
}

/**
 * "Label:      [text____]": the label padded to `labelWidth`, then the editor's visible text in
 * an underlined area filling the rest of `width`. The focused field's label is bold.
 */
export function fieldRow(
  label: string,
  labelWidth: number,
  editor: LineEditor,
  width: number,
  options: { mask?: boolean; focused: boolean },
): FieldRow {
  const fieldWidth = Math.max(1, width - labelWidth);
  const view = editor.view(fieldWidth, options.mask ?? false);
  const shownLabel = safe(padToWidth(label, labelWidth));
  const area = safe(padToWidth(view.text, fieldWidth));
  return {
    content: `${options.focused ? `{bold}${shownLabel}{/bold}` : shownLabel}{underline}${area}{/underline}`,
    cursorColumn: labelWidth + view.cursorColumn,
  };
}

/** What a row of a form is for; fitRows drops the less important kinds first. */
export type RowKind = 'title' | 'rules' | 'blank' | 'field' | 'message' | 'help';

export interface FormRow {
  /** Tagged content. */
  content: string;
  kind: RowKind;
  /** Set on the focused field's row: the cursor's column. */
  cursorColumn?: number;
}

/** One row of plain text, cut to `width`; a title is bold. */
export function textRow(text: string, kind: RowKind, width: number): FormRow {
  const line = safe(truncateToWidth(text, width));
  return { content: kind === 'title' ? `{bold}${line}{/bold}` : line, kind };
}

export function blankRow(): FormRow {
  return { content: '', kind: 'blank' };
}

/**
 * Fits rows in `height` by dropping, in order, blank rows, the help line, the rules, second
 * message rows and the title: fields and the first message row always stay. Also says which row
 * holds the cursor.
 */
export function fitRows(all: FormRow[], height: number): { rows: FormRow[]; cursor: { row: number; column: number } | undefined } {
  let rows = all;
  const droppable: Array<(row: FormRow, i: number) => boolean> = [
    (row) => row.kind === 'blank',
    (row) => row.kind === 'help',
    (row) => row.kind === 'rules',
    (row, i) => row.kind === 'message' && rows[i - 1]?.kind === 'message',
    (row) => row.kind === 'title',
  ];
  for (const drop of droppable) {
    if (rows.length <= height) break;
    const excess = rows.length - height;
    let dropped = 0;
    rows = rows.filter((row, i) => !(dropped < excess && drop(row, i) && ++dropped));
  }
  const row = rows.findIndex((r) => r.cursorColumn !== undefined);
  return { rows, cursor: row < 0 ? undefined : { row, column: rows[row]?.cursorColumn ?? 0 } };
}
