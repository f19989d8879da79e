/**
 * One frame clock for every screen of a board process. A screen asks for a frame; the clock runs
 * one frame for every screen that asked and has not drawn in the last FRAME_MS, so each screen
 * draws at most once per FRAME_MS. In a frame each screen either offers a shared part (a key and
 * the bytes it would write, and maybe a few bytes of its own to follow them) or draws itself.
 * Screens whose keys match are sent the same bytes, made once: callers of one shape at the bottom
 * of the log see the same new rows. A screen whose channel holds more than RENDER_MARK unsent
 * bytes is skipped and drawn once, fresh, when it has emptied; one that stays full for stallMs is
 * reported as stalled.
 * It knows nothing of blessed: drawing is a callback, a channel only a writable stream with a backlog.
 * Made by the board's wiring, one per process, and handed to every screen.
 */
/** How long a caller may leave their channel full before they count as gone. */
export const STALL_MS = 60_000;

/** Unsent bytes on the channel above which frames wait for it to empty (a slow caller costs only itself). */
export const RENDER_MARK = 64 * 1024;

/**
 * Frames are at least this far apart. A burst of messages costs each screen one frame, and a
 * stream of them at most ~33 frames a second, whatever the message rate times the callers.
 */
export const FRAME_MS = 30;

/**
 * A line nobody is waiting for (someone joined or left) is drawn within this long, with whatever
 * else arrives meanwhile, instead of in the next frame. When a crowd arrives every screen in the
 * room would otherwise draw a frame of join lines every FRAME_MS: 33 writes a second to every
 * caller, each a packet sealed and sent, while the board is busiest letting the newcomers in.
 */
export const SOON_MS = 250;

export interface SharedFrame {
  /** Screens whose frames have equal keys this frame are sent the same bytes. */
  readonly key: string;
  /** The frame's bytes; asked of one screen per key. */
  bytes(): Buffer;
  /** Bytes for this screen alone (its own title bar), written right after the shared ones. */
  own?(): string;
  /** Brings the screen's own picture in step with the bytes written to its channel. */
  commit(): void;
}

export interface FrameMember {
  /** The caller's channel: its backlog is watched, and it emits 'drain'. */
  output: NodeJS.WritableStream & { writableLength: number };
  /** This frame's shared part, or undefined when the screen must draw itself. */
  shared(): SharedFrame | undefined;
  /** Draws the whole screen (its own damage diff). */
  draw(): void;
  /** A draw or a write that threw. */
  onError(error: unknown): void;
  /** The channel stayed over RENDER_MARK for `stallMs` (default STALL_MS). */
  onStall?: () => void;
  stallMs?: number;
}

export interface FrameSlot {
  /**
   * Asks for a frame. `full`: the screen must draw itself in it (something besides the log
   * changed). Requests before the frame runs make one frame.
   */
  request(full: boolean): void;
  /**
   * Asks for a frame within SOON_MS, for new log lines nobody is waiting for. The screens that
   * ask this way meet in one frame (sharing its bytes); any other request meanwhile draws sooner.
   */
  requestSoon(): void;
  /** Idempotent. No frame after this; stops listening to the channel. */
  close(): void;
}

export interface FrameClock {
  join(member: FrameMember): FrameSlot;
}

export function createFrameClock(): FrameClock {
  return new BoardFrameClock();
}

class BoardFrameClock implements FrameClock {
  private readonly due = new Set<Slot>();
  /** A frame due on the next tick. */
  private nextTick: NodeJS.Immediate | undefined;
  /** Screens that asked for a frame within SOON_MS, and the timer that will schedule them. */
  private readonly soon = new Set<Slot>();
  private soonTimer: NodeJS.Timeout | undefined;

  join(member: FrameMember): FrameSlot {
    return new Slot(member, {
      schedule: (slot) => this.schedule(slot),
      scheduleSoon: (slot) => this.scheduleSoon(slot),
      unschedule: (slot) => {
        this.due.delete(slot);
        this.soon.delete(slot);
      },
    });
  }

  /** One timer for the board: every screen that asks within SOON_MS of the first draws in the same frame. */
  private scheduleSoon(slot: Slot): void {
    if (this.due.has(slot)) return;
    this.soon.add(slot);
    this.soonTimer ??= setTimeout(() => {
      this.soonTimer = undefined;
      for (const waiting of [...this.soon]) this.schedule(waiting);
    }, SOON_MS).unref(); // a frame owed to no one must not keep an exiting process alive
  }

  /**
   * A screen that has not drawn for FRAME_MS draws on the next tick; one that drew more recently
   * waits until its own FRAME_MS is over. The cooling is per screen, not per board: a caller's
   * keystroke echo must not hold back the next line for everyone else. Screens that drew in one
   * frame cool down together, so they keep meeting in the same frames and sharing their bytes.
   */
  private schedule(slot: Slot): void {
    this.soon.delete(slot);
    this.due.add(slot);
    if (slot.cooling || this.nextTick) return;
    this.nextTick = setImmediate(() => {
      this.nextTick = undefined;
      this.run();
    });
  }

