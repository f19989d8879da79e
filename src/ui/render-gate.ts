/**
 * Decides when one caller's screen may be drawn: at most once per FRAME_MS, never while their
 * channel holds more than RENDER_MARK unsent bytes, and once, fresh, when it has emptied. A caller
 * who leaves the channel full for too long is reported as stalled. It knows nothing of blessed:
 * drawing is a callback, and the channel is only a writable stream with a backlog.
 */

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

export interface RenderGateOptions {
  /** The caller's channel: its backlog is watched, and it emits 'drain'. */
  output: NodeJS.WritableStream & { writableLength: number };
  /** Draws the screen. */
  draw: () => void;
  /** A draw that threw. */
  onError: (error: unknown) => void;
  /** The channel stayed over RENDER_MARK for `stallMs` (default STALL_MS). */
  onStall?: () => void;
  stallMs?: number;
}

export class RenderGate {
  /** A render due on the next tick. */
  private renderTimer: NodeJS.Immediate | undefined;
  /** Runs from the end of a render for FRAME_MS; requests meanwhile set renderDue. */
  private frameTimer: NodeJS.Timeout | undefined;
  private renderDue = false;
  private waitingForDrain = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly onDrain = () => this.drained();

  constructor(private readonly options: RenderGateOptions) {
    options.output.on('drain', this.onDrain);
  }

  /**
   * The first request after a quiet spell renders on the next tick; requests within FRAME_MS of
   * a render make one render when that frame ends.
   */
  request(): void {
    if (this.closed || this.renderTimer) return;
    if (this.frameTimer) {
      this.renderDue = true;
      return;
    }
    this.renderTimer = setImmediate(() => {
      this.renderTimer = undefined;
      this.renderNow();
    });
  }

  /** Idempotent. Cancels every timer and stops listening to the channel. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.renderTimer) clearImmediate(this.renderTimer);
    this.renderTimer = undefined;
    clearTimeout(this.frameTimer);
    this.frameTimer = undefined;
    this.renderDue = false;
    clearTimeout(this.stallTimer);
    this.options.output.removeListener('drain', this.onDrain);
  }

  private renderNow(): void {
    if (this.closed) return;
    if (this.options.output.writableLength > RENDER_MARK) return this.holdBack();
    try {
      this.options.draw();
    } catch (error) {
      // Runs from setImmediate or a timer: a throw here would be an uncaught exception for the whole board.
      this.options.onError(error);
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
    const { output } = this.options;
    output.write('', (error?: Error | null) => {
      if (!error && output.writableLength <= RENDER_MARK) this.drained();
    });
  }

  private drained(): void {
    if (!this.waitingForDrain) return;
    this.waitingForDrain = false;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.request();
  }
}
