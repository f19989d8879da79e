/**
 * A caller kept outside a full room: private lines and pages still reach them, they hear when the
 * head count changes and when a seat comes free, and what they say meanwhile is kept (up to a
 * limit) to be said on the way in, never dropped.
 */
import type { ChatManager } from './chat-manager.js';
import { isPrivate, type ChatMessage } from './messages.js';

export const SEAT_FREE = 'A seat in the room is free: press Enter to come in.';

export interface DoorwayOptions {
  room: ChatManager;
  /** Lines kept at most. */
  maxHeld: number;
  isMe(handle: string): boolean;
  deliver(message: ChatMessage): void;
  tell(text: string): void;
  /** A direct message from someone else arrived: they are whom /r answers. */
  onDirectFrom(handle: string): void;
  /** Someone came or went, so the head count changed. */
  onRoomChange?(): void;
}

export interface Doorway {
  /** Room traffic while outside: only what concerns a caller outside gets through. */
  hear(message: ChatMessage): void;
  /** Keeps a line to say on the way in; false (and the caller is told) when the limit is reached. */
  hold(line: string): boolean;
  /** The kept lines, in order, handed over once. */
  takeHeld(): string[];
}

export function createDoorway(options: DoorwayOptions): Doorway {
  const { room, tell } = options;
  const held: string[] = [];
  return {
    hear(message) {
      if (isPrivate(message)) {
        if (message.kind === 'direct' && !options.isMe(message.from)) options.onDirectFrom(message.from);
        return options.deliver(message);
      }
      if (message.kind !== 'join' && message.kind !== 'leave') return;
      options.onRoomChange?.();
      if (message.kind === 'leave' && room.participantCount() < room.capacity) tell(SEAT_FREE);
    },
    hold(line) {
      if (held.length >= options.maxHeld) {
        tell(`You are not in the room yet, and ${held.length} lines already wait. Not kept: ${line}`);
        return false;
      }
      held.push(line);
      tell(`You are not in the room yet: your line will be said when you get in (${held.length} waiting).`);
      return true;
    },
    takeHeld: () => held.splice(0),
  };
}
