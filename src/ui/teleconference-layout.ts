/**
 * The teleconference screen's two boxes — title bar and status line — and where each goes for a
 * given terminal size, with the rows between them for the message log and the last row for the
 * input line; those two are drawn without a box (log-view.ts, input-line.ts), so every width
 * there is counted grapheme by grapheme. No box parses tags. The status line's text is made here.
 */
import blessed from 'blessed';
import { displayWidth, truncateToWidth } from './display-width.js';

export interface Widgets {
  title: blessed.Widgets.BoxElement;
  status: blessed.Widgets.BoxElement;
}

export function createWidgets(screen: blessed.Widgets.Screen): Widgets {
  const line = (style: Record<string, unknown>) =>
    blessed.box({ parent: screen, left: 0, height: 1, tags: false, wrap: false, style });
  return {
    title: line({ fg: 'white', bg: 'blue', bold: true }),
    status: line({ fg: 'grey' }),
  };
}

/** The log's rows: between the title bar and the status line. */
export function logArea(width: number, height: number): { top: number; width: number; height: number; screenRows: number } {
  return { top: 1, width: Math.max(1, width), height: Math.max(0, height - 3), screenRows: height };
}

/** Fixed rows for the bars, the rest for the log; the input line is always the last row. */
export function layout(widgets: Widgets, width: number, height: number): void {
  const place = (el: blessed.Widgets.BoxElement, top: number, rows: number) => {
    if (rows < 1 || top < 0) return el.hide();
    el.top = top;
    el.width = width;
    el.height = rows;
    el.show();
  };
  place(widgets.title, 0, height >= 2 ? 1 : 0);
  place(widgets.status, height - 2, height >= 3 ? 1 : 0);
}

/** Longest first; the status line shows the first that fits. */
const HINTS = [
  'Type /help for commands   PgUp/PgDn scroll   Ctrl-D leaves',
  '/help commands   PgUp/PgDn scroll   ^D leaves',
  '/help   PgUp/PgDn   ^D leaves',
  '/help',
];

/** The status line: "-- N more below --" while scrolled back, else a hint (Tab's choices, a full line), else the help hint. */
export function drawStatus(status: blessed.Widgets.BoxElement, at: { below: string | undefined; hint: string | undefined; width: number }): void {
  const { below, hint, width } = at;
  const text = below ?? hint ?? HINTS.find((h) => displayWidth(h) <= width) ?? '';
  status.style.fg = below !== undefined ? 'yellow' : hint ? 'white' : 'grey';
  status.style.bold = below !== undefined;
  setText(status, displayWidth(text) <= width ? text : truncateToWidth(text, width));
}

/**
 * blessed re-parses a box's content on every setContent: skip it when nothing changed. Nor is the
 * box's old area blanked first (blessed's default): these boxes paint every cell of their area on
 * each render, and blessed clears the old area itself when a box is moved or resized.
 */
export function setText(box: blessed.Widgets.BoxElement, text: string): void {
  const noClear = true;
  if (box.content !== text) (box as BoxWithNoClear).setContent(text, noClear);
}

/** setContent's second parameter, which the typings leave out. */
type BoxWithNoClear = { setContent(text: string, noClear: boolean): void };
