/**
 * One line of typed text: insert, move, delete, recall, and what to draw in a field of a given
 * width. Pure (no blessed, no I/O) so both the registration form and the teleconference input
 * line share it and it is tested key by key.
 *
 * Units: `text.length` and `maxLength` count UTF-16 code units (what bounds memory and what the
 * rest of the board measures); `cursor` is an offset into `text` in the same units and always
 * sits on a grapheme boundary, so `text.slice(0, cursor)` is exactly what is left of the cursor.
 * Left, Right and Backspace move or delete one grapheme ("é", "👍🏽", "한") at a time.
 */
import { typedText } from '../chat/safe-text.js';
import { displayWidth, graphemeBoundaries, graphemes, nextWordEnd, previousWordStart } from './display-width.js';

/** A keypress as blessed reports it (`program.on('keypress', (ch, key) => …)`). */
export interface KeyLike {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  full?: string;
  sequence?: string;
}

/**
 * What a key did, so the owner knows whether to redraw or act:
 * - 'changed': text or cursor moved — redraw.
 * - 'unchanged': the editor took the key but nothing changed (a refused character, Backspace at
 *   the start, Up at the oldest history entry) — nothing to redraw.
 * - 'ignored': a key the editor has no use for (PageUp, F1, …) — the owner may handle it.
 * - 'submit': Enter. The owner reads `text`, then calls `submit()` or `clear()`.
 * - 'cancel': Escape. 'interrupt': Ctrl-C. (Distinct so an owner can treat them differently.)
 * - 'complete': Tab. 'complete-back': Shift-Tab.
 * - 'up' / 'down': Up or Down when there is no history to recall (historySize 0), e.g. to move
 *   between form fields.
 */
export type EditResult =
  | 'changed'
  | 'unchanged'
  | 'ignored'
  | 'submit'
  | 'cancel'
  | 'interrupt'
  | 'complete'
  | 'complete-back'
  | 'up'
  | 'down';

export interface LineEditorOptions {
  /** Most UTF-16 code units the line may hold; typing and pasting stop there. */
  maxLength: number;
  /** Submitted lines kept for Up/Down recall; 0 (the default) keeps none — use it for passwords. */
  historySize?: number;
  /** Which graphemes may be typed at all (after control characters are refused). */
  accept?: (grapheme: string) => boolean;
}


export class LineEditor {
  private value = '';
  private at = 0;
  private readonly history: string[] = [];
  /** Index into history while recalling; history.length means "the line being typed". */
  private recallIndex = 0;
  private draft = '';
  /** A high surrogate waiting for its pair: blessed splits "😀" into two keypresses. */
  private pendingHigh = '';
  /** True right after a CR, so the LF of a CRLF does not submit a second time. */
  private afterCarriageReturn = false;
  /** First grapheme shown by view(); kept between calls so the text does not jump about. */
  private scrollStart = 0;
  private readonly maxLength: number;
  private readonly historySize: number;
  private readonly accept: (grapheme: string) => boolean;

  constructor(options: LineEditorOptions) {
    this.maxLength = Math.max(0, options.maxLength);
    this.historySize = Math.max(0, options.historySize ?? 0);
    this.accept = options.accept ?? (() => true);
  }

  get text(): string {
    return this.value;
  }

  get cursor(): number {
    return this.at;
  }

  handleKey(ch: string | undefined, key: KeyLike): EditResult {
    const afterCr = this.afterCarriageReturn;
    this.afterCarriageReturn = false;
    const name = key.name ?? '';
    if (name === 'return') {
      // blessed emits 'enter' and then 'return' for the same CR: act on 'enter' only.
      this.afterCarriageReturn = afterCr;
      return 'unchanged';
    }
    if (name === 'enter') {
      this.afterCarriageReturn = key.sequence === '\r' || key.sequence === undefined;
      return 'submit';
    }
    if (name === 'linefeed') return afterCr ? 'unchanged' : 'submit';
    const action = key.ctrl ? this.controlKey(name) : key.meta ? this.metaKey(name) : this.plainKey(name, key);
    if (action !== undefined) {
      this.pendingHigh = '';
      return action;
    }
    if (key.ctrl || key.meta || ch === undefined) return 'ignored';
    return this.typed(ch);
  }

  /** Returns the line, remembers it for recall (unless empty or the same as the last) and clears. */
  submit(): string {
    const line = this.value;
    if (this.historySize > 0 && line !== '' && this.history[this.history.length - 1] !== line) {
      this.history.push(line);
      if (this.history.length > this.historySize) this.history.shift();
    }
    this.clear();
    return line;
  }

  clear(): void {
    this.value = '';
    this.at = 0;
    this.scrollStart = 0;
    this.draft = '';
    this.pendingHigh = '';
    this.recallIndex = this.history.length;
  }

  /** Replaces the line (e.g. after tab completion) and puts the cursor at its end. */
  setText(text: string): void {
    this.value = this.limit(this.clean(text), this.maxLength);
    this.at = this.value.length;
  }

  /**
   * What to draw in a field `width` columns wide: the visible slice, scrolled so the cursor is
   * on screen, and the cursor's column within it (always < width). `mask` draws one '*' per
   * grapheme, for passwords.
   */
  view(width: number, mask = false): { text: string; cursorColumn: number } {
    if (width < 1) return { text: '', cursorColumn: 0 };
    const parts = graphemes(this.value);
    const widths = parts.map((g) => (mask ? 1 : displayWidth(g)));
    const cursorIndex = graphemes(this.value.slice(0, this.at)).length;
    this.scrollStart = fitScroll(widths, cursorIndex, Math.min(this.scrollStart, cursorIndex), width);
    let column = 0;
    let text = '';
    let cursorColumn = 0;
    for (let i = this.scrollStart; i < parts.length; i++) {
      if (i === cursorIndex) cursorColumn = column;
      const w = widths[i] ?? 0;
      if (column + w > width) break;
      text += mask ? '*' : parts[i];
      column += w;
    }
    if (cursorIndex >= parts.length) cursorColumn = column;
    return { text, cursorColumn };
  }

