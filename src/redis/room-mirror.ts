/**
 * The shared room as one instance knows it from the room stream: who is seated (with their
 * presence as last changed) and who waits outside the full room. A room subscribing late hears
 * both before anything later.
 */
import { applyPresence, type Participant, type RoomEvent } from '../chat/roster.js';

export interface RoomMirror {
  /** The room as Redis had it when the instance started, before the stream's later entries. */
  load(seated: Participant[], waiting: Array<[userId: string, handle: string]>): void;
  /** One room event from the stream, in stream order. */
  hear(event: RoomEvent): void;
  /** What a room subscribing now hears first: everyone seated in join order, then who waits. */
  replay(): RoomEvent[];
}

export function createRoomMirror(): RoomMirror {
  const present = new Map<string, Participant>();
  const waiting = new Map<string, string>();

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
          return;
        case 'left':
          if (present.get(event.userId)?.seat === event.seat) present.delete(event.userId);
          return;
        case 'updated': {
          const participant = present.get(event.userId);
          if (participant?.seat === event.seat) applyPresence(participant, event.change);
          return;
        }
        case 'waiting':
          waiting.set(event.userId, event.handle);
          return;
        case 'stopped-waiting':
          waiting.delete(event.userId);
          return;
        default:
          return;
      }
    },
    replay: () => [
      ...[...present.values()].map((p): RoomEvent => ({ type: 'joined', participant: { ...p } })),
      ...[...waiting].map(([userId, handle]): RoomEvent => ({ type: 'waiting', userId, handle })),
    ],
  };
}
