/**
 * The teleconference screen: a title bar (board, node, handle, head count, clock), the message
 * log with scrollback, a status line (hints, "-- N more below --") and the input line. It draws
 * on a BbsScreen it does not own, and knows nothing of the chat room beyond the messages it is
 * shown and the two questions it may ask (how many are here, whose handle starts so).
 *
 * Cost rules: show() only appends to the model and asks for a frame; the rows, the title and the
 * status are worked out once per frame, so a burst of messages costs one frame. When nothing but
 * new lines for everyone and the title (a new minute, a new head count) changed and the view
 * follows the lines, the frame is the log's shared one — the same bytes for every screen of this
 * shape, made once (log-view.ts) — with this screen's title row after it (title-row.ts).
 * Otherwise the screen renders: in 'prerender' the status box is given new content only when its
 * text changed (blessed re-parses and redraws a box on every setContent), and the title, the log
 * and the input line paint the rows that changed. The layout and the status line are in
 * teleconference-layout.ts, the title's text in title-bar.ts, the input line (editor, Ctrl-C
 * question, password prompt, pastes) in input-line.ts, and what callers see of the screen in
 * teleconference-api.ts.
 */
import type { ChatMessage } from '../chat/messages.js';
import { HISTORY_DIVIDERS, formatRows, isShared, needsBell } from './message-lines.js';
import { InputLine, screenSize } from './input-line.js';
import type { KeyLike } from './line-editor.js';
import type { SharedFrame } from './frame-clock.js';
import type { PaintedScreen } from './row-painter.js';
import { createLogRows, type LogRows } from './log-rows.js';
import { LogView } from './log-view.js';
import { createMinuteTicker } from './minute-ticker.js';
import type { BbsScreen } from './screen.js';
import { createStatusLine, drawStatus, logArea, placeStatusLine, type StatusLine } from './teleconference-layout.js';
import { TitleBar } from './title-bar.js';
import { TitleRow } from './title-row.js';
import type { Teleconference, TeleconferenceOptions } from './teleconference-api.js';

export function createTeleconference(options: TeleconferenceOptions): Teleconference {
  return new TeleconferenceScreen(options);
}

class TeleconferenceScreen implements Teleconference {
  private readonly bbs: BbsScreen;
  private readonly status: StatusLine;
  private readonly log: LogView;
  private readonly rows: LogRows;
  /** The input line: its editor, its modes and its own row, drawn like the log's. */
  private readonly input: InputLine;
  private readonly lineHandlers: Array<(line: string) => void> = [];
  private readonly leaveHandlers: Array<() => void> = [];
  private readonly stopClock: () => void;
  private size = { cols: -1, rows: -1 };
  private readonly title: TitleBar;
  private readonly titleRow: TitleRow;
  /** A redraw waiting for the title's head count to change (see COUNT_HOLD_MS). */
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Tab's list of choices, shown in the status line until the next key. */
  private hint: string | undefined;
  private left = false;
  private destroyed = false;
  private readonly onKeypress = (ch: string | undefined, key: KeyLike | undefined) => this.handleKey(ch, key ?? {});
  private readonly onPrerender = () => this.drawFrame();
  private readonly onResize = () => this.input.draw();

  constructor(private readonly options: TeleconferenceOptions) {
    this.bbs = options.screen;
    this.title = new TitleBar(options, options, (waitMs) => this.refreshAfter(waitMs));
    this.status = createStatusLine(this.bbs.screen);
    this.rows = options.rows ?? createLogRows();
    const painted = this.bbs.screen as unknown as PaintedScreen;
    this.titleRow = new TitleRow(painted, this.rows, this.bbs.term);
    this.log = new LogView(painted, this.rows, this.bbs.term, options.scrollback ?? 1000);
    const { maxMessageLength: maxLength, maxPasteLines, inputHistory } = options;
    this.input = new InputLine({ bbs: this.bbs, rows: this.rows, maxLength, maxPasteLines, historySize: inputHistory ?? 50 });
    this.bbs.screen.on('keypress', this.onKeypress);
    this.bbs.screen.on('prerender', this.onPrerender);
    this.bbs.screen.on('resize', this.onResize);
    this.bbs.setSharedFrames(() => this.sharedFrame());
    // At each minute's turn the title's clock changes: a frame, in which only the title row is drawn.
    this.stopClock = (options.minutes ?? createMinuteTicker(options.now)).subscribe(() => this.bbs.requestFrame());
    this.input.draw();
  }

  show(message: ChatMessage, options: { earlier?: boolean } = {}): void {
    if (this.destroyed) return;
    const earlier = options.earlier ?? false;
    const format = { earlier, timeZone: this.title.timeZone };
    const shared = isShared(message, this.viewer(), format);
    for (const row of formatRows(message, this.viewer(), format)) this.log.append(row, shared);
    if (!earlier && needsBell(message, this.viewer())) this.bbs.bell();
    // Comings and goings are drawn within a quarter of a second; what someone said, at once.
    if (message.kind === 'join' || message.kind === 'leave') this.bbs.requestFrameSoon();
    else this.bbs.requestFrame();
  }

  showHistory(messages: readonly ChatMessage[]): void {
    if (this.destroyed || messages.length === 0) return;
    this.log.append(HISTORY_DIVIDERS.start, true);
    for (const message of messages) this.show(message, { earlier: true });
    this.log.append(HISTORY_DIVIDERS.end, true);
  }

  paste(paste: { text: string; length: number }): void {
    if (this.destroyed || this.left) return;
    const outcome = this.input.paste(paste);
    if (outcome.kind === 'refused') this.notice(outcome.reason);
    else if (outcome.kind === 'block') this.submitted(outcome.block);
  }

