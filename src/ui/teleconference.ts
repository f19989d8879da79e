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
import { leaveQuestion, SecretInput, type InputMode } from './input-modes.js';
import { placePaste } from './paste.js';
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
  /** The caller chose timeZone (/tz): name it in the title bar. */
  showZone?: boolean;
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
  /** Times from now on in this zone (named in the title bar); undefined: the board's own. */
  setTimeZone(zone: string | undefined): void;
  /**
   * Asks for a password on the input line, masked, kept out of the line history; resolves with it,
   * or undefined on Esc, Ctrl-C or the screen going away. The masked line stays (keys typed ahead
   * are kept for the next question) until endSecret().
   */
  askSecret(prompt: string): Promise<string | undefined>;
  endSecret(): void;
  /** Enter: the typed line, possibly empty. A pasted block's lines are joined with "\n". */
  onLine(handler: (line: string) => void): void;
  /** Ctrl-D on an empty line, or Ctrl-C on an empty line answered with y. Called once. */
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
  /** Every HH:MM is in this zone (the server's when undefined); a zone the caller chose is named in the title. */
  private timeZone: string | undefined;
  private zoneLabel = '';
  /** A question or a password prompt that has the input line until it is answered. */
  private mode: InputMode | undefined;
  private destroyed = false;
  private readonly onKeypress = (ch: string | undefined, key: KeyLike | undefined) => this.handleKey(ch, key ?? {});
  private readonly onPrerender = () => this.drawFrame();
  private readonly onResize = () => this.drawInput();

  constructor(private readonly options: TeleconferenceOptions) {
    this.bbs = options.screen;
    this.timeZone = options.timeZone;
    this.zoneLabel = options.showZone && options.timeZone ? zoneName(options.timeZone) : '';
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
    for (const row of formatRows(message, this.viewer(), { earlier, timeZone: this.timeZone })) this.log.append(row);
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
    if (this.mode) {
      this.mode.paste(paste.text);
      return this.drawInput();
    }
    const outcome = placePaste(paste, this.editor.text, { maxLength: this.options.maxMessageLength, maxLines: this.options.maxPasteLines });
    if (outcome.kind === 'refused') return this.notice(outcome.reason);
    if (outcome.kind === 'typed') {
      this.editor.setText(outcome.line);
      return this.drawInput();
    }
    this.editor.clear();
    this.submitted(outcome.block);
  }

  refresh(): void {
    if (!this.destroyed) this.bbs.requestRender();
  }

  setTimeZone(zone: string | undefined): void {
    this.timeZone = zone;
    this.zoneLabel = zone ? zoneName(zone) : '';
    this.refresh();
  }

  askSecret(prompt: string): Promise<string | undefined> {
    if (this.destroyed || this.left) return Promise.resolve(undefined);
    const current = this.mode;
    const secret = current instanceof SecretInput ? current : new SecretInput(prompt);
    if (secret !== current) {
      current?.cancel();
      this.mode = secret;
    }
    const answer = secret.ask(prompt);
    this.drawInput();
    return answer;
  }

  endSecret(): void {
    if (!(this.mode instanceof SecretInput)) return;
    this.mode = undefined;
    this.drawInput();
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
    this.mode?.cancel();
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
    if (this.mode) return this.modeKey(ch, key);
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
        if (this.isFull(ch, key)) this.hint = `A line holds at most ${this.options.maxMessageLength} characters.`;
        if (hadHint || this.hint) this.bbs.requestRender();
    }
  }

  /** A printable key refused because the line is full: say so rather than drop it silently. */
  private isFull(ch: string | undefined, key: KeyLike): boolean {
    return ch !== undefined && !key.ctrl && !key.meta && ch >= ' ' && this.editor.text.length >= this.options.maxMessageLength;
  }

  private submit(): void {
    this.submitted(this.editor.submit());
  }

  private submitted(line: string): void {
    this.log.scrollToBottom();
    this.drawInput();
    for (const handler of [...this.lineHandlers]) handler(line);
  }

  /** Ctrl-C: a typed line is cleared, never sent nor lost to a hang-up; on an empty line, ask. */
  private interrupt(): void {
    if (this.editor.text === '') this.mode = leaveQuestion(() => this.leave());
    else this.editor.clear();
    this.drawInput();
  }

  private modeKey(ch: string | undefined, key: KeyLike): void {
    const mode = this.mode;
    if (mode?.key(ch, key) && this.mode === mode) this.mode = undefined;
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
    const field = this.editor.view(Math.max(1, width - PROMPT.length));
    const view = this.mode?.view(width) ?? { text: PROMPT + field.text, cursorColumn: PROMPT.length + field.cursorColumn };
    this.widgets.input.setContent(view.text);
    this.bbs.setCursor({ x: view.cursorColumn, y: height - 1 });
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
    const { bbsName, node, handle } = this.options;
    const timeZone = this.timeZone;
    const count = this.options.roomCount();
    const clock = formatClock(this.options.now(), timeZone) + (this.zoneLabel ? ` ${this.zoneLabel}` : '');
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

/** "CET", "GMT+9": the zone's short name at this moment. */
function zoneName(zone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'short' }).formatToParts(Date.now());
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
}

function toNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
