/**
 * ui/ draws every caller's screens with blessed, and nothing outside ui/ knows blessed exists.
 * This file is where a blessed screen meets one caller's terminal (an SSH channel made to look
 * like a TTY by src/ssh/terminal.ts). blessed was written for one terminal per process; here it
 * serves hundreds, so this module keeps it from touching the server itself (files named by TERM,
 * $EDITOR, the server's env, stdin/stdout, process handlers — see blessed-guard.ts) and gives
 * each caller a screen that renders at most once per frame, never into a full channel, and
 * frees everything on destroy. It must not know about sessions, chat, users or ssh2.
 */
import blessed from 'blessed';
import { blessedInternals, prepareBlessed } from './blessed-guard.js';

export { prepareBlessed } from './blessed-guard.js';

/** What ui needs from a caller's terminal; src/ssh/terminal.ts builds this from an ssh2 channel. */
export interface Terminal {
  /** Keystrokes (already rate-limited by the ssh adapter). blessed may call setRawMode/isTTY on it. */
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  /** The channel: emits 'resize' (after columns/rows changed) and 'drain'. */
  output: NodeJS.WritableStream & {
    columns: number;
    rows: number;
    isTTY: boolean;
    writableLength: number;
    writableHighWaterMark?: number;
  };
  /** TERM as the client sent it — untrusted; mapped through safeTerm. */
  term: string;
}

export interface BbsScreen {
  readonly screen: blessed.Widgets.Screen;
  /** The safe TERM blessed was given. */
  readonly term: string;
  /**
   * Asks for a render. Coalesced: at most one render per FRAME_MS per screen. The first request
   * after a quiet spell renders on the next tick; requests within FRAME_MS of a render make one
   * render when that frame ends. While the channel holds more than RENDER_MARK unsent bytes
   * nothing is drawn; on 'drain' the screen is drawn once, fresh.
   */
  requestRender(): void;
  /**
   * Where the terminal cursor sits after each render (absolute cell, 0-based), or null to hide
   * it. Input fields use this: blessed itself leaves the cursor hidden.
   */
  setCursor(at: { x: number; y: number } | null): void;
  /** Rings the terminal bell (BEL) on this caller only. */
  bell(): void;
  /**
   * Idempotent. Destroys the blessed screen and program once, removes every listener this
   * module (and blessed) added to input and output, and restores the terminal (normal screen,
   * cursor shown). Does not end the channel: the session writes a goodbye line, then ends it.
   */
  destroy(): void;
  readonly destroyed: boolean;
}

export interface BbsScreenOptions {
  /** Window title (OSC 0); control characters are removed. */
  title?: string;
  /** Errors from blessed: its program's 'error' events, and a render that threw. */
  onError?: (error: Error) => void;
  /**
   * The channel stayed over RENDER_MARK for `stallMs` (default STALL_MS): the caller stopped
   * reading. The session hangs up; nothing more is queued for them meanwhile (PITFALLS 10).
   */
  onStall?: () => void;
  stallMs?: number;
}

/** How long a caller may leave their channel full before they count as gone. */
export const STALL_MS = 60_000;

/** Unsent bytes on the channel above which renders wait for 'drain' (ARCHITECTURE: a slow caller costs only itself). */
export const RENDER_MARK = 64 * 1024;

/**
 * After a render, a screen waits at least this long before the next. A render costs about the
 * same for 1 new line as for 20 (PITFALLS 9), so a stream of messages costs each caller at most
 * ~33 renders a second, and the board's CPU no longer grows with the message rate times the callers.
 */
export const FRAME_MS = 30;

/** Resize events closer together than this make one re-layout (PITFALLS 2). */
const RESIZE_TIMEOUT_MS = 50;

/**
 * TERM values handed to blessed as they are: each loads from the system terminfo or from
 * blessed's bundled copies (xterm, xterm-256color). Everything else — screen-256color (fails to
 * compile and prints to stderr), tmux-256color (ncurses 6 format blessed cannot parse), putty,
 * alacritty, kitty, anything with a '/', unknown names — becomes xterm-256color, which every
 * current terminal understands. PITFALLS 1 and 12.
 */
const SAFE_TERMS: ReadonlySet<string> = new Set([
  'xterm-256color',
  'xterm',
  'xterm-color',
  'screen',
  'tmux',
  'linux',
  'vt100',
  'vt102',
  'vt220',
  'ansi',
  'rxvt',
  'rxvt-unicode',
  'rxvt-unicode-256color',
]);
export const DEFAULT_TERM = 'xterm-256color';

