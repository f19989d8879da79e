/**
 * What travels through the teleconference. Every message is stamped with the time it was made
 * (milliseconds since the epoch, from the injected clock). Text in a message has already been
 * cleaned by `text.ts`: nothing here carries control characters or escape sequences, but for the
 * "\n" between the lines of a pasted block.
 */
import type { HandleColor } from './handle-color.js';

export interface Stamped {
  /** Milliseconds since the epoch. */
  at: number;
}

/** `[HH:MM] Handle: text` — a line said to the whole room. */
export interface PublicMessage extends Stamped {
  kind: 'public';
  from: string;
  text: string;
  /** The colour its sender chose with /color; none: the handle's default colour. */
  color?: HandleColor;
}

/** `* Handle waves` — from `/me waves`. */
export interface ActionMessage extends Stamped {
  kind: 'action';
  from: string;
  text: string;
  color?: HandleColor;
}

/** A line from the board itself (yellow). `official` marks the sysop's `/announce`, shown as SysOp. */
export interface SystemMessage extends Stamped {
  kind: 'system';
  text: string;
  official: boolean;
  /** Who made an official announcement (for the log); not shown — announcements show as SysOp. */
  from?: string;
}

/** `/msg handle text`: delivered to its two parties only. */
export interface DirectMessage extends Stamped {
  kind: 'direct';
  from: string;
  to: string;
  text: string;
}

export interface JoinMessage extends Stamped {
  kind: 'join';
  handle: string;
}

export interface LeaveMessage extends Stamped {
  kind: 'leave';
  handle: string;
}

/** `/page handle`: rings the receiver's bell; delivered to its two parties only. */
export interface PageMessage extends Stamped {
  kind: 'page';
  from: string;
  to: string;
}

export type ChatMessage =
  | PublicMessage
  | ActionMessage
  | SystemMessage
  | DirectMessage
  | JoinMessage
  | LeaveMessage
  | PageMessage;

export type ChatMessageKind = ChatMessage['kind'];

/** Messages meant for two parties only; never handed to anyone else's listener. */
export function isPrivate(message: ChatMessage): message is DirectMessage | PageMessage {
  return message.kind === 'direct' || message.kind === 'page';
}

/** Messages kept in the room's recent history and replayed to newcomers. */
export function isReplayable(message: ChatMessage): boolean {
  return message.kind === 'public' || message.kind === 'action' || (message.kind === 'system' && message.official);
}