  private controlKey(name: string): EditResult | undefined {
    switch (name) {
      case 'a': return this.moveTo(0);
      case 'e': return this.moveTo(this.value.length);
      case 'b': return this.moveTo(this.previousBoundary());
      case 'f': return this.moveTo(this.nextBoundary());
      case 'h': return this.deleteRange(this.previousBoundary(), this.at);
      case 'd': return this.deleteRange(this.at, this.nextBoundary());
      case 'u': return this.deleteRange(0, this.at);
      case 'k': return this.deleteRange(this.at, this.value.length);
      case 'w': return this.deleteRange(previousWordStart(this.value, this.at), this.at);
      case 'c': return 'interrupt';
      case 'left': return this.moveTo(previousWordStart(this.value, this.at));
      case 'right': return this.moveTo(nextWordEnd(this.value, this.at));
      default: return undefined;
    }
  }

  private metaKey(name: string): EditResult | undefined {
    switch (name) {
      case 'b': return this.moveTo(previousWordStart(this.value, this.at));
      case 'f': return this.moveTo(nextWordEnd(this.value, this.at));
      case 'backspace': return this.deleteRange(previousWordStart(this.value, this.at), this.at);
      case 'd': return this.deleteRange(this.at, nextWordEnd(this.value, this.at));
      case 'escape': return 'cancel';
      default: return undefined;
    }
  }

  private plainKey(name: string, key: KeyLike): EditResult | undefined {
    switch (name) {
      case 'left': return this.moveTo(this.previousBoundary());
      case 'right': return this.moveTo(this.nextBoundary());
      case 'home': return this.moveTo(0);
      case 'end': return this.moveTo(this.value.length);
      case 'backspace': return this.deleteRange(this.previousBoundary(), this.at);
      case 'delete': return this.deleteRange(this.at, this.nextBoundary());
      case 'up': return this.recall(-1);
      case 'down': return this.recall(1);
      case 'escape': return 'cancel';
      case 'tab': return key.shift ? 'complete-back' : 'complete';
      default: return undefined;
    }
  }

  private typed(ch: string): EditResult {
    let input = this.pendingHigh + ch;
    this.pendingHigh = '';
    if (/[\ud800-\udbff]$/.test(input)) {
      this.pendingHigh = input.slice(-1);
      input = input.slice(0, -1);
    }
    const room = this.maxLength - this.value.length;
    if (room <= 0) return 'unchanged';
    const inserted = this.limit(this.clean(input), room);
    if (inserted === '') return 'unchanged';
    this.value = this.value.slice(0, this.at) + inserted + this.value.slice(this.at);
    this.at = this.snapForward(this.at + inserted.length);
    return 'changed';
  }

  /** Printable, accepted graphemes of `input`, in order. */
  private clean(input: string): string {
    return graphemes(typedText(input))
      .filter((g) => this.accept(g))
      .join('');
  }

  /** The longest prefix of whole graphemes of `input` that is at most `room` code units. */
  private limit(input: string, room: number): string {
    let out = '';
    for (const g of graphemes(input)) {
      if (out.length + g.length > room) break;
      out += g;
    }
    return out;
  }

  private recall(step: -1 | 1): EditResult {
    if (this.historySize === 0) return step < 0 ? 'up' : 'down';
    const next = this.recallIndex + step;
    if (next < 0 || next > this.history.length) return 'unchanged';
    if (this.recallIndex === this.history.length) this.draft = this.value;
    this.recallIndex = next;
    this.value = next === this.history.length ? this.draft : (this.history[next] ?? '');
    this.at = this.value.length;
    return 'changed';
  }

  private moveTo(position: number): EditResult {
    if (position === this.at) return 'unchanged';
    this.at = position;
    return 'changed';
  }

  private deleteRange(from: number, to: number): EditResult {
    if (from >= to) return 'unchanged';
    this.value = this.value.slice(0, from) + this.value.slice(to);
    this.at = from;
    return 'changed';
  }

  private previousBoundary(): number {
    return graphemeBoundaries(this.value).filter((b) => b < this.at).pop() ?? 0;
  }

  private nextBoundary(): number {
    return graphemeBoundaries(this.value).find((b) => b > this.at) ?? this.value.length;
  }

  /** A typed combining mark can merge into the grapheme after it; never leave the cursor inside one. */
  private snapForward(position: number): number {
    if (position >= this.value.length) return this.value.length; // typed at the end: nothing after to merge into
    return graphemeBoundaries(this.value).find((b) => b >= position) ?? this.value.length;
  }
}

/**
 * The first grapheme to show so the cursor's cell (one column, after the text at the end) fits
 * in `width`, starting from the previous scroll position and pulling back when text before it
 * would fit again (e.g. after deleting).
 */
function fitScroll(widths: number[], cursorIndex: number, start: number, width: number): number {
  // Columns before each grapheme, so every span is one subtraction: a long line stays linear.
  const before = [0];
  for (const w of widths) before.push(before[before.length - 1]! + w);
  const span = (from: number, to: number) => before[to]! - before[from]!;
  const cursorCell = Math.max(1, widths[cursorIndex] ?? 1);
  let first = start;
  while (first < cursorIndex && span(first, cursorIndex) + cursorCell > width) first++;
  const tail = (from: number) => Math.max(span(from, widths.length), span(from, cursorIndex) + cursorCell);
  while (first > 0 && tail(first - 1) <= width) first--;
  return first;
}
