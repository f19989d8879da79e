/**
 * One caller in the room: the glue between a typed line and the ChatManager. It parses, cleans,
 * rate-limits and executes; everything the caller should see comes out of `deliver`, in order, so
 * the screen around it stays a thin shell. It knows the room, not the screen.
 */

import type { ChatManager, Participant } from './chat-manager.js';
import { helpLines, parseCommand, type Command } from './commands.js';
import type { Directory } from './directory.js';
import { createModeration, type Moderator } from './moderation.js';
import type { ChatMessage, SystemMessage } from './messages.js';
import { createSendQueue, type Schedule } from './send-queue.js';
import { createSocial, NOT_A_HANDLE } from './social.js';
import { cleanLines, isValidHandle } from './text.js';
import { minutes, whoLines } from './who.js';

export interface MemberIdentity {
  userId: string;
  handle: string;
  node: number;
  isSysop: boolean;
  /** Their pager was off when they called (kept across calls). */
  pagerOff?: boolean;
}

export interface MemberOptions {
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
  /** The caller asked to leave (/quit, /q). The member has already left the room. */
  onQuit(): void;
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
   * outcome arrives through deliver (the error again, or the history followed by the join).
   */
  enter(): EnterResult;
  /** One typed line: parse, flood-check, execute. Ignored after leave(). */
  input(line: string): void;
  /** Unsubscribe and leave the room (the others hear it once). Final and idempotent. */
  leave(): void;
  /** A role change while on the board (the sysop made them a sysop, or took it away). */
  setSysop(sysop: boolean): void;
  readonly inRoom: boolean;
}

export const SLOW_DOWN = 'You are typing fast: your lines go out one by one, in order.';
export const NOT_SYSOP = 'Only the sysop can make announcements.';
export const NO_ONE_TO_REPLY = 'No one has sent you a private message yet.';
/** Said after "the room is full": a caller outside retries with any line. */
export const RETRY_HINT = 'Press Enter to try again, or type /quit.';
const LEFT_FOR_GOOD = 'You have left the room.';

type Sending = Extract<Command, { kind: 'say' | 'action' | 'msg' | 'reply' | 'page' | 'announce' }>;
/**
 * A line to send (with a note for the sender, e.g. "bob is away"), an error for this caller only,
 * or nothing at all (text that cleaned to empty).
 */
type Outgoing = { message: ChatMessage; note?: string } | { error: string } | undefined;

