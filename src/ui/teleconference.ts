/**
 * The teleconference screen: a title bar (board, node, handle, head count, clock), the message
 * log with scrollback, a status line (hints, "-- N more below --") and the input line. It draws
 * on a BbsScreen it does not own, and knows nothing of the chat room beyond the messages it is
 * shown and the two questions it may ask (how many are here, whose handle starts so).
 *
 * Cost rules: show() only appends to the model and asks for a render; the rows, the title and the
 * status are worked out once per frame, in 'prerender', so a burst of messages costs one render.
 * A box is given new content only when its text changed (blessed re-parses and redraws a box on
 * every setContent), and when the log moved up by whole rows the terminal scrolls them (blessed's
 * deleteLine: a scroll region and DL), so a new line costs its own rows, not the whole log.
 * Only the log box parses tags, and every text in it went through toTagged's escaping.
 */
import blessed from 'blessed';
import type { ChatMessage } from '../chat/messages.js';
import { displayWidth, graphemes, truncateToWidth } from './display-width.js';
import { formatClock, formatDivider, formatMessage, formatTitle, needsBell, toTagged } from './format.js';
import { completeHandle } from './handle-completion.js';
import { LineEditor, type KeyLike } from './line-editor.js';
import { MessageLog } from './message-log.js';
import type { BbsScreen } from './screen.js';

export interface TeleconferenceOptions {
  screen: BbsScreen;
  bbsName: string;
  handle: string;
  node: number;
  maxMessageLength: number;
  now: () => number;
  /** How many are in the room, for the title bar. */
  roomCount(): number;
  /** Handles in the room starting with `prefix` (any case), for Tab. */
  completions(prefix: string): string[];
  /** IANA zone for every HH:MM; the server's own zone when omitted. */
  timeZone?: string;
  /** Lines kept for scrollback (default 1000). */
  scrollback?: number;
  /** Typed lines kept for Up/Down recall (default 50). */
  inputHistory?: number;
}

export interface Teleconference {
  /** Appends a message; rings this caller's bell for a page or direct message to them. */
  show(message: ChatMessage, options?: { earlier?: boolean }): void;
  /** Replays the room's recent messages, dimmed, between two dividers. Nothing for none. */
  showHistory(messages: readonly ChatMessage[]): void;
  /** Enter: the typed line, possibly empty. */
  onLine(handler: (line: string) => void): void;
  /** Ctrl-C, or Ctrl-D on an empty line. Called once. */
  onLeave(handler: () => void): void;
  /** Idempotent. Removes this screen's widgets, timer and listeners; the BbsScreen stays. */
  destroy(): void;
}

const PROMPT = '> ';
const MINUTE_MS = 60_000;

/** Longest first; the status line shows the first that fits. */
const HINTS = [
  'Type /help for commands   PgUp/PgDn scroll   Ctrl-D leaves',
  '/help commands   PgUp/PgDn scroll   ^D leaves',
  '/help   PgUp/PgDn   ^D leaves',
  '/help',
];

export function createTeleconference(options: TeleconferenceOptions): Teleconference {
  return new TeleconferenceScreen(options);
}

interface Widgets {
  title: blessed.Widgets.BoxElement;
  log: blessed.Widgets.BoxElement;
  status: blessed.Widgets.BoxElement;
  input: blessed.Widgets.BoxElement;
}

class TeleconferenceScreen implements Teleconference {
  private readonly bbs: BbsScreen;
  private readonly log: MessageLog;
  private readonly editor: LineEditor;
  private readonly widgets: Widgets;
  private readonly lineHandlers: Array<(line: string) => void> = [];
  private readonly leaveHandlers: Array<() => void> = [];
  private clockTimer: NodeJS.Timeout | undefined;
  private size = { cols: -1, rows: -1 };
  /** The log's rows as last drawn (tagged); empty when the log must be drawn afresh. */
  private logFrame: readonly string[] = [];
  /** The log changed (a line, a scroll) since it was last drawn. */
  private logChanged = true;
  private title = { key: '', text: '' };
  /** Tab's list of choices, shown in the status line until the next key. */
  private hint: string | undefined;
  private left = false;
  private destroyed = false;
  private readonly onKeypress = (ch: string | undefined, key: KeyLike | undefined) => this.handleKey(ch, key ?? {});
  private readonly onPrerender = () => this.drawFrame();
  private readonly onResize = () => this.drawInput();

