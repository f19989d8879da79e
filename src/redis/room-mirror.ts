/**
 * What one instance knows of the shared room, kept from the room stream: who is seated (with their
 * presence as last changed), who waits outside the full room, and which of those are this
 * instance's own callers. A room subscribing late hears the first two before anything later; the
 * own ones are what the instance puts back when Redis restarted empty.
 */
import { applyPresence, type Participant, type RoomEvent } from '../chat/roster.js';

/** A seat one of this instance's callers holds: the record as Redis keeps it (JSON, no seat). */
export interface HeldSeat {
  seat: string;
  json: string;
  handle: string;
}

export interface RoomMirror {
  /** The room as Redis had it when the instance started, before the stream's later entries. */
  load(seated: Participant[], waiting: Array<[userId: string, handle: string]>): void;
  /** One room event from the stream, in stream order. */
  hear(event: RoomEvent): void;
  /** What a room subscribing now hears first: everyone seated in join order, then who waits. */
  replay(): RoomEvent[];
  /** This instance's caller took a seat. */
  held(userId: string, seat: HeldSeat): void;
  /** This instance's caller gave this seat back (an older seat of theirs changes nothing). */
  gaveBack(userId: string, seat: string): void;
  /** This instance's caller waits outside (handle), or no longer does (undefined). */
  waits(userId: string, handle: string | undefined): void;
  /** What this instance's callers hold in the room, for the rejoin script. */
  holdings(): { seats: Array<[string, string, string, string]>; waiting: Array<[string, string]> };
}

export function createRoomMirror(): RoomMirror {
  const present = new Map<string, Participant>();
  const waiting = new Map<string, string>();
  const seats = new Map<string, HeldSeat>();
  const ownWaiting = new Map<string, string>();

  function gaveBack(userId: string, seat: string): void {
    if (seats.get(userId)?.seat === seat) seats.delete(userId);
  }

  function updated(userId: string, seat: string, change: Parameters<typeof applyPresence>[1]): void {
    const participant = present.get(userId);
    if (participant?.seat === seat) applyPresence(participant, change);
    const own = seats.get(userId);
    if (own?.seat !== seat) return;
    // Kept current so that a seat put back after a Redis restart carries the presence it had.
    const record = JSON.parse(own.json) as Participant;
    applyPresence(record, change);
    own.json = JSON.stringify(record);
  }

  return {
    load(seated, waiters) {
      for (const p of [...seated].sort((a, b) => a.joinedAt - b.joinedAt)) present.set(p.userId, p);
      for (const [userId, handle] of waiters) waiting.set(userId, handle);
    },
    hear(event) {
      switch (event.type) {
        case 'joined':
          present.set(event.participant.userId, { ...event.participant });
          waiting.delete(event.participant.userId);
          ownWaiting.delete(event.participant.userId);
          return;
        case 'left':
          if (present.get(event.userId)?.seat === event.seat) present.delete(event.userId);
          return gaveBack(event.userId, event.seat);
        case 'updated':
          return updated(event.userId, event.seat, event.change);
        case 'waiting':
          waiting.set(event.userId, event.handle);
          return;
        case 'stopped-waiting':
          waiting.delete(event.userId);
          ownWaiting.delete(event.userId);
          return;
        default:
          return;
      }
    },
    replay: () => [
      ...[...present.values()].map((p): RoomEvent => ({ type: 'joined', participant: { ...p } })),
      ...[...waiting].map(([userId, handle]): RoomEvent => ({ type: 'waiting', userId, handle })),
    ],
    held: (userId, seat) => void seats.set(userId, seat),
    gaveBack,
    waits(userId, handle) {
      if (handle === undefined) ownWaiting.delete(userId);
      else ownWaiting.set(userId, handle);
    },
    holdings: () => ({
      seats: [...seats].map(([userId, s]) => [userId, s.seat, s.json, s.handle]),
      waiting: [...ownWaiting],
    }),
  };
}
