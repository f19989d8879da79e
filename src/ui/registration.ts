/**
 * The new-user form (`ssh new@host`): handle, password twice and, when the client offered a
 * public key, whether to log in with it next time. Every mistake is explained on the form and
 * the cursor goes to the field to fix. The form only asks: the rules (checkHandle, handleTaken,
 * checkPassword) and the account (register) come from the caller of runRegistration, and
 * timeouts are the session's (it destroys the screen, which settles the form as cancelled).
 */
import blessed from 'blessed';
import { LineEditor, type KeyLike } from './line-editor.js';
import { blankRow, fieldRow, fitRows, textRow, type FormRow } from './form-field.js';
import { keyQuestionRows, messageRows } from './registration-rows.js';
import type { BbsScreen } from './screen.js';

export interface RegistrationDeps<U> {
  bbsName: string;
  /** A public key the client offered during SSH auth. */
  offeredKey?: { algo: string; fingerprint: string };
  /** Format and reserved names: a sentence to show, or undefined when the handle is fine. */
  checkHandle(handle: string): string | undefined;
  /** Whether an account has the handle already: a sentence to show, or undefined when it is free. */
  handleTaken?(handle: string): Promise<string | undefined>;
  checkPassword(password: string): string | undefined;
  register(input: { handle: string; password: string; bindKey: boolean }): Promise<{ ok: true; user: U } | { ok: false; field: 'handle' | 'password'; message: string }>;
  /** Hands over, once, how to show a notice the form did not cause (input dropped); a no-op once the form ends. */
  notices?(show: (text: string) => void): void;
}

export type RegistrationResult<U> = { kind: 'registered'; user: U } | { kind: 'cancelled' };

const HANDLE_MAX = 16;
/** Room for 128 characters of any script (what passwordProblem allows), and then some so an overlong one is explained. */
const PASSWORD_MAX = 300;
const PRINTABLE_ASCII = (g: string) => /^[\x20-\x7e]$/.test(g);
const FORM_MAX_WIDTH = 64;
const LABEL_WIDTH = 16;

const TEXT = {
  rules: 'Handles: 2-16 letters, digits, _, -',
  help: 'Enter=next  Tab/Up=move  Esc=cancel',
  mismatch: 'The two passwords do not match. Please type them again.',
  creating: 'Creating your account…',
};

type FieldName = 'handle' | 'password' | 'again' | 'key';

/**
 * Runs the form on `screen` until the caller registers or cancels (Esc, Ctrl-C, or the screen
 * is destroyed). Rejects if deps.register() or a check throws (a bug or an I/O failure).
 */
export function runRegistration<U>(screen: BbsScreen, deps: RegistrationDeps<U>): Promise<RegistrationResult<U>> {
  if (screen.destroyed) return Promise.resolve({ kind: 'cancelled' });
  return new Promise((resolve, reject) => new RegistrationForm(screen, deps, resolve, reject).start());
}

class RegistrationForm<U> {
  private readonly handle = new LineEditor({ maxLength: HANDLE_MAX, accept: PRINTABLE_ASCII });
  private readonly password = new LineEditor({ maxLength: PASSWORD_MAX });
  private readonly again = new LineEditor({ maxLength: PASSWORD_MAX });
  private readonly fields: FieldName[];
  private focus: FieldName = 'handle';
  private bindKey = true;
  private message: { text: string; error: boolean } | undefined;
  private busy = false;
  private done = false;
  private readonly box: blessed.Widgets.BoxElement;
  private readonly onKey = (ch: string | undefined, key: KeyLike | undefined) => this.key(ch, key ?? {});
  private readonly onResize = () => this.draw();
  private readonly onDestroy = () => this.finish({ kind: 'cancelled' });

