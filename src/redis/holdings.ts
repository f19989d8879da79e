/**
 * What this instance's callers hold in Redis — seats, waits outside the full room, nodes,
 * accounts' sessions — kept here as well: it is what the instance puts back when Redis restarts
 * empty, and how it finds the session that Redis says must end. Entries go when the caller gives
 * them back or the room hears them go.
 */
import { applyPresence, type Participant, type RoomEvent } from '../chat/roster.js';
import type { CallerHandle } from '../nodes/lines.js';

export interface HeldSeat {
  seat: string;
  /** The participant as stored in Redis (without its seat), presence changes included. */
  json: string;
  handle: string;
}

export class Holdings {
  /** By user id. */
  readonly seats = new Map<string, HeldSeat>();
  /** This instance's callers kept outside the full room: user id → handle. */
  readonly waiting = new Map<string, string>();
  readonly nodes = new Set<number>();
  /** user id → "instance|session key", as Redis holds the account's one session. */
  private readonly accounts = new Map<string, string>();
  private readonly sessions = new Map<string, CallerHandle>();
  private readonly keys = new Map<CallerHandle, string>();
  private next = 1;

  constructor(private readonly instance: string) {}

  /** A seat id no other instance makes, whatever Redis remembers. */
  newSeat(): string {
    return `${this.instance}#${this.next++}`;
  }

  /** The caller gave this seat back (an older seat of theirs changes nothing). */
  gaveBack(userId: string, seat: string): void {
    if (this.seats.get(userId)?.seat === seat) this.seats.delete(userId);
  }

  /** A room event from the stream, as far as it changes what this instance's callers hold. */
  hear(event: RoomEvent): void {
    if (event.type === 'left') this.gaveBack(event.userId, event.seat);
    if (event.type === 'joined') this.waiting.delete(event.participant.userId);
    if (event.type === 'stopped-waiting') this.waiting.delete(event.userId);
    if (event.type !== 'updated') return;
    const held = this.seats.get(event.userId);
    if (held?.seat !== event.seat) return;
    // Kept current so that a seat put back after a Redis restart carries the presence it had.
    const record = JSON.parse(held.json) as Participant;
    applyPresence(record, event.change);
    held.json = JSON.stringify(record);
  }

  /** This session holds the account now → the value Redis keeps for it. */
  claim(userId: number, caller: CallerHandle): string {
    const key = this.keys.get(caller) ?? String(this.next++);
    this.keys.set(caller, key);
    this.sessions.set(key, caller);
    const value = `${this.instance}|${key}`;
    this.accounts.set(String(userId), value);
    return value;
  }

  /** The session gives the account back → the value to release in Redis, if it had claimed one. */
  release(userId: number, caller: CallerHandle): string | undefined {
    const key = this.keys.get(caller);
    if (key === undefined) return undefined;
    this.keys.delete(caller);
    this.sessions.delete(key);
    const value = `${this.instance}|${key}`;
    if (this.accounts.get(String(userId)) === value) this.accounts.delete(String(userId));
    return value;
  }

  session(key: string): CallerHandle | undefined {
    return this.sessions.get(key);
  }

  allSessions(): CallerHandle[] {
    return [...this.sessions.values()];
  }

  /** What the rejoin script takes. */
  toJson(): string {
    const seats = [...this.seats].map(([userId, s]) => [userId, s.seat, s.json, s.handle]);
    return JSON.stringify({ seats, waiting: [...this.waiting], nodes: [...this.nodes], accounts: [...this.accounts] });
  }
}
