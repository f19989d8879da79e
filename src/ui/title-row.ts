/**
 * The title bar's row on the terminal: painted like the log's and the input line's rows
 * (row-painter.ts), not as a blessed box, so that a new minute or head count costs a screen one
 * row written beside the frame's shared bytes instead of a full render. At each minute's turn
 * every screen of the board changes its title at once, and a full render is ~1 ms a screen.
 */
import { shapeTerminal, SingleRow, type LogRows } from './log-rows.js';
import { RowPainter, type PaintedScreen } from './row-painter.js';

/** What bringing the title up to date outside a render takes. */
export type TitleChange =
  /** The terminal shows this title already. */
  | { kind: 'same' }
  /** The terminal is not known to show what was painted: only a full render can draw it. */
  | { kind: 'render' }
  /** These bytes draw it, for this screen alone; commit() once they are written. */
  | { kind: 'bytes'; bytes: string; commit(): void };

export class TitleRow {
  private readonly painter: RowPainter;
  private readonly bar: SingleRow;

  constructor(screen: PaintedScreen, rows: LogRows, term: string) {
    this.painter = new RowPainter(screen);
    this.bar = new SingleRow(rows, () => shapeTerminal(term, screen.tput), 'title', { fill: true });
  }

  /** Inside a full render: paints `text` on the top row (a screen of one row has none: it is the input line). */
  frame(text: string, width: number, screenRows: number): void {
    if (screenRows >= 2) this.painter.frame(0, [this.bar.row(text, width)], 0, screenRows);
  }

  /** Outside a render: what it takes to show `text` as the title now. */
  change(text: string, width: number, screenRows: number): TitleChange {
    if (screenRows < 2) return { kind: 'same' };
    const row = this.bar.row(text, width);
    if (this.painter.shows(0, row, screenRows)) return { kind: 'same' };
    if (!this.painter.inStep(0, 1, screenRows) || !this.painter.canRestoreCursor()) return { kind: 'render' };
    const bytes = this.painter.aside(this.painter.bottomBytes([row]));
    return { kind: 'bytes', bytes, commit: () => this.painter.commitBottom([row]) };
  }

  /** Gives the row back to blessed (its next render blanks it). */
  release(): void {
    this.painter.release();
  }
}
