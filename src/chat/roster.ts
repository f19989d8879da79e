/**
 * Who is in the room, decided in one place: the capacity, one handle once, and a seat per
 * participant. Whatever holds the room's authority (the in-process bus, the primary process of a
 * board with workers, later a shared store) runs this and hands the events it returns to every
 * room in one order. Pure: no clock of its own (the joiner stamps its record), no I/O.
 */

import type { ChatMessage } from './messages.js';

/**
 * What others may know of a participant beyond their name. It lives on the participant record (not
 * in a session) so that it travels with it wherever the room's member list is kept.
 */
export interface Presence {
  sysop?: boolean;
  /** Set by /away; cleared by the next line they type. */
  away?: { reason: string; since: number };
  /** Milliseconds since the epoch until which their lines do not reach the room. */
  mutedUntil?: number;
  /** Pages are not rung for them (/pager off). */
  pagerOff?: boolean;
  /** When they last typed a line (milliseconds since the epoch; joinedAt until then); for idle times. */
  lastActiveAt?: number;
}

/**
 * A change to some presence fields: null clears one. Null rather than undefined because the
 * change crosses processes as JSON, which drops a key whose value is undefined.
 */
export type PresenceChange = { [K in keyof Presence]?: Presence[K] | null };

/**
 * One participant as every instance sees it. Records travel whole between instances at join, and
 * presence changes after it travel as 'updated' events.
 */
export interface Participant extends Presence {
  userId: string;
  handle: string;
  node?: number;
  /** Milliseconds since the epoch, from the joiner's clock. */
  joinedAt: number;
  /** Which seat this is: a later session of the same account takes a new one. */
  seat?: string;
}

export type JoinResult = { ok: true } | { ok: false; error: string };
export type SeatResult = { ok: true; seat: string } | { ok: false; error: string };

/** What every room on a bus hears, in the same order everywhere. */
export type RoomEvent =
  | { type: 'message'; message: ChatMessage }
  | { type: 'joined'; participant: Participant }
  | { type: 'left'; userId: string; seat: string }
  | { type: 'updated'; userId: string; seat: string; change: PresenceChange }
  /** Kept outside a full room (or no longer): private lines and pages still reach them. */
  | { type: 'waiting'; userId: string; handle: string }
  | { type: 'stopped-waiting'; userId: string }
  /** A line from the board to one caller only, on whichever instance they are. */
  | { type: 'notice'; userId: string; text: string; at: number };

export const ROOM_FULL = 'Chat room is at capacity. Please try again later.';

export class Roster {
  /** By user id, in join order. */
  private readonly seated = new Map<string, Participant & { seat: string }>();
  /** Lower-cased handle → user id. */
  private readonly handles = new Map<string, string>();
  private nextSeat = 1;
  /** Callers kept outside a full room: user id → handle. */
  private readonly waiting = new Map<string, string>();

  constructor(private readonly seatPrefix = 's') {}

  /**
   * Seat a participant. The same account seated elsewhere is moved here (its old seat leaves
   * first: the later login wins); otherwise capacity and handle uniqueness decide.
   */
  seat(participant: Participant, capacity: number): { result: SeatResult; events: RoomEvent[] } {
    const events: RoomEvent[] = [];
    const earlier = this.seated.get(participant.userId);
    if (earlier) events.push(...this.unseat(earlier.userId, earlier.seat, participant.joinedAt));
    const fail = (error: string) => ({ result: { ok: false as const, error }, events });
    if (this.seated.size >= capacity) return fail(ROOM_FULL);
    if (this.handles.has(participant.handle.toLowerCase())) return fail(`Someone called ${participant.handle} is already in the room.`);
    const seat = `${this.seatPrefix}${this.nextSeat++}`;
    const record = { ...participant, seat };
    this.seated.set(record.userId, record);
    this.handles.set(record.handle.toLowerCase(), record.userId);
    // Every room stops counting them as waiting when it hears 'joined'.
    this.waiting.delete(record.userId);
    events.push({ type: 'joined', participant: { ...record } });
    events.push({ type: 'message', message: { kind: 'join', handle: record.handle, at: record.joinedAt } });
    return { result: { ok: true, seat }, events };
  }

  /** Give a seat back: the room hears "has left" once. An old or unknown seat does nothing. */
  unseat(userId: string, seat: string, at: number): RoomEvent[] {
    const participant = this.seated.get(userId);
    if (!participant || participant.seat !== seat) return [];
    this.seated.delete(userId);
    this.handles.delete(participant.handle.toLowerCase());
    return [
      { type: 'left', userId, seat },
      { type: 'message', message: { kind: 'leave', handle: participant.handle, at } },
    ];
  }

  /** A seated participant's presence changed: every room hears it. An old or unknown seat does nothing. */
  update(userId: string, seat: string, change: PresenceChange): RoomEvent[] {
    const participant = this.seated.get(userId);
    if (!participant || participant.seat !== seat) return [];
    applyPresence(participant, change);
    return [{ type: 'updated', userId, seat, change: { ...change } }];
  }

  /** Someone not seated waits outside the full room. */
  wait(userId: string, handle: string): RoomEvent[] {
    if (this.seated.has(userId)) return [];
    this.waiting.set(userId, handle);
    return [{ type: 'waiting', userId, handle }];
  }

  stopWaiting(userId: string): RoomEvent[] {
    return this.waiting.delete(userId) ? [{ type: 'stopped-waiting', userId }] : [];
  }

  /** Everyone seated, in join order (copies): what a room starting late needs to hear. */
  participants(): Participant[] {
    return [...this.seated.values()].map((p) => ({ ...p }));
  }

  /** Everyone waiting outside: what a room starting late needs to hear too. */
  waiters(): RoomEvent[] {
    return [...this.waiting].map(([userId, handle]) => ({ type: 'waiting', userId, handle }));
  }
}

/** Sets the fields a change gives and clears those it gives as null. */
export function applyPresence(presence: Presence, change: PresenceChange): void {
  for (const [key, value] of Object.entries(change) as Array<[keyof Presence, unknown]>) {
    if (value === null || value === undefined) delete presence[key];
    else Object.assign(presence, { [key]: value });
  }
}
