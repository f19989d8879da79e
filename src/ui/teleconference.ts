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
 * The log's drawing is in log-view.ts, the boxes and their layout in teleconference-widgets.ts.
 */
import type { ChatMessage } from '../chat/messages.js';
import { displayWidth, graphemes, truncateToWidth } from './display-width.js';
import { formatClock, formatDivider, formatRows, formatTitle, needsBell } from './format.js';
import { completeHandle } from './handle-completion.js';
import { LineEditor, type KeyLike } from './line-editor.js';
import { LogView } from './log-view.js';
import type { BbsScreen } from './screen.js';
import { createWidgets, layout, setText, type Widgets } from './teleconference-widgets.js';

export interface TeleconferenceOptions {
  screen: BbsScreen;
  bbsName: string;
  handle: string;
  node: number;
  maxMessageLength: number;
  /** Most lines a pasted block may have (it goes out as one message). */
  maxPasteLines: number;
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
  /**
   * A bracketed paste. One line is typed into the input line; several go out at once as one
   * message (with what was already typed as its first line). Over a limit, nothing is sent and the
   * caller is told the limit.
   */
  paste(paste: { text: string; length: number }): void;
  /** Draws the title again (the head count changed while this caller waits outside the room). */
  refresh(): void;
  /** Enter: the typed line, possibly empty. A pasted block's lines are joined with "\n". */
  onLine(handler: (line: string) => void): void;
  /** Ctrl-D on an empty line, or Ctrl-C on an empty line answered with y. Called once. */
  onLeave(handler: () => void): void;
  /** Idempotent. Removes this screen's widgets, timer and listeners; the BbsScreen stays. */
  destroy(): void;
}

const PROMPT = '> ';
const LEAVE_QUESTION = 'Leave the board? y/N ';
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

class TeleconferenceScreen implements Teleconference {
  private readonly bbs: BbsScreen;
  private readonly editor: LineEditor;
  private readonly widgets: Widgets;
  private readonly log: LogView;
  private readonly lineHandlers: Array<(line: string) => void> = [];
  private readonly leaveHandlers: Array<() => void> = [];
  private clockTimer: NodeJS.Timeout | undefined;
  private size = { cols: -1, rows: -1 };
  private title = { key: '', text: '' };
  /** Tab's list of choices, shown in the status line until the next key. */
  private hint: string | undefined;
  private left = false;
  /** Ctrl-C on an empty line asked "Leave the board?": the next key answers. */
  private askingToLeave = false;
  private destroyed = false;
  private readonly onKeypress = (ch: string | undefined, key: KeyLike | undefined) => this.handleKey(ch, key ?? {});
  private readonly onPrerender = () => this.drawFrame();
  private readonly onResize = () => this.drawInput();

  constructor(private readonly options: TeleconferenceOptions) {
    this.bbs = options.screen;
    this.editor = new LineEditor({ maxLength: options.maxMessageLength, historySize: options.inputHistory ?? 50 });
    this.widgets = createWidgets(this.bbs.screen);
    this.log = new LogView(this.bbs.screen, this.widgets.log, options.scrollback ?? 1000);
    this.bbs.screen.on('keypress', this.onKeypress);
    this.bbs.screen.on('prerender', this.onPrerender);
    this.bbs.screen.on('resize', this.onResize);
    this.scheduleClock();
    this.drawInput();
  }

  show(message: ChatMessage, options: { earlier?: boolean } = {}): void {
    if (this.destroyed) return;
    const earlier = options.earlier ?? false;
    for (const row of formatRows(message, this.viewer(), { earlier, timeZone: this.options.timeZone })) this.log.append(row);
    if (!earlier && needsBell(message, this.viewer())) this.bbs.bell();
    this.bbs.requestRender();
  }

  showHistory(messages: readonly ChatMessage[]): void {
    if (this.destroyed || messages.length === 0) return;
    this.log.append(formatDivider('earlier messages'));
    for (const message of messages) this.show(message, { earlier: true });
    this.log.append(formatDivider('end of earlier messages'));
  }

  paste(paste: { text: string; length: number }): void {
    if (this.destroyed || this.left) return;
    const lines = paste.text.replace(/(\r\n|\r|\n)+$/, '').split(/\r\n|\r|\n/);
    const { maxMessageLength: maxLength, maxPasteLines } = this.options;
    lines[0] = this.editor.text + (lines[0] ?? '');
    const tooLong = paste.length > paste.text.length || lines.some((line) => line.length > maxLength);
    if (tooLong || lines.length > maxPasteLines) {
      const size = `${lines.length} ${lines.length === 1 ? 'line' : 'lines'}, ${paste.length} characters`;
      return this.notice(`Your paste was not sent (${size}). Limit: ${maxPasteLines} lines of ${maxLength} characters.`);
    }
    if (lines.length === 1) {
      this.editor.setText(lines[0] ?? '');
      return this.drawInput();
    }
    this.editor.clear();
    this.log.scrollToBottom();
    this.drawInput();
    const block = lines.join('\n');
    for (const handler of [...this.lineHandlers]) handler(block);
  }

  refresh(): void {
    if (!this.destroyed) this.bbs.requestRender();
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

  private notice(text: string): void {
    this.show({ kind: 'system', text, official: false, at: this.options.now() });
  }

  private viewer(): { handle: string } {
    return { handle: this.options.handle };
  }

  private handleKey(ch: string | undefined, key: KeyLike): void {
    if (this.destroyed || this.left) return;
    if (this.askingToLeave) return this.answerLeave(ch);
    const hadHint = this.hint !== undefined;
    if (key.name !== 'tab') this.hint = undefined;
    if (key.ctrl && key.name === 'd' && this.editor.text === '') return this.leave();
    if (key.name === 'pageup' || key.name === 'pagedown') return this.page(key.name);
    switch (this.editor.handleKey(ch, key)) {
      case 'submit':
        return this.submit();
      case 'interrupt':
        return this.interrupt();
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
    this.log.scrollToBottom();
    this.drawInput();
    for (const handler of [...this.lineHandlers]) handler(line);
  }

  /** Ctrl-C: a typed line is cleared, never sent nor lost to a hang-up; on an empty line, ask. */
  private interrupt(): void {
    if (this.editor.text === '') this.askingToLeave = true;
    else this.editor.clear();
    this.drawInput();
  }

  private answerLeave(ch: string | undefined): void {
    this.askingToLeave = false;
    if (ch === 'y' || ch === 'Y') return this.leave();
    this.drawInput();
  }

  private leave(): void {
    this.left = true;
    for (const handler of [...this.leaveHandlers]) handler();
  }

  private page(direction: 'pageup' | 'pagedown'): void {
    const { width, height } = this.logSize();
    if (height < 1) return;
    this.log.page(direction, width, height);
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
    if (this.askingToLeave) {
      this.widgets.input.setContent(LEAVE_QUESTION);
      this.bbs.setCursor({ x: LEAVE_QUESTION.length, y: height - 1 });
      return;
    }
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
      this.log.invalidate();
    }
    setText(this.widgets.title, this.titleText(width));
    const log = this.logSize();
    this.log.draw(log.width, log.height);
    this.drawStatus(width);
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
    const below = this.log.moreBelow();
    const text = below ?? this.hint ?? HINTS.find((h) => displayWidth(h) <= width) ?? '';
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

function toNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