  constructor(
    private readonly screen: BbsScreen,
    private readonly deps: RegistrationDeps<U>,
    private readonly resolve: (result: RegistrationResult<U>) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.fields = deps.offeredKey ? ['handle', 'password', 'again', 'key'] : ['handle', 'password', 'again'];
    this.box = blessed.box({
      parent: screen.screen,
      border: { type: 'line' },
      tags: true,
      wrap: false,
      style: { border: { fg: 'cyan' } },
    });
  }

  start(): void {
    const s = this.screen.screen;
    s.program.on('keypress', this.onKey);
    s.on('resize', this.onResize);
    s.on('destroy', this.onDestroy);
    // A notice goes where the form's own messages go, until the next one replaces it.
    this.deps.notices?.((text) => {
      if (this.done) return;
      this.message = { text, error: true };
      this.draw();
    });
    this.draw();
  }

  private key(ch: string | undefined, key: KeyLike): void {
    if (this.done || this.busy) return;
    try {
      const changed = this.focus === 'key' ? this.keyQuestion(ch, key) : this.keyText(this.editor(this.focus), ch, key);
      // A paste arrives as thousands of keypresses, and most change nothing once a field is full.
      if (changed && !this.done) this.draw();
    } catch (error) {
      // A bug here must end this caller's form, not escape into the channel's 'data' event.
      this.fail(error);
    }
  }

  /** Acts on a key in a text field; false when it changed nothing on the form. */
  private keyText(editor: LineEditor, ch: string | undefined, key: KeyLike): boolean {
    switch (editor.handleKey(ch, key)) {
      case 'submit': this.enter(); return true;
      case 'complete': case 'down': this.move(1); return true;
      case 'complete-back': case 'up': this.move(-1); return true;
      case 'cancel': case 'interrupt': this.finish({ kind: 'cancelled' }); return true;
      case 'changed': return true;
      default: return false;
    }
  }

  /** The yes/no key question: y, n or Space answer it; Enter submits the form. */
  private keyQuestion(ch: string | undefined, key: KeyLike): boolean {
    const name = key.name ?? '';
    if (name === 'escape' || (key.ctrl && name === 'c')) this.finish({ kind: 'cancelled' });
    else if (name === 'enter') void this.submit();
    else if (name === 'up' || (name === 'tab' && key.shift)) this.move(-1);
    else if (name === 'down' || name === 'tab') this.move(1);
    else if (ch === 'y' || ch === 'Y') this.bindKey = true;
    else if (ch === 'n' || ch === 'N') this.bindKey = false;
    else if (name === 'space') this.bindKey = !this.bindKey;
    else return false;
    return true;
  }

  private editor(field: Exclude<FieldName, 'key'>): LineEditor {
    return field === 'handle' ? this.handle : field === 'password' ? this.password : this.again;
  }

  private move(step: 1 | -1): void {
    const i = this.fields.indexOf(this.focus);
    this.focus = this.fields[(i + step + this.fields.length) % this.fields.length] ?? 'handle';
  }

  /** Enter checks the field it was pressed in, then moves on; on the last field it submits. */
  private enter(): void {
    const problem = this.problemIn(this.focus);
    if (problem) return this.complain(problem.field, problem.message);
    this.message = undefined;
    if (this.focus === 'handle') this.askTaken(this.handle.text);
    if (this.focus === this.fields[this.fields.length - 1]) return void this.submit();
    this.move(1);
  }

  /** Asked without holding the form (no key typed meanwhile is lost). The cursor goes back only while no password is typed. */
  private askTaken(handle: string): void {
    this.deps.handleTaken?.(handle).then((message) => {
      if (!message || this.done || this.busy || this.handle.text !== handle) return;
      if (this.password.text === '' && this.again.text === '') this.focus = 'handle';
      this.message = { text: message, error: true };
      this.draw();
    }).catch((error: unknown) => this.fail(error));
  }

