/**
 * The teleconference's message log as drawn: the scrollback model (MessageLog), paging, the
 * "more below" note for the status line, and the two ways its rows reach the terminal. Rows come
 * encoded from the board's shared cache (log-rows.ts) and are drawn by a RowPainter, never as
 * blessed content. While the view follows the newest row, the lines that arrived since the last
 * frame say how far the log moved: that many rows are scrolled on the terminal and drawn below.
 * When those lines read the same for every caller, the frame is offered as a SharedFrame and
 * every screen of the same shape gets the same bytes; otherwise it is drawn inside the screen's
 * own render.
 */
import type { SharedFrame } from './frame-clock.js';
import type { StyledLine } from './message-lines.js';
import { RowPainter, type PaintedScreen } from './row-painter.js';
import { shapeTerminal, type EncodedRow, type LogRows, type ShapeRows } from './log-rows.js';
import { MessageLog } from './scrollback.js';

/** More lines than any log shows at once (the screen is at most 200 rows high). */
const MAX_ARRIVED = 200;

/** Where the log sits: its first screen row, its size, and the screen's height. */
export interface LogArea {
  top: number;
  width: number;
  height: number;
  screenRows: number;
}

export class LogView {
  private readonly log: MessageLog;
  private readonly painter: RowPainter;
  /** Lines appended since the last frame, while the view follows the newest row. */
  private arrived: StyledLine[] = [];
  /** One of them is for this caller only (a direct message, a page): its frame is not shared. */
  private arrivedPrivate = false;
  /** The view moved (paging, back to the bottom) since the last frame: draw afresh. */
  private moved = true;
  private shapeRows: ShapeRows | undefined;

  constructor(
    private readonly screen: PaintedScreen & { program: { cursorHidden?: boolean } },
    private readonly rows: LogRows,
    private readonly term: string,
    capacity: number,
  ) {
    this.log = new MessageLog({ capacity });
    this.painter = new RowPainter(screen);
  }

  append(line: StyledLine, shared: boolean): void {
    this.log.append(line);
    if (!this.log.atBottom || this.moved) return;
    this.arrived.push(line);
    if (!shared) this.arrivedPrivate = true;
    // A screen held back by a full channel gets no frames: past a screenful, it is drawn afresh anyway.
    if (this.arrived.length > MAX_ARRIVED) {
      this.moved = true;
      this.arrived = [];
    }
  }

  scrollToBottom(): void {
    if (!this.log.atBottom) this.moved = true;
    this.log.scrollToBottom();
  }

  page(direction: 'pageup' | 'pagedown', width: number, height: number): void {
    if (direction === 'pageup') this.log.pageUp(width, height);
    else this.log.pageDown(width, height);
    this.moved = true;
  }

  /** The log is going away: blessed's next render blanks its rows. */
  release(): void {
    this.painter.release();
    this.arrived = [];
  }

  /** The status line's note while scrolled back, undefined at the bottom. */
  moreBelow(): string | undefined {
    if (this.log.atBottom) return undefined;
    const below = this.log.linesBelow();
    return below > 0 ? `-- ${below} more below (PgDn) --` : '-- more below (PgDn) --';
  }

  /** Inside a full render: the visible rows, bottom-aligned; rows that only moved up are scrolled, not redrawn. */
  draw(area: LogArea): void {
    const shape = this.shape(area.width);
    const visible = this.log
      .visibleSlices(area.width, area.height)
      .flatMap(({ line, from, to }) => shape.line(line).rows.slice(from, to));
    const rows = [...new Array<EncodedRow>(Math.max(0, area.height - visible.length)).fill(shape.blank), ...visible];
    const scrolled = this.moved ? 0 : this.arrivedRows(shape);
    this.painter.frame(area.top, rows, scrolled, area.screenRows);
    this.settle();
  }

  /**
   * This frame as bytes shared with every screen of the same shape showing the same new lines:
   * only when the view follows the newest row, nothing else moved, every new line reads the same
   * for everyone, and the terminal still shows what was painted.
   */
  sharedFrame(area: LogArea): SharedFrame | undefined {
    if (this.moved || this.arrivedPrivate || this.arrived.length === 0 || !this.log.atBottom) return undefined;
    if (!this.painter.inStep(area.top, area.height, area.screenRows) || !this.painter.canRestoreCursor()) return undefined;
    const shape = this.shape(area.width);
    // Every screen of the board comes here every frame: one pass, no array per step.
    let rows: EncodedRow[] = [];
    let ids = '';
    for (const line of this.arrived) {
      const encoded = shape.line(line);
      ids += ids === '' ? `${encoded.id}` : `,${encoded.id}`;
      for (const row of encoded.rows) rows.push(row);
    }
    if (rows.length > area.height) rows = rows.slice(-area.height);
    if (rows.length < area.height && !this.painter.canScroll()) return undefined;
    const cursorShown = !this.screen.program.cursorHidden;
    const key = `${this.term} ${area.width}x${area.screenRows}+${area.top}/${area.height} ${cursorShown ? 'c' : 'h'} ${ids}`;
    return {
      key,
      bytes: () => Buffer.from(this.sharedBytes(rows, area)),
      commit: () => {
        this.painter.commitBottom(rows);
        this.settle();
      },
    };
  }

  /** Nothing to draw: at the bottom, in step, no line since the last frame. */
  settled(area: LogArea): boolean {
    return !this.moved && this.arrived.length === 0 && this.log.atBottom && this.painter.inStep(area.top, area.height, area.screenRows);
  }

  /** The new rows scrolled in at the bottom of the band (all of it redrawn when they fill it). */
  private sharedBytes(rows: readonly EncodedRow[], area: LogArea): string {
    const scroll = rows.length < area.height ? this.painter.scrollBytes(rows.length) : '';
    return this.painter.aside(scroll + this.painter.bottomBytes(rows));
  }

  /** Rows the lines that arrived since the last frame take at this width. */
  private arrivedRows(shape: ShapeRows): number {
    let rows = 0;
    for (const line of this.arrived) rows += shape.line(line).rows.length;
    return rows;
  }

  private settle(): void {
    this.arrived = [];
    this.arrivedPrivate = false;
    this.moved = false;
  }

  /** The shape's rows, looked up again only when the width changed. */
  private shape(width: number): ShapeRows {
    if (this.shapeRows?.width !== width) this.shapeRows = this.rows.shape(shapeTerminal(this.term, this.screen.tput), width);
    return this.shapeRows;
  }
}