export function safeTerm(term: string | undefined): string {
  const name = (term ?? '').trim().toLowerCase();
  return SAFE_TERMS.has(name) ? name : DEFAULT_TERM;
}

/** How many blessed programs and screens are alive in this process (they are kept in global lists). */
export function blessedInstanceCounts(): { programs: number; screens: number } {
  const { Program, Screen } = blessedInternals();
  return { programs: Program.instances.length, screens: Screen.instances.length };
}

export function createBbsScreen(terminal: Terminal, options: BbsScreenOptions = {}): BbsScreen {
  prepareBlessed();
  const term = safeTerm(terminal.term);
  const before = streamsOf(terminal).map(listenersOf);
  const program = blessed.program({
    input: terminal.input,
    output: terminal.output,
    terminal: term,
    forceUnicode: true,
    resizeTimeout: RESIZE_TIMEOUT_MS,
  } as unknown as blessed.Widgets.IScreenOptions) as unknown as ProgramLike;
  const report = (error: unknown) => options.onError?.(error instanceof Error ? error : new Error(String(error)));
  program.on('error', report);
  // Every caller gets Unicode (forceUnicode), so boxes are drawn with Unicode line characters, not
  // the terminal's alternate character set: for TERM=screen (tmux, GNU screen) blessed switches to
  // ACS with SO without first designating G1, and borders come out as "lqqqk".
  program.tput.brokenACS = true;
  const screen = blessed.screen({
    program: program as unknown as blessed.Widgets.IScreenOptions['program'],
    smartCSR: true,
    fullUnicode: true,
    forceUnicode: true,
    resizeTimeout: RESIZE_TIMEOUT_MS,
    autoPadding: true,
    warnings: false,
    dockBorders: true,
    ...(options.title === undefined ? {} : { title: stripControls(options.title) }),
  } as blessed.Widgets.IScreenOptions);
  return new ScreenOverChannel(terminal, term, screen, program, listenersAddedSince(terminal, before), report, options);
}

/** The parts of blessed's Program this module uses and the typings leave out. */
interface ProgramLike {
  tput: { brokenACS: boolean };
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  listeners(event: string): Array<(...args: never[]) => void>;
  cup(y: number, x: number): unknown;
  showCursor(): unknown;
  hideCursor(): unknown;
  bell(): unknown;
  cursorHidden?: boolean;
  _resizeTimer?: NodeJS.Timeout;
}

class ScreenOverChannel implements BbsScreen {
  /** A render due on the next tick. */
  private renderTimer: NodeJS.Immediate | undefined;
  /** Runs from the end of a render for FRAME_MS; requests meanwhile set renderDue. */
  private frameTimer: NodeJS.Timeout | undefined;
  private renderDue = false;
  private waitingForDrain = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private cursorAt: { x: number; y: number } | null = null;
  private isDestroyed = false;
  private readonly onDrain = () => this.drained();
  private readonly onResize = () => this.relayout();

  constructor(
    private readonly terminal: Terminal,
    readonly term: string,
    readonly screen: blessed.Widgets.Screen,
    private readonly program: ProgramLike,
    private readonly blessedListeners: AddedListeners,
    private readonly report: (error: unknown) => void,
    private readonly options: BbsScreenOptions,
  ) {
    // blessed's own resize handler renders at once, into a full channel too; ours goes through requestRender.
    for (const listener of program.listeners('resize')) program.removeListener('resize', listener);
    program.on('resize', this.onResize);
    terminal.output.on('drain', this.onDrain);
  }

  get destroyed(): boolean {
    return this.isDestroyed;
  }

  requestRender(): void {
    if (this.isDestroyed || this.renderTimer) return;
    if (this.frameTimer) {
      this.renderDue = true;
      return;
    }
    this.renderTimer = setImmediate(() => {
      this.renderTimer = undefined;
      this.renderNow();
    });
  }

  setCursor(at: { x: number; y: number } | null): void {
    this.cursorAt = at;
    this.requestRender();
  }

  bell(): void {
    if (!this.isDestroyed) this.program.bell();
  }

  destroy(): void {
    if (this.isDestroyed) return;
    this.isDestroyed = true;
    if (this.renderTimer) clearImmediate(this.renderTimer);
    this.renderTimer = undefined;
    clearTimeout(this.frameTimer);
    this.frameTimer = undefined;
    this.renderDue = false;
    clearTimeout(this.stallTimer);
    clearTimeout(this.program._resizeTimer);
    this.terminal.output.removeListener('drain', this.onDrain);
    this.program.removeListener('resize', this.onResize);
    try {
      this.screen.destroy(); // leaves the alternate screen, shows the cursor, destroys the program
    } finally {
      removeBlessedTraces(this.terminal, this.blessedListeners);
    }
  }