  private problemIn(field: FieldName): { field: 'handle' | 'password'; message: string } | undefined {
    if (field === 'handle') {
      const message = this.deps.checkHandle(this.handle.text);
      return message === undefined ? undefined : { field: 'handle', message };
    }
    if (field === 'password') {
      const message = this.deps.checkPassword(this.password.text);
      return message === undefined ? undefined : { field: 'password', message };
    }
    if (field === 'again' && this.again.text !== this.password.text) return { field: 'password', message: TEXT.mismatch };
    return undefined;
  }

  /** Password problems clear both password fields: retyping one blind is no help. */
  private complain(field: 'handle' | 'password', message: string): void {
    this.message = { text: message, error: true };
    this.focus = field;
    if (field === 'password') {
      this.password.clear();
      this.again.clear();
    }
  }

  private async submit(): Promise<void> {
    for (const field of ['handle', 'password', 'again'] as const) {
      const problem = this.problemIn(field);
      if (problem) return this.complain(problem.field, problem.message);
    }
    this.busy = true;
    this.message = { text: TEXT.creating, error: false };
    this.draw();
    try {
      const input = { handle: this.handle.text, password: this.password.text, bindKey: this.fields.includes('key') && this.bindKey };
      const outcome = await this.deps.register(input);
      if (this.done) return;
      this.busy = false;
      if (outcome.ok) return this.finish({ kind: 'registered', user: outcome.user });
      this.complain(outcome.field, outcome.message);
      this.draw();
    } catch (error) {
      this.fail(error);
    }
  }

  private finish(result: RegistrationResult<U>): void {
    if (this.done) return;
    this.cleanUp();
    this.resolve(result);
  }

  private fail(error: unknown): void {
    if (this.done) return;
    this.cleanUp();
    this.reject(error);
  }

  private cleanUp(): void {
    this.done = true;
    this.password.clear();
    this.again.clear();
    const s = this.screen.screen;
    s.program.removeListener('keypress', this.onKey);
    s.removeListener('resize', this.onResize);
    s.removeListener('destroy', this.onDestroy);
    if (this.screen.destroyed) return;
    this.box.destroy();
    this.screen.setCursor(null);
    this.screen.requestRender();
  }

  private draw(): void {
    if (this.done || this.screen.destroyed) return;
    const s = this.screen.screen;
    const width = Math.min(Number(s.width), FORM_MAX_WIDTH);
    const layout = fitRows(this.rows(width - 4), Number(s.height) - 2);
    const height = Math.min(Number(s.height), layout.rows.length + 2);
    const left = Math.floor((Number(s.width) - width) / 2);
    const top = Math.floor((Number(s.height) - height) / 2);
    this.box.left = left;
    this.box.top = top;
    this.box.width = width;
    this.box.height = height;
    this.box.setContent(layout.rows.map((row) => ` ${row.content}`).join('\n'));
    const at = layout.cursor;
    this.screen.setCursor(at && !this.busy ? { x: left + 2 + at.column, y: top + 1 + at.row } : null);
  }

  /** Every row the form would like to show, `width` columns wide, most important marked. */
  private rows(width: number): FormRow[] {
    return [
      textRow(`New user registration — ${this.deps.bbsName}`, 'title', width),
      blankRow(),
      textRow(TEXT.rules, 'rules', width),
      blankRow(),
      this.field('handle', 'Handle:', width),
      this.field('password', 'Password:', width),
      this.field('again', 'Password again:', width),
      ...(this.deps.offeredKey ? keyQuestionRows(this.deps.offeredKey.fingerprint, this.bindKey, this.focus === 'key', width) : []),
      blankRow(),
      ...messageRows(this.message, width),
      textRow(TEXT.help, 'help', width),
    ];
  }

  private field(name: Exclude<FieldName, 'key'>, label: string, width: number): FormRow {
    const focused = this.focus === name;
    const row = fieldRow(label, LABEL_WIDTH, this.editor(name), width, { mask: name !== 'handle', focused });
    return { content: row.content, kind: 'field', ...(focused ? { cursorColumn: row.cursorColumn } : {}) };
  }
}
