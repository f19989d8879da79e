/**
 * ui/ draws every caller's screens with blessed, and nothing outside ui/ knows blessed exists.
 * This file is where a blessed screen meets one caller's terminal (an SSH channel made to look
 * like a TTY by src/ssh/terminal.ts). blessed was written for one terminal per process; here it
 * serves hundreds, so this module keeps it from touching the server itself (files named by TERM,
 * $EDITOR, the server's env, stdin/stdout, process handlers — see blessed-guard.ts) and gives
 * each caller a screen that is drawn at most once per frame of the board's clock, never into a
 * full channel (see frame-clock.ts), and frees everything on destroy (see stream-restore.ts). It
 * must not know about sessions, chat, users or ssh2.
 */
import blessed from 'blessed';
import { visibleText } from '../chat/safe-text.js';
import { blessedInternals, prepareBlessed } from './blessed-guard.js';
import { closing } from './blessed-cells.js';
import { listenersAddedSince, listenersOf, removeBlessedTraces, streamsOf, type AddedListeners } from './stream-restore.js';
import { createFrameClock, type FrameClock, type FrameSlot, type SharedFrame } from './frame-clock.js';
import type { Terminal } from './terminal.js';

export { prepareBlessed } from './blessed-guard.js';
export { FRAME_MS, RENDER_MARK, STALL_MS } from './frame-clock.js';

export interface BbsScreen {
  readonly screen: blessed.Widgets.Screen;
  /** The safe TERM blessed was given. */
  readonly term: string;
  /**
   * Asks for a full render in the board clock's next frame (frames are FRAME_MS apart, the first
   * after a quiet spell on the next tick). Many requests make one render. While the channel holds
   * more than RENDER_MARK unsent bytes nothing is drawn; on 'drain' the screen is drawn once, fresh.
   */
  requestRender(): void;
  /**
   * Asks for a frame that the shared-frame planner may draw (see setSharedFrames); a full render
   * when there is none, it declines, or a full render was asked for too.
   */
  requestFrame(): void;
  /** requestFrame(), drawn within SOON_MS with other screens: for lines nobody is waiting for. */
  requestFrameSoon(): void;
  /**
   * While set, a frame with nothing but requestFrame() since the last one asks `planner` first:
   * a SharedFrame is sent with the same bytes to every screen of its key, undefined renders as usual.
   */
  setSharedFrames(planner: (() => SharedFrame | undefined) | undefined): void;
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
   * reading. The session hangs up; nothing more is queued for them meanwhile.
   */
  onStall?: () => void;
  stallMs?: number;
  /** The board's frame clock; a screen made without one gets its own. */
  clock?: FrameClock;
}

/** Resize events closer together than this make one re-layout. */
const RESIZE_TIMEOUT_MS = 50;

/**
 * TERM values handed to blessed as they are: each loads from the system terminfo or from
 * blessed's bundled copies (xterm, xterm-256color). Everything else — screen-256color (fails to
 * compile and prints to stderr), tmux-256color (ncurses 6 format blessed cannot parse), putty,
 * alacritty, kitty, anything with a '/', unknown names — becomes xterm-256color, which every
 * current terminal understands.
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
    ...(options.title === undefined ? {} : { title: visibleText(options.title) }),
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
  private readonly slot: FrameSlot;
  private planner: (() => SharedFrame | undefined) | undefined;
  private cursorAt: { x: number; y: number } | null = null;
  private rendering = false;
  private isDestroyed = false;
  private readonly onResize = () => this.relayout();

  constructor(
    private readonly terminal: Terminal,
    readonly term: string,
    readonly screen: blessed.Widgets.Screen,
    private readonly program: ProgramLike,
    private readonly blessedListeners: AddedListeners,
    report: (error: unknown) => void,
    options: BbsScreenOptions,
  ) {
    // blessed's own resize handler renders at once, into a full channel too; ours goes through requestRender.
    for (const listener of program.listeners('resize')) program.removeListener('resize', listener);
    program.on('resize', this.onResize);
    this.slot = (options.clock ?? createFrameClock()).join({
      output: terminal.output,
      shared: () => this.planner?.(),
      draw: () => this.draw(),
      onError: report,
      onStall: () => options.onStall?.(),
      stallMs: options.stallMs,
    });
  }

  get destroyed(): boolean {
    return this.isDestroyed;
  }

  requestRender(): void {
    if (!this.isDestroyed) this.slot.request(true);
  }

  requestFrame(): void {
    if (!this.isDestroyed) this.slot.request(false);
  }

  requestFrameSoon(): void {
    if (!this.isDestroyed) this.slot.requestSoon();
  }

  setSharedFrames(planner: (() => SharedFrame | undefined) | undefined): void {
    this.planner = planner;
  }

  setCursor(at: { x: number; y: number } | null): void {
    this.cursorAt = at;
    // Set while rendering (the input line places it as it paints): this render places it.
    if (!this.rendering) this.requestRender();
  }

  bell(): void {
    if (!this.isDestroyed) this.program.bell();
  }

  destroy(): void {
    if (this.isDestroyed) return;
    this.isDestroyed = true;
    this.slot.close();
    this.planner = undefined;
    clearTimeout(this.program._resizeTimer);
    this.program.removeListener('resize', this.onResize);
    closing(this.screen);
    try {
      this.screen.destroy(); // leaves the alternate screen, shows the cursor, destroys the program
    } finally {
      removeBlessedTraces(this.terminal, this.blessedListeners);
    }
  }

  private draw(): void {
    this.rendering = true;
    try {
      this.screen.render();
    } finally {
      this.rendering = false;
    }
    this.placeCursor();
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