export function createMember(options: MemberOptions): Member {
  const { room, identity, now, deliver } = options;
  const queue = createSendQueue<ChatMessage>({ ...options.flood, now, schedule: options.schedule, send: (m) => room.broadcast(m) });
  let state: 'outside' | 'inside' | 'gone' = 'outside';
  let unsubscribe: (() => void) | undefined;
  /** Handle of whoever last sent this caller a direct message, for /r. */
  let lastSender: string | undefined;

  const isMe = (handle: string) => handle.toLowerCase() === identity.handle.toLowerCase();
  const tell = (text: string) => deliver(systemLine(text, now()));
  let sysop = identity.isSysop;
  const social = createSocial({ ...options, ...identity, tell });
  const moderate = createModeration({ ...options, handle: identity.handle, isSysop: () => sysop, tell });

  /** The room's listener for this caller: notes who last wrote to them (for /r), then shows it. */
  function hear(message: ChatMessage, held: ChatMessage[] | undefined): void {
    if (social.hides(message)) return;
    if (message.kind === 'direct' && isMe(message.to) && !isMe(message.from)) lastSender = message.from;
    if (held) held.push(message);
    else deliver(message);
  }

  function enter(): EnterResult {
    if (state === 'gone') return { ok: false, error: LEFT_FOR_GOOD };
    if (state === 'inside') return { ok: true, history: [], joined: [] };
    const history = room.recentHistory();
    // What arrives while joining (our own announcement) is held and returned rather than delivered,
    // so that the screen can show it after the history.
    const joined: ChatMessage[] = [];
    let entering = true;
    unsubscribe = room.subscribe((message) => hear(message, entering ? joined : undefined), {
      userId: identity.userId,
    });
    const result = room.join(identity.userId, identity.handle, {
      node: identity.node,
      ...(sysop ? { sysop: true } : {}),
      ...(identity.pagerOff ? { pagerOff: true } : {}),
    });
    entering = false;
    if (!result.ok) {
      unsubscribe();
      unsubscribe = undefined;
      return result;
    }
    state = 'inside';
    return { ok: true, history, joined };
  }

  function retryEnter(): void {
    const result = enter();
    if (!result.ok) return tell(`${result.error} ${RETRY_HINT}`);
    options.onEnter(result.history, result.joined);
  }

  function leave(): void {
    if (state === 'gone') return;
    const wasInside = state === 'inside';
    state = 'gone';
    queue.close();
    unsubscribe?.();
    unsubscribe = undefined;
    if (wasInside) room.leave(identity.userId);
  }

  function quit(): void {
    leave();
    options.onQuit();
  }

  function input(line: string): void {
    if (state === 'gone') return;
    const command = parseCommand(line);
    if (command.kind === 'quit') return quit();
    if (state === 'outside') return retryEnter();
    if (command.kind === 'empty') return;
    room.updatePresence(identity.userId, { lastActiveAt: now() });
    if (command.kind !== 'away') social.back();
    switch (command.kind) {
      case 'who':
        return whoLines(room.participants(), now()).forEach(tell);
      case 'whois':
        return social.whois(command.handle);
      case 'away':
        return social.away(command.reason);
      case 'ignore':
        return social.ignore(command.handle);
      case 'unignore':
        return social.unignore(command.handle);
      case 'pager':
        return social.pager(command.on);
      case 'kick':
      case 'mute':
      case 'unmute':
      case 'ban':
      case 'unban':
        return moderate(command);
      case 'help':
        return helpLines({ sysop }).forEach(tell);
      case 'usage':
      case 'unknown':
        return tell(command.message);
      default:
        return send(command, line);
    }
  }

  function send(command: Sending, line: string): void {
    const outgoing = compose(command);
    if (!outgoing) return;
    if ('error' in outgoing) return tell(outgoing.error);
    const mutedFor = mutedMs();
    if (mutedFor > 0) return tell(`You are muted for ${minutes(mutedFor)} more. Not sent: ${line}`);
    // Only lines that reach others count against the caller.
    const sent = queue.offer(outgoing.message);
    if (outgoing.note) tell(outgoing.note);
    switch (sent) {
      case 'queued':
        return tell(SLOW_DOWN);
      case 'full':
        room.updatePresence(identity.userId, { mutedUntil: now() + options.flood.muteMs });
        return tell(`You kept typing too fast: you are muted for ${minutes(options.flood.muteMs)}. Not sent: ${line}`);
    }
  }

  function mutedMs(): number {
    return Math.max(0, (room.participant(identity.userId)?.mutedUntil ?? 0) - now());
  }

  function compose(command: Sending): Outgoing {
    const from = identity.handle;
    const at = now();
    switch (command.kind) {
      case 'say':
        return withText(command.text, (text) => ({ kind: 'public', from, text, at }));
      case 'action':
        return withText(command.text, (text) => ({ kind: 'action', from, text, at }));
      case 'announce':
        if (!sysop) return { error: NOT_SYSOP };
        return withText(command.text, (text) => ({ kind: 'system', official: true, from, text, at }));
      case 'msg':
        return privately(command.to, command.text);
      case 'reply':
        if (lastSender === undefined) return { error: NO_ONE_TO_REPLY };
        if (!room.participantByHandle(lastSender)) return { error: `${lastSender} has left the room.` };
        return privately(lastSender, command.text);
      case 'page': {
        const target = findTarget(command.to, "You can't page yourself.");
        if ('error' in target) return target;
        const problem = social.pageProblem(target);
        if (problem) return { error: problem };
        return { message: { kind: 'page', from, to: target.handle, at }, note: social.noteFor(target) };
      }
    }
  }

  function privately(to: string, typed: string): Outgoing {
    const target = findTarget(to, "You can't send a private message to yourself.");
    if ('error' in target) return target;
    const outgoing = withText(typed, (text) => ({ kind: 'direct', from: identity.handle, to: target.handle, text, at: now() }));
    const note = social.noteFor(target);
    return outgoing && 'message' in outgoing && note ? { ...outgoing, note } : outgoing;
  }

  /** The typed text cleaned; nothing to send when it cleans to empty. */
  function withText(typed: string, make: (text: string) => ChatMessage): Outgoing {
    // A pasted block keeps its line breaks: one message, shown as several rows.
    const text = cleanLines(typed, options.maxMessageLength);
    return text ? { message: make(text) } : undefined;
  }

  /** Who a private line is for: someone else in the room, named by their handle as registered. */
  function findTarget(typed: string, toSelf: string): Participant | { error: string } {
    if (!isValidHandle(typed)) return { error: NOT_A_HANDLE };
    const target = room.participantByHandle(typed);
    if (!target) return { error: `No one called ${typed} is in the room.` };
    if (target.userId === identity.userId) return { error: toSelf };
    return target;
  }

  function setSysop(on: boolean): void {
    if (on === sysop) return;
    sysop = on;
    room.updatePresence(identity.userId, { sysop: on ? true : undefined });
    tell(on ? 'You are now a sysop: /help lists your commands.' : 'You are no longer a sysop.');
  }

  return {
    enter,
    input,
    leave,
    setSysop,
    get inRoom() {
      return state === 'inside';
    },
  };
}

function systemLine(text: string, at: number): SystemMessage {
  return { kind: 'system', text, official: false, at };
}