  constructor(private readonly options: TeleconferenceOptions) {
    this.bbs = options.screen;
    this.log = new MessageLog({ capacity: options.scrollback ?? 1000 });
    this.editor = new LineEditor({ maxLength: options.maxMessageLength, historySize: options.inputHistory ?? 50 });
    this.widgets = createWidgets(this.bbs.screen);
    this.bbs.screen.on('keypress', this.onKeypress);
    this.bbs.screen.on('prerender', this.onPrerender);
    this.bbs.screen.on('resize', this.onResize);
    this.scheduleClock();
    this.drawInput();
  }

  show(message: ChatMessage, options: { earlier?: boolean } = {}): void {
    if (this.destroyed) return;
    const earlier = options.earlier ?? false;
    this.log.append(formatMessage(message, this.viewer(), { earlier, timeZone: this.options.timeZone }));
    if (!earlier && needsBell(message, this.viewer())) this.bbs.bell();
    this.logChanged = true;
    this.bbs.requestRender();
  }

  showHistory(messages: readonly ChatMessage[]): void {
    if (this.destroyed || messages.length === 0) return;
    this.log.append(formatDivider('earlier messages'));
    for (const message of messages) this.show(message, { earlier: true });
    this.log.append(formatDivider('end of earlier messages'));
  }

  onLine(handler: (line: string) => void): void {
    this.lineHandlers.push(handler);
  }

  onLeave(handler: () => void): void {
    this.leaveHandlers.push(handler);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.clockTimer);
    this.bbs.screen.removeListener('keypress', this.onKeypress);
    this.bbs.screen.removeListener('prerender', this.onPrerender);
    this.bbs.screen.removeListener('resize', this.onResize);
    for (const widget of Object.values(this.widgets)) widget.destroy();
    this.lineHandlers.length = 0;
    this.leaveHandlers.length = 0;
    this.bbs.setCursor(null);
  }

  private viewer(): { handle: string } {
    return { handle: this.options.handle };
  }

  private handleKey(ch: string | undefined, key: KeyLike): void {
    if (this.destroyed || this.left) return;
    const hadHint = this.hint !== undefined;
    if (key.name !== 'tab') this.hint = undefined;
    if (key.ctrl && key.name === 'd' && this.editor.text === '') return this.leave();
    if (key.name === 'pageup' || key.name === 'pagedown') return this.page(key.name);
    switch (this.editor.handleKey(ch, key)) {
      case 'submit':
        return this.submit();
      case 'interrupt':
        return this.leave();
      case 'cancel':
        this.editor.clear();
        return this.drawInput();
      case 'complete':
      case 'complete-back':
        return this.complete();
      case 'changed':
        return this.drawInput();
      default:
        if (hadHint) this.bbs.requestRender();
    }
  }

  private submit(): void {
    const line = this.editor.submit();
    if (!this.log.atBottom) this.logChanged = true;
    this.log.scrollToBottom();
    this.drawInput();
    for (const handler of [...this.lineHandlers]) handler(line);
  }

  private leave(): void {
    this.left = true;
    for (const handler of [...this.leaveHandlers]) handler();
  }

  private page(direction: 'pageup' | 'pagedown'): void {
    const { width, height } = this.logSize();
    if (height < 1) return;
    if (direction === 'pageup') this.log.pageUp(width, height);
    else this.log.pageDown(width, height);
    this.logChanged = true;
    this.bbs.requestRender();
  }

  private complete(): void {
    const after = this.editor.text.slice(this.editor.cursor);
    const completion = completeHandle(this.editor.text.slice(0, this.editor.cursor), after, this.options.completions);
    if (!completion) return;
    this.hint = completion.hint;
    this.replaceBeforeCursor(completion.before, after);
  }

  /** LineEditor puts the cursor at the end of set text; walk it back over what followed it. */
  private replaceBeforeCursor(before: string, after: string): void {
    this.editor.setText(before + after);
    for (let i = graphemes(after).length; i > 0; i--) this.editor.handleKey(undefined, { name: 'left' });
    this.drawInput();
  }

  /** The input line and the terminal cursor; called whenever the text, cursor or width changes. */
  private drawInput(): void {
    if (this.destroyed) return;
    const { width, height } = this.screenSize();
    const view = this.editor.view(Math.max(1, width - PROMPT.length));
    this.widgets.input.setContent(PROMPT + view.text);
    this.bbs.setCursor({ x: PROMPT.length + view.cursorColumn, y: height - 1 });
  }

  /** Everything that depends on the frame: layout, title, visible rows, status. Once per render. */
  private drawFrame(): void {
    const { width, height } = this.screenSize();
    if (width !== this.size.cols || height !== this.size.rows) {
      this.size = { cols: width, rows: height };
      layout(this.widgets, width, height);
      this.logFrame = [];
      this.logChanged = true;
    }
    setText(this.widgets.title, this.titleText(width));
    if (this.logChanged) this.drawLog();
    this.drawStatus(width);
  }

  /** The visible rows, bottom-aligned; rows that only moved up are scrolled on the terminal, not redrawn. */
  private drawLog(): void {
    this.logChanged = false;
    const { width, height } = this.logSize();
    const rows = this.log.visibleRows(width, height).map(toTagged);
    const frame = [...new Array<string>(Math.max(0, height - rows.length)).fill(''), ...rows];
    const moved = rowsMovedUp(this.logFrame, frame);
    if (moved === undefined) return;
    // The log's rows on screen are 1..height (see layout); the scroll keeps blessed's idea of the
    // terminal in step, so the redraw that follows writes only the rows that really changed.
    if (moved > 0) this.bbs.screen.deleteLine(moved, 1, 1, height);
    this.logFrame = frame;
    setText(this.widgets.log, frame.join('\n'));
  }

  /** Laid out again only when the width, the head count or the minute changed. */
  private titleText(width: number): string {
    const { bbsName, node, handle, timeZone } = this.options;
    const count = this.options.roomCount();
    const clock = formatClock(this.options.now(), timeZone);
    const key = `${width} ${count} ${clock}`;
    if (key !== this.title.key) this.title = { key, text: formatTitle({ bbsName, node, handle, count, clock }, width) };
    return this.title.text;
  }

  private drawStatus(width: number): void {
    const { status } = this.widgets;
    const below = this.log.atBottom ? undefined : this.log.linesBelow();
    let text: string;
    if (below !== undefined) text = below > 0 ? `-- ${below} more below (PgDn) --` : '-- more below (PgDn) --';
    else text = this.hint ?? HINTS.find((h) => displayWidth(h) <= width) ?? '';
    status.style.fg = below !== undefined ? 'yellow' : this.hint ? 'white' : 'grey';
    status.style.bold = below !== undefined;
    setText(status, displayWidth(text) <= width ? text : truncateToWidth(text, width));
  }

  private screenSize(): { width: number; height: number } {
    return { width: toNumber(this.bbs.screen.width), height: toNumber(this.bbs.screen.height) };
  }

  private logSize(): { width: number; height: number } {
    const { width, height } = this.screenSize();
    return { width: Math.max(1, width), height: Math.max(0, height - 3) };
  }

  /** One timer per screen, woken at each minute's turn so the clock never shows a stale minute. */
  private scheduleClock(): void {
    const wait = MINUTE_MS - (this.options.now() % MINUTE_MS);
    this.clockTimer = setTimeout(() => {
      this.bbs.requestRender();
      this.scheduleClock();
    }, wait);
    this.clockTimer.unref();
  }
}

