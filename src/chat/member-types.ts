/**
 * What a Member is and what it is made of: the contract between one caller's glue (member.ts) and
 * the session that makes it. Kept apart so member.ts holds only behaviour.
 */
import type { ChatManager } from './chat-manager.js';
import type { Command } from './commands.js';
import type { ComposerOptions } from './compose.js';
import type { Directory } from './directory.js';
import type { ChatMessage } from './messages.js';
import type { Moderator } from './moderation.js';
import type { Schedule } from './send-queue.js';

export type AccountCommand = Extract<Command, { kind: 'passwd' | 'keys' | 'tz' | 'color' }>;

export interface MemberIdentity {
  userId: string;
  handle: string;
  node: number;
  isSysop: boolean;
  /** Their pager was off when they called (kept across calls). */
  pagerOff?: boolean;
  /** Handles (as registered) they ignore, kept across calls; read before the member is made. */
  ignored?: readonly string[];
}

/** handleColor: the colour the caller chose (/color), stamped on what they say. */
export interface MemberOptions extends Pick<ComposerOptions, 'handleColor'> {
  room: ChatManager;
  identity: MemberIdentity;
  /** In code points, after cleaning. */
  maxMessageLength: number;
  /**
   * Lines over `perSecond` (after a `burst`) wait in a queue of up to `maxQueued`; one more and the
   * caller is muted for `muteMs`.
   */
  flood: { burst: number; perSecond: number; maxQueued: number; muteMs: number };
  now: () => number;
  /** Timers, for lines that wait their turn. */
  schedule: Schedule;
  /** Other accounts, and what this caller keeps across calls. */
  directory: Directory;
  /** A second page to the same person within this is refused. */
  pageCooldownMs: number;
  /** What sysops' /kick, /ban and the like do beyond the room. */
  moderator: Moderator;
  /**
   * Everything this caller should see, in order: room traffic, their private messages, and local
   * replies (help, who, errors, "slow down") as system messages with `official: false`. A direct
   * message or page arrives for both its parties: the sender's copy is their confirmation.
   */
  deliver(message: ChatMessage): void;
  /**
   * A caller who was kept out by a full room got in on a later line: what to show, as enter()
   * would have returned it (the first enter() returns it instead of calling this).
   */
  onEnter(history: ChatMessage[], joined: ChatMessage[]): void;
  /**
   * /passwd, /keys, /tz and /color: the caller's own account, handled where accounts are kept. A promise
   * holds the caller's later lines until it settles, as a directory call does.
   */
  onAccount(command: AccountCommand): void | Promise<void>;
  /** Outside a full room: someone came or went, so the head count changed. */
  onRoomChange?(): void;
  /** The caller asked to leave (/quit, /q). The member has already left the room. */
  onQuit(): void;
  /** A command's directory or moderator call failed (an I/O failure or a bug); the caller was told it did not work. */
  onError(error: unknown): void;
}

/**
 * `history`: what to show as earlier messages. `joined`: what the room said about this arrival
 * (the caller's own join announcement), to show after the history. enter() itself never calls
 * deliver, so the screen decides the order.
 */
export type EnterResult = { ok: true; history: ChatMessage[]; joined: ChatMessage[] } | { ok: false; error: string };

export interface Member {
  /**
   * Subscribe and join. Entering again while in the room is a no-op (nothing new to show). When the
   * room is full the member stays outside: then /quit quits and any other line tries again, and the
   * outcome arrives through deliver (the error again, or the history followed by the join). Lines
   * typed while a seat is being asked for are not taken as another try.
   */
  enter(): Promise<EnterResult>;
  /**
   * One typed line: parse, flood-check, execute. Ignored after leave(). A line to the room is
   * handled at once; a command that asks the directory settles later, and lines typed meanwhile
   * wait their turn, so replies come in the order of the lines. Resolves when this line is handled;
   * never rejects (a failure goes to onError).
   */
  input(line: string): Promise<void>;
  /** Unsubscribe and leave the room (the others hear it once). Final and idempotent. */
  leave(): void;
  /**
   * Private lines and pages kept while this caller was away: "2 messages while you were away", then
   * each, leaving out those from people they ignore.
   */
  deliverWaiting(messages: readonly ChatMessage[]): void;
  /** A role change while on the board (the sysop made them a sysop, or took it away). */
  setSysop(sysop: boolean): void;
  readonly inRoom: boolean;
}
