/**
 * A real terminal emulator (xterm.js, headless) to read what a caller would see, and a fake
 * caller's terminal (in-memory streams shaped like src/ui/screen.ts's Terminal) wired to it.
 * Tests assert on visible rows, never on raw escape sequences.
 */
import { PassThrough, Writable } from 'node:stream';
import xterm from '@xterm/headless';
import { graphemeWidths } from './grapheme-widths.js';
import type { Terminal as UiTerminal } from '../../src/ui/terminal.js';

const { Terminal: XtermTerminal } = xterm;

type Waiter = { check: () => boolean; resolve: () => void };

export class VirtualTerminal {
  /** How many times the bell (BEL) rang. */
  bells = 0;
  private readonly xterm: InstanceType<typeof XtermTerminal>;
  private readonly waiters = new Set<Waiter>();
  private pending = 0;

  constructor(cols: number, rows: number) {
    this.xterm = new XtermTerminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    this.xterm.unicode.register(graphemeWidths);
    this.xterm.unicode.activeVersion = graphemeWidths.version;
    this.xterm.onBell(() => {
      this.bells++;
    });
  }

  get cols(): number {
    return this.xterm.cols;
  }

  get rows(): number {
    return this.xterm.rows;
  }

  write(data: string | Buffer): void {
    this.pending++;
    const bytes = typeof data === 'string' ? data : new Uint8Array(data);
    this.xterm.write(bytes, () => {
      this.pending--;
      this.recheck();
    });
  }

  /** Resolves once everything written so far has been parsed. */
  settled(): Promise<void> {
    return new Promise((resolve) => this.xterm.write('', resolve));
  }

  resize(cols: number, rows: number): void {
    this.xterm.resize(cols, rows);
    this.recheck();
  }

  /** The visible rows, each trimmed on the right. */
  lines(): string[] {
    const buffer = this.xterm.buffer.active;
    const rows: string[] = [];
    for (let y = 0; y < this.xterm.rows; y++) {
      rows.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    }
    return rows;
  }

  text(): string {
    return this.lines().join('\n');
  }

  /**
   * The look of the first cell of `text` where the screen shows it, as a viewer sees it: its
   * palette colour (undefined: the terminal's default) and whether it is bold. Undefined when
   * `text` is not on the screen. (Columns are counted as characters: for ASCII text.)
   */
  lookOf(text: string | RegExp, offset = 0): { fg: number | undefined; bold: boolean } | undefined {
    const buffer = this.xterm.buffer.active;
    for (let y = 0; y < this.xterm.rows; y++) {
      const line = buffer.getLine(buffer.viewportY + y);
      const match = line?.translateToString(true).match(typeof text === 'string' ? new RegExp(escapeRegExp(text)) : text);
      if (!line || match?.index === undefined) continue;
      const cell = line.getCell(match.index + offset);
      if (!cell) return undefined;
      return { fg: cell.isFgDefault() ? undefined : cell.getFgColor(), bold: cell.isBold() !== 0 };
    }
    return undefined;
  }

  /** The look of the cell at column `x` of row `y`: palette colours (undefined: the terminal's default) and bold. */
  cellLook(x: number, y: number): { fg: number | undefined; bg: number | undefined; bold: boolean } | undefined {
    const buffer = this.xterm.buffer.active;
    const cell = buffer.getLine(buffer.viewportY + y)?.getCell(x);
    if (!cell) return undefined;
    return {
      fg: cell.isFgDefault() ? undefined : cell.getFgColor(),
      bg: cell.isBgDefault() ? undefined : cell.getBgColor(),
      bold: cell.isBold() !== 0,
    };
  }

  cursor(): { x: number; y: number } {
    const buffer = this.xterm.buffer.active;
    return { x: buffer.cursorX, y: buffer.cursorY };
  }

  /**
   * Resolves when the screen shows `what` (re-checked after each write is parsed); rejects after
   * `timeoutMs` with what the screen did show.
   */
  waitFor(what: string | RegExp, timeoutMs = 3000): Promise<void> {
    const shows = () => (typeof what === 'string' ? this.text().includes(what) : what.test(this.text()));
    return this.until(shows, `screen to show ${String(what)}`, timeoutMs);
  }

  /** Like waitFor, for any condition on this terminal (e.g. `() => vt.bells === 1`). */
  until(condition: () => boolean, description: string, timeoutMs = 3000): Promise<void> {
    if (this.pending === 0 && condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check: condition,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`Timed out waiting for ${description}. The screen shows:\n${this.text()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  dispose(): void {
    this.xterm.dispose();
  }

  private recheck(): void {
    for (const waiter of this.waiters) {
      if (!waiter.check()) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}

/**
 * The writable side of a fake SSH channel: shaped like a TTY, forwarding what it is given to a
 * VirtualTerminal, with an extra backlog a test can set to play a caller who stopped reading.
 */
export class FakeChannelOutput extends Writable {
  columns: number;
  rows: number;
  readonly isTTY = true;
  /** Bytes pretended to be still queued; added to writableLength. */
  backlog = 0;
  /** Every chunk written, in order. */
  readonly chunks: string[] = [];

  constructor(private readonly vt: VirtualTerminal) {
    super({ decodeStrings: false });
    this.columns = vt.cols;
    this.rows = vt.rows;
    const queued = Object.getOwnPropertyDescriptor(Writable.prototype, 'writableLength')?.get;
    Object.defineProperty(this, 'writableLength', {
      get: () => this.backlog + ((queued?.call(this) as number | undefined) ?? 0),
    });
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    // An empty write carries nothing to the terminal (the screen uses one to learn when the queue is flushed).
    if (text !== '') this.chunks.push(text);
    this.vt.write(text);
    callback();
  }
}

export interface FakeTerminal {
  terminal: UiTerminal;
  vt: VirtualTerminal;
  output: FakeChannelOutput;
  input: PassThrough & { isTTY: boolean; setRawMode(mode: boolean): void };
  /** Sends keystrokes, as raw bytes ("\r" is Enter, "\x1b" Escape, "\x1b[A" Up). */
  type(keys: string): void;
  /** Changes the window size the way src/ssh/terminal.ts does on window-change. */
  resize(cols: number, rows: number): void;
  dispose(): void;
}

export function createFakeTerminal(cols: number, rows: number, term = 'xterm-256color'): FakeTerminal {
  const vt = new VirtualTerminal(cols, rows);
  const output = new FakeChannelOutput(vt);
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  return {
    terminal: { input, output, term },
    vt,
    output,
    input,
    type: (keys) => {
      input.write(keys);
    },
    resize: (newCols, newRows) => {
      vt.resize(newCols, newRows);
      output.columns = newCols;
      output.rows = newRows;
      output.emit('resize');
    },
    dispose: () => {
      input.destroy();
      output.destroy();
      vt.dispose();
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
