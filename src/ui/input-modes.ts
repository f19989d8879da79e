/**
 * The input line's short-lived modes, which take the keys until they are over: the "Leave the
 * board? y/N" question after Ctrl-C on an empty line, and a masked prompt for a password. A
 * password typed here never reaches the line history, the room or the screen (one '*' a grapheme).
 */
import { LineEditor, type KeyLike } from './line-editor.js';

export interface InputMode {
  /** What the input line shows in `width` columns, and the cursor's column. */
  view(width: number): { text: string; cursorColumn: number };
  /** Takes a key; true when the mode is over. */
  key(ch: string | undefined, key: KeyLike): boolean;
  /** A paste while the mode is on: its first line, as typed. */
  paste(text: string): void;
  /** The screen is going away: end without an answer. */
  cancel(): void;
}

const LEAVE_QUESTION = 'Leave the board? y/N ';
/** Passwords are at most 128 characters; a little room over that lets the check say so. */
const SECRET_MAX = 256;

/** y or Y calls `onYes`; any other key answers no. */
export function leaveQuestion(onYes: () => void): InputMode {
  return {
    view: () => ({ text: LEAVE_QUESTION, cursorColumn: LEAVE_QUESTION.length }),
    key(ch) {
      if (ch === 'y' || ch === 'Y') onYes();
      return true;
    },
    paste: () => undefined,
    cancel: () => undefined,
  };
}

/**
 * A masked input line for a run of password questions (/passwd asks three). It stays on between
 * questions, while an answer is being checked, so what is typed ahead is masked and queued for the
 * next question rather than falling into the chat line. Esc or Ctrl-C answers undefined.
 */
export class SecretInput implements InputMode {
  private readonly editor = new LineEditor({ maxLength: SECRET_MAX });
  /** Answers typed before they were asked for; undefined for Esc. */
  private readonly typedAhead: Array<string | undefined> = [];
  private waiter: ((secret: string | undefined) => void) | undefined;

  constructor(private prompt: string) {}

  /** The next answer: one typed ahead, or the next Enter. */
  ask(prompt: string): Promise<string | undefined> {
    this.prompt = prompt;
    if (this.typedAhead.length > 0) return Promise.resolve(this.typedAhead.shift());
    return new Promise((resolve) => (this.waiter = resolve));
  }

  view(width: number): { text: string; cursorColumn: number } {
    const prompt = this.waiter ? this.prompt : 'Checking… ';
    const field = this.editor.view(Math.max(1, width - prompt.length), true);
    return { text: prompt + field.text, cursorColumn: prompt.length + field.cursorColumn };
  }

  key(ch: string | undefined, key: KeyLike): boolean {
    switch (this.editor.handleKey(ch, key)) {
      case 'submit':
        this.answer(this.editor.text);
        break;
      case 'cancel':
      case 'interrupt':
        this.answer(undefined);
        break;
      default:
        break;
    }
    return false;
  }

  paste(text: string): void {
    this.editor.setText(this.editor.text + (text.split(/\r\n|\r|\n/)[0] ?? ''));
  }

  cancel(): void {
    this.answer(undefined);
  }

  private answer(secret: string | undefined): void {
    this.editor.clear();
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter(secret);
    else if (this.typedAhead.length < 4) this.typedAhead.push(secret);
  }
}