  private renderNow(): void {
    if (this.isDestroyed) return;
    if (this.terminal.output.writableLength > RENDER_MARK) return this.holdBack();
    try {
      this.screen.render();
      this.placeCursor();
    } catch (error) {
      // Runs from setImmediate or a timer: a throw here would be an uncaught exception for the whole board.
      this.report(error);
    }
    this.frameTimer = setTimeout(() => this.endFrame(), FRAME_MS);
  }

  /** A render asked for during the frame goes out now; with none, the next request renders on the next tick. */
  private endFrame(): void {
    this.frameTimer = undefined;
    if (!this.renderDue) return;
    this.renderDue = false;
    this.renderNow();
  }

  private placeCursor(): void {
    const at = this.cursorAt;
    if (!at) {
      if (!this.program.cursorHidden) this.program.hideCursor();
      return;
    }
    this.program.cup(clamp(at.y, this.screen.height), clamp(at.x, this.screen.width));
    if (this.program.cursorHidden) this.program.showCursor();
  }

  /**
   * Waits for the channel to empty. Node emits 'drain' only after a write() returned false, that
   * is above the channel's own high-water mark (2 MiB in ssh2), which this gate keeps it from ever
   * reaching: so an empty write marks the end of the queue, and its callback says when everything
   * before it has gone. 'drain' still counts when it does come.
   */
  private holdBack(): void {
    this.stallTimer ??= setTimeout(() => this.options.onStall?.(), this.options.stallMs ?? STALL_MS);
    if (this.waitingForDrain) return;
    this.waitingForDrain = true;
    const { output } = this.terminal;
    output.write('', (error?: Error | null) => {
      if (!error && output.writableLength <= RENDER_MARK) this.drained();
    });
  }

  private drained(): void {
    if (!this.waitingForDrain) return;
    this.waitingForDrain = false;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.requestRender();
  }

  private relayout(): void {
    // Same steps as blessed's handler (new cell buffers, 'resize' to every element), minus the render.
    const screen = this.screen as blessed.Widgets.Screen & { alloc(): void };
    screen.alloc();
    const emit = (node: blessed.Widgets.Node) => {
      node.emit('resize');
      node.children.forEach(emit);
    };
    emit(screen);
    this.requestRender();
  }
}

function clamp(value: number, size: unknown): number {
  const limit = typeof size === 'number' ? size - 1 : 0;
  return Math.max(0, Math.min(Math.floor(value), limit));
}

function stripControls(text: string): string {
  return text.replace(/[\p{Cc}]/gu, '');
}

/**
 * blessed adds listeners to the streams it is given and marks them with properties
 * (`_blessedInput`, `_keypressDecoder`, …) that make a later program skip its own set-up. The
 * listeners that appeared while the program and screen were being made are blessed's; destroy()
 * removes exactly those (never one the session added) and the marks, so both streams are as
 * they were and the session can put up another screen on the same channel.
 */
type Listener = (...args: unknown[]) => void;
type AddedListeners = Array<{ stream: NodeJS.EventEmitter; event: string | symbol; listener: Listener }>;

const BLESSED_STREAM_MARKS = [
  '_blessedInput',
  '_blessedOutput',
  '_keypressDecoder',
  '_keypressHandler',
  '_dataHandler',
  '_resizeHandler',
] as const;

function streamsOf(terminal: Terminal): NodeJS.EventEmitter[] {
  return [terminal.input, terminal.output];
}

function listenersOf(stream: NodeJS.EventEmitter): Map<string | symbol, Listener[]> {
  return new Map(stream.eventNames().map((event) => [event, stream.listeners(event) as Listener[]]));
}

function listenersAddedSince(terminal: Terminal, before: Map<string | symbol, Listener[]>[]): AddedListeners {
  return streamsOf(terminal).flatMap((stream, i) =>
    [...listenersOf(stream)].flatMap(([event, now]) =>
      now
        .filter((listener) => !(before[i]?.get(event) ?? []).includes(listener))
        .map((listener) => ({ stream, event, listener })),
    ),
  );
}

function removeBlessedTraces(terminal: Terminal, added: AddedListeners): void {
  for (const { stream, event, listener } of added) stream.removeListener(event, listener);
  for (const stream of streamsOf(terminal)) {
    const marked = stream as unknown as Record<string, unknown>;
    for (const mark of BLESSED_STREAM_MARKS) delete marked[mark];
  }
}
