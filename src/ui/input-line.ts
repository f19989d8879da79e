/**
 * The teleconference's input line: the line editor, the modes that take the line over until they
 * are answered (the Ctrl-C "leave?" question, a masked password prompt), where a bracketed paste
 * goes, and the row itself. The row is drawn like the log's rows: encoded once per text and width,
 * so a ZWJ sequence keeps its joiners and the cursor lands after it.
 */
import { graphemes } from './display-width.js';
import { completeHandle, type Completion } from './handle-completion.js';
import { leaveQuestion, SecretInput, type InputMode } from './input-modes.js';
import { LineEditor, type KeyLike } from './line-editor.js';
import { shapeTerminal, SingleRow, type LogRows } from './log-rows.js';
import { placePaste, type Paste } from './paste.js';
import { RowPainter, type PaintedScreen } from './row-painter.js';
import type { BbsScreen } from './screen.js';

export interface InputLineOptions {
  bbs: BbsScreen;
  rows: LogRows;
  maxLength: number;
  /** Most lines a pasted block may have. */
  maxPasteLines: number;
  /** Typed lines kept for Up/Down recall. */
  historySize: number;
}

/** What a paste came to: typed into the line (nothing to do), a block to send, or refused. */
export type PasteOutcome = { kind: 'typed' } | { kind: 'block'; block: string } | { kind: 'refused'; reason: string };

const PROMPT = '> ';

export class InputLine {
  readonly editor: LineEditor;
  private readonly bbs: BbsScreen;
  private readonly painter: RowPainter;
  /** The row, encoded again only when its text or the width changed. */
  private readonly row: SingleRow;
  /** A question or a password prompt that has the line until it is answered. */
  private mode: InputMode | undefined;
  private text = PROMPT;
  /** The text, cursor, mode or width changed since the line was last laid out. */
  private stale = true;

  constructor(private readonly options: InputLineOptions) {
    this.bbs = options.bbs;
    this.editor = new LineEditor({ maxLength: options.maxLength, historySize: options.historySize });
    const painted = this.bbs.screen as unknown as PaintedScreen;
    this.painter = new RowPainter(painted);
    this.row = new SingleRow(options.rows, () => shapeTerminal(this.bbs.term, painted.tput), 'input');
  }

  /** A mode has the keys. */
  get taken(): boolean {
    return this.mode !== undefined;
  }

  /** A key while a mode has the line. */
  modeKey(ch: string | undefined, key: KeyLike): void {
    const mode = this.mode;
    if (mode?.key(ch, key) && this.mode === mode) this.mode = undefined;
    this.draw();
  }

  /** Ctrl-C: a typed line is cleared, never sent nor lost to a hang-up; on an empty line, ask. */
  interrupt(onLeave: () => void): void {
    if (this.editor.text === '') this.mode = leaveQuestion(onLeave);
    else this.editor.clear();
    this.draw();
  }

  paste(paste: Paste): PasteOutcome {
    if (this.mode) {
      this.mode.paste(paste.text);
      this.draw();
      return { kind: 'typed' };
    }
    const outcome = placePaste(paste, this.editor.text, { maxLength: this.options.maxLength, maxLines: this.options.maxPasteLines });
    if (outcome.kind === 'refused') return outcome;
    if (outcome.kind === 'block') {
      this.editor.clear();
      return outcome;
    }
    this.editor.setText(outcome.line);
    this.draw();
    return { kind: 'typed' };
  }

  /** One question of a run (see Teleconference.askSecret); the masked line stays until endSecret(). */
  askSecret(prompt: string): Promise<string | undefined> {
    const current = this.mode;
    const secret = current instanceof SecretInput ? current : new SecretInput(prompt);
    if (secret !== current) {
      current?.cancel();
      this.mode = secret;
    }
    const answer = secret.ask(prompt);
    this.draw();
    return answer;
  }

  endSecret(): void {
    if (!(this.mode instanceof SecretInput)) return;
    this.mode = undefined;
    this.draw();
  }

  /**
   * Tab: completes the handle before the cursor from `handles`, keeping what follows the cursor.
   * Returns the completion (its hint is for the status line), or undefined when there was no word.
   */
  completeHandle(handles: (prefix: string) => string[]): Completion | undefined {
    const { editor } = this;
    const after = editor.text.slice(editor.cursor);
    const completion = completeHandle(editor.text.slice(0, editor.cursor), after, handles);
    if (!completion) return undefined;
    // LineEditor puts the cursor at the end of set text; walk it back over what followed it.
    editor.setText(completion.before + after);
    for (let i = graphemes(after).length; i > 0; i--) editor.handleKey(undefined, { name: 'left' });
    this.draw();
    return completion;
  }

  /**
   * The line's text, cursor, mode or width changed: it is laid out again in the next render. Not
   * here: a pasted or quickly typed line arrives as one chunk of many keys, and working out its
   * graphemes, widths and scroll for each key made a 40-character line cost ~2.5 ms.
   */
  draw(): void {
    if (this.bbs.destroyed) return;
    this.stale = true;
    this.bbs.requestRender();
  }

  /** Paints the line on the bottom row, inside a full render, and puts the cursor on it. */
  frame(width: number, height: number): void {
    if (this.stale) this.layOut(width, height);
    if (height >= 1) this.painter.frame(height - 1, [this.row.row(this.text, width)], 0, height);
  }

  private layOut(width: number, height: number): void {
    this.stale = false;
    const field = this.editor.view(Math.max(1, width - PROMPT.length));
    const view = this.mode?.view(width) ?? { text: PROMPT + field.text, cursorColumn: PROMPT.length + field.cursorColumn };
    this.text = view.text;
    this.bbs.setCursor({ x: view.cursorColumn, y: height - 1 });
  }

  /** Ends a mode without an answer and lets go of the painted row. */
  release(): void {
    this.mode?.cancel();
    this.mode = undefined;
    this.painter.release();
  }
}

export function screenSize(bbs: BbsScreen): { width: number; height: number } {
  return { width: toNumber(bbs.screen.width), height: toNumber(bbs.screen.height) };
}

function toNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