  refresh(): void {
    if (this.destroyed) return;
    const held = this.title.countHeldFor();
    // Nobody waits for a head count: it is drawn with the comings and goings that changed it.
    if (held === 0) this.bbs.requestFrameSoon();
    else this.refreshAfter(held);
  }

  setTimeZone(zone: string | undefined): void {
    this.title.setZone(zone);
    // The caller's own doing: shown at once, with whatever head count the title may show now.
    if (!this.destroyed) this.bbs.requestFrame();
  }

  askSecret(prompt: string): Promise<string | undefined> {
    if (this.destroyed || this.left) return Promise.resolve(undefined);
    return this.input.askSecret(prompt);
  }

  endSecret(): void {
    if (!this.destroyed) this.input.endSecret();
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
    clearTimeout(this.refreshTimer);
    this.stopClock();
    this.bbs.setSharedFrames(undefined);
    this.titleRow.release();
    this.log.release();
    this.input.release();
    this.bbs.screen.removeListener('keypress', this.onKeypress);
    this.bbs.screen.removeListener('prerender', this.onPrerender);
    this.bbs.screen.removeListener('resize', this.onResize);
    this.status.destroy();
    this.lineHandlers.length = 0;
    this.leaveHandlers.length = 0;
    this.bbs.setCursor(null);
  }

  /** The count just shown stays a moment (COUNT_HOLD_MS): draw the new one when it may show. */
  private refreshAfter(waitMs: number): void {
    if (this.destroyed || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh();
    }, waitMs);
    this.refreshTimer.unref();
  }

  private notice(text: string): void {
    this.show({ kind: 'system', text, official: false, at: this.options.now() });
  }

  private viewer(): { handle: string } {
    return { handle: this.options.handle };
  }

  private handleKey(ch: string | undefined, key: KeyLike): void {
    if (this.destroyed || this.left) return;
    if (this.input.taken) return this.input.modeKey(ch, key);
    const hadHint = this.hint !== undefined;
    if (key.name !== 'tab') this.hint = undefined;
    const { editor } = this.input;
    if (key.ctrl && key.name === 'd' && editor.text === '') return this.leave();
    if (key.name === 'pageup' || key.name === 'pagedown') return this.page(key.name);
    switch (editor.handleKey(ch, key)) {
      case 'submit':
        return this.submitted(editor.submit());
      case 'interrupt':
        return this.input.interrupt(() => this.leave());
      case 'cancel':
        editor.clear();
        return this.input.draw();
      case 'complete':
      case 'complete-back':
        return this.complete();
      case 'changed':
        return this.input.draw();
      default:
        if (this.isFull(ch, key)) this.hint = `A line holds at most ${this.options.maxMessageLength} characters.`;
        if (hadHint || this.hint) this.bbs.requestRender();
    }
  }

  /** A printable key refused because the line is full: say so rather than drop it silently. */
  private isFull(ch: string | undefined, key: KeyLike): boolean {
    return ch !== undefined && !key.ctrl && !key.meta && ch >= ' ' && this.input.editor.text.length >= this.options.maxMessageLength;
  }

  private submitted(line: string): void {
    this.log.scrollToBottom();
    this.input.draw();
    for (const handler of [...this.lineHandlers]) handler(line);
  }

  private leave(): void {
    this.left = true;
    for (const handler of [...this.leaveHandlers]) handler();
  }

  private page(direction: 'pageup' | 'pagedown'): void {
    const screen = screenSize(this.bbs);
    const { width, height } = logArea(screen.width, screen.height);
    if (height < 1) return;
    this.log.page(direction, width, height);
    this.bbs.requestRender();
  }

  private complete(): void {
    const completion = this.input.completeHandle(this.options.completions);
    if (completion) this.hint = completion.hint;
  }

  /** Everything that depends on the frame: layout, title, visible rows, status. Once per render. */
  private drawFrame(): void {
    const { width, height } = screenSize(this.bbs);
    if (width !== this.size.cols || height !== this.size.rows) {
      this.size = { cols: width, rows: height };
      placeStatusLine(this.status, width, height);
    }
    this.titleRow.frame(this.title.text(width), width, height);
    this.log.draw(logArea(width, height));
    drawStatus(this.status, { below: this.log.moreBelow(), hint: this.hint, width });
    this.input.frame(width, height);
  }

  /**
   * The frame as the log's shared bytes and this screen's own title row, when nothing else
   * changed since the last one: same size, no key since (keys ask for a full render), the log
   * following its newest line. Either part may be empty, not both.
   */
  private sharedFrame(): SharedFrame | undefined {
    if (this.destroyed) return undefined;
    const { width, height } = screenSize(this.bbs);
    if (width !== this.size.cols || height !== this.size.rows) return undefined;
    const area = logArea(width, height);
    const log = this.log.sharedFrame(area);
    const title = this.titleRow.change(this.title.text(width), width, height);
    if (title.kind === 'same') return log;
    if (title.kind === 'render' || (!log && !this.log.settled(area))) return undefined;
    const shared = log ?? NOTHING_SHARED;
    return {
      key: shared.key,
      bytes: () => shared.bytes(),
      own: () => title.bytes,
      commit: () => {
        shared.commit();
        title.commit();
      },
    };
  }
}

/** The shared part of a frame in which only the screen's own title changed. */
const NOTHING_SHARED: SharedFrame = { key: '', bytes: () => Buffer.alloc(0), commit: () => undefined };