  /**
   * Runs a frame for the due screens that are not cooling; the others wait for their cooling to end.
   * Shared bytes go out, largest group first, before any screen draws itself: a screen drawing all
   * of itself (just resized, scrolled back, a form on top) takes many times a shared write, and the
   * screens at the bottom of the log must not wait behind it for the line they all share.
   */
  private run(): void {
    const groups = new Map<string, Array<{ slot: Slot; frame: SharedFrame }>>();
    const drawing: Slot[] = [];
    const drew: Slot[] = [];
    for (const slot of [...this.due]) {
      if (slot.cooling) continue;
      this.due.delete(slot);
      const frame = slot.frame();
      if (frame === 'held') continue;
      drew.push(slot);
      if (frame === 'failed') continue;
      if (frame === 'own') {
        drawing.push(slot);
        continue;
      }
      const group = groups.get(frame.key);
      if (group) group.push({ slot, frame });
      else groups.set(frame.key, [{ slot, frame }]);
    }
    // The largest groups first: a caller whose window has a shape of its own costs an encoding of
    // the new rows at that shape, and the many screens of the common shape must not wait for it.
    for (const group of [...groups.values()].sort((a, b) => b.length - a.length)) sendShared(group);
    for (const slot of drawing) slot.draw();
    if (drew.length > 0) this.coolDown(drew);
  }

  /** The screens drawn in one frame may draw again FRAME_MS later; those that asked meanwhile then do. */
  private coolDown(slots: Slot[]): void {
    for (const slot of slots) slot.cooling = true;
    setTimeout(() => {
      for (const slot of slots) slot.cooling = false;
      if (slots.some((slot) => this.due.has(slot))) this.run();
    }, FRAME_MS).unref();
  }
}

/** One frame's bytes, made by the first screen of the group, written to every one of them. */
function sendShared(group: Array<{ slot: Slot; frame: SharedFrame }>): void {
  let bytes: Buffer;
  try {
    bytes = group[0]!.frame.bytes();
  } catch (error) {
    for (const { slot } of group) slot.failed(error);
    return;
  }
  for (const { slot, frame } of group) slot.send(bytes, frame);
}

class Slot implements FrameSlot {
  private full = true;
  /** Drew less than FRAME_MS ago: a request now waits for the end of its cooling. */
  cooling = false;
  private waitingForDrain = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly onDrain = () => this.drained();

  constructor(
    private readonly member: FrameMember,
    private readonly clock: {
      schedule(slot: Slot): void;
      scheduleSoon(slot: Slot): void;
      unschedule(slot: Slot): void;
    },
  ) {
    member.output.on('drain', this.onDrain);
  }

  request(full: boolean): void {
    if (this.closed) return;
    this.full ||= full;
    if (!this.waitingForDrain) this.clock.schedule(this);
  }

  requestSoon(): void {
    if (!this.closed && !this.waitingForDrain) this.clock.scheduleSoon(this);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clock.unschedule(this);
    clearTimeout(this.stallTimer);
    this.member.output.removeListener('drain', this.onDrain);
  }

  /** This frame: held back, its shared part to be sent with its group's, or drawn by itself ('own'). */
  frame(): SharedFrame | 'own' | 'held' | 'failed' {
    if (this.closed) return 'held';
    if (this.member.output.writableLength > RENDER_MARK) {
      this.holdBack();
      return 'held';
    }
    if (this.full) return 'own';
    try {
      return this.member.shared() ?? 'own';
    } catch (error) {
      // Runs from the clock's timer: a throw here would be an uncaught exception for the whole board.
      this.failed(error);
      return 'failed';
    }
  }

  draw(): void {
    if (this.closed) return;
    this.full = false;
    try {
      this.member.draw();
    } catch (error) {
      this.failed(error);
    }
  }

  send(bytes: Buffer, frame: SharedFrame): void {
    if (this.closed) return;
    try {
      const own = frame.own?.();
      // One write: each is a packet sealed and sent.
      this.member.output.write(own ? Buffer.concat([bytes, Buffer.from(own)]) : bytes);
      frame.commit();
    } catch (error) {
      this.failed(error);
    }
  }

  failed(error: unknown): void {
    this.member.onError(error);
  }

  /**
   * Waits for the channel to empty, then draws fresh. Node emits 'drain' only after a write()
   * returned false, that is above the channel's own high-water mark (2 MiB in ssh2), which the
   * clock keeps it from ever reaching: so an empty write marks the end of the queue, and its
   * callback says when everything before it has gone. 'drain' still counts when it does come.
   */
  private holdBack(): void {
    this.full = true;
    this.stallTimer ??= setTimeout(() => this.member.onStall?.(), this.member.stallMs ?? STALL_MS);
    if (this.waitingForDrain) return;
    this.waitingForDrain = true;
    const { output } = this.member;
    output.write('', (error?: Error | null) => {
      if (!error && output.writableLength <= RENDER_MARK) this.drained();
    });
  }

  private drained(): void {
    if (!this.waitingForDrain) return;
    this.waitingForDrain = false;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.request(true);
  }
}
