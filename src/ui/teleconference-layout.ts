/**
 * Where the teleconference's parts go for a given terminal size — the title bar on the top row,
 * the message log below it, the status line, and the input line on the last row — and the status
 * line, the one part that is a blessed box. The others are drawn without a box (title-row.ts,
 * log-view.ts, input-line.ts), so every width there is counted grapheme by grapheme. No box
 * parses tags. The status line's text is made here.
 */
import blessed from 'blessed';
import { displayWidth, truncateToWidth } from './display-width.js';

export type StatusLine = blessed.Widgets.BoxElement;

export function createStatusLine(screen: blessed.Widgets.Screen): StatusLine {
  return blessed.box({ parent: screen, left: 0, height: 1, tags: false, wrap: false, style: { fg: 'grey' } });
}

/** The log's rows: between the title bar and the status line. */
export function logArea(width: number, height: number): { top: number; width: number; height: number; screenRows: number } {
  return { top: 1, width: Math.max(1, width), height: Math.max(0, height - 3), screenRows: height };
}

/** The status line is the row above the input line, when the screen has three rows or more. */
export function placeStatusLine(status: StatusLine, width: number, height: number): void {
  if (height < 3) return void status.hide();
  status.top = height - 2;
  status.width = width;
  status.height = 1;
  status.show();
}

/** Longest first; the status line shows the first that fits. */
const HINTS = [
  'Type /help for commands   PgUp/PgDn scroll   Ctrl-D leaves',
  '/help commands   PgUp/PgDn scroll   ^D leaves',
  '/help   PgUp/PgDn   ^D leaves',
  '/help',
];

/** The status line: "-- N more below --" while scrolled back, else a hint (Tab's choices, a full line), else the help hint. */
export function drawStatus(status: StatusLine, at: { below: string | undefined; hint: string | undefined; width: number }): void {
  const { below, hint, width } = at;
  const text = below ?? hint ?? HINTS.find((h) => displayWidth(h) <= width) ?? '';
  status.style.fg = below !== undefined ? 'yellow' : hint ? 'white' : 'grey';
  status.style.bold = below !== undefined;
  setText(status, displayWidth(text) <= width ? text : truncateToWidth(text, width));
}

/**
 * blessed re-parses a box's content on every setContent: skip it when nothing changed. Nor is the
 * box's old area blanked first (blessed's default): the status box paints every cell of its row on
 * each render, and blessed clears the old area itself when a box is moved or resized.
 */
function setText(box: StatusLine, text: string): void {
  const noClear = true;
  if (box.content !== text) (box as BoxWithNoClear).setContent(text, noClear);
}

/** setContent's second parameter, which the typings leave out. */
type BoxWithNoClear = { setContent(text: string, noClear: boolean): void };
