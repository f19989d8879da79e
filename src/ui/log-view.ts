/**
 * The teleconference's message log as drawn: the scrollback model (MessageLog), its visible rows
 * in the log box, paging, and the "more below" note for the status line. Rows are worked out only
 * when the log changed, and when the log moved up by whole rows the terminal scrolls them
 * (blessed's deleteLine: a scroll region and DL), so a new line costs its own rows, not the whole
 * log. Every row goes through toTagged's escaping: the log box parses tags.
 */
import type blessed from 'blessed';
import { toTagged, type StyledLine } from './format.js';
import { MessageLog } from './message-log.js';
import { setText } from './teleconference-widgets.js';

export class LogView {
  private readonly log: MessageLog;
  /** The log's rows as last drawn (tagged); empty when the log must be drawn afresh. */
  private frame: readonly string[] = [];
  /** The log changed (a line, a scroll) since it was last drawn. */
  private changed = true;

  constructor(
    private readonly screen: blessed.Widgets.Screen,
    private readonly box: blessed.Widgets.BoxElement,
    capacity: number,
  ) {
    this.log = new MessageLog({ capacity });
  }

  append(line: StyledLine): void {
    this.log.append(line);
    this.changed = true;
  }

  scrollToBottom(): void {
    if (!this.log.atBottom) this.changed = true;
    this.log.scrollToBottom();
  }

  page(direction: 'pageup' | 'pagedown', width: number, height: number): void {
    if (direction === 'pageup') this.log.pageUp(width, height);
    else this.log.pageDown(width, height);
    this.changed = true;
  }

  /** The box was moved or resized: the next draw starts afresh. */
  invalidate(): void {
    this.frame = [];
    this.changed = true;
  }

  /** The status line's note while scrolled back, undefined at the bottom. */
  moreBelow(): string | undefined {
    if (this.log.atBottom) return undefined;
    const below = this.log.linesBelow();
    return below > 0 ? `-- ${below} more below (PgDn) --` : '-- more below (PgDn) --';
  }

  /** The visible rows, bottom-aligned; rows that only moved up are scrolled on the terminal, not redrawn. */
  draw(width: number, height: number): void {
    if (!this.changed) return;
    this.changed = false;
    const rows = this.log.visibleRows(width, height).map(toTagged);
    const frame = [...new Array<string>(Math.max(0, height - rows.length)).fill(''), ...rows];
    const moved = rowsMovedUp(this.frame, frame);
    if (moved === undefined) return;
    // The log's rows on screen are 1..height (see layout() in teleconference-widgets.ts); the scroll
    // keeps blessed's idea of the terminal in step, so the redraw that follows writes only the rows
    // that really changed.
    if (moved > 0) this.screen.deleteLine(moved, 1, 1, height);
    this.frame = frame;
    setText(this.box, frame.join('\n'));
  }
}

/**
 * How far the log moved up from `before` to `after` (frames of one height): the smallest shift
 * that leaves every row still on screen in place, 0 when none does, undefined when nothing changed.
 * Scrolling by it is only ever an economy: blessed shifts its copy of the screen with the terminal.
 */
function rowsMovedUp(before: readonly string[], after: readonly string[]): number | undefined {
  if (before.length !== after.length) return 0;
  const same = (shift: number) => after.every((row, i) => i + shift >= after.length || row === before[i + shift]);
  if (same(0)) return undefined;
  for (let shift = 1; shift < after.length; shift++) if (same(shift)) return shift;
  return 0;
}