function createWidgets(screen: blessed.Widgets.Screen): Widgets {
  const line = (style: Record<string, unknown>) =>
    blessed.box({ parent: screen, left: 0, height: 1, tags: false, wrap: false, style });
  return {
    title: line({ fg: 'white', bg: 'blue', bold: true }),
    // The one tag-parsing box: its content is built only by toTagged.
    log: blessed.box({ parent: screen, left: 0, top: 1, tags: true, wrap: false }),
    status: line({ fg: 'grey' }),
    input: line({}),
  };
}

/** Fixed rows for the bars, the rest for the log; on tiny screens the input line wins. */
function layout(widgets: Widgets, width: number, height: number): void {
  const place = (el: blessed.Widgets.BoxElement, top: number, rows: number) => {
    if (rows < 1 || top < 0) return el.hide();
    el.top = top;
    el.width = width;
    el.height = rows;
    el.show();
  };
  place(widgets.title, 0, height >= 2 ? 1 : 0);
  place(widgets.log, 1, height - 3);
  place(widgets.status, height - 2, height >= 3 ? 1 : 0);
  place(widgets.input, height - 1, 1);
}

/**
 * blessed re-parses a box's content on every setContent: skip it when nothing changed. Nor is the
 * box's old area blanked first (blessed's default): these boxes paint every cell of their area on
 * each render, and blessed clears the old area itself when a box is moved or resized.
 */
function setText(box: blessed.Widgets.BoxElement, text: string): void {
  const noClear = true;
  if (box.content !== text) (box as BoxWithNoClear).setContent(text, noClear);
}

/** setContent's second parameter, which the typings leave out. */
type BoxWithNoClear = { setContent(text: string, noClear: boolean): void };

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

function toNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
