/**
 * One caller in the room: the glue between a typed line and the ChatManager. It parses, cleans,
 * rate-limits and executes; everything the caller should see comes out of `deliver`, in order, so
 * the screen around it stays a thin shell. It knows the room, not the screen.
 */

import { helpLines, parseCommand, type Command } from './commands.js';
import { createComposer, type Outgoing, type Sending } from './compose.js';
import { createModeration } from './moderation.js';
import { createDoorway } from './doorway.js';
import type { ChatMessage, SystemMessage } from './messages.js';
import { inOrder, type Handled } from './line-order.js';
import { createSendQueue } from './send-queue.js';
import { createSocial } from './social.js';
import { cleanText } from './safe-text.js';
import { lastLines, minutes, usersLines, whoLines } from './who.js';
import type { Member, MemberOptions, EnterResult } from './member-types.js';

export type { AccountCommand, EnterResult, Member, MemberIdentity, MemberOptions } from './member-types.js';

export const SLOW_DOWN = 'You are typing fast: your lines go out one by one, in order.';
export const FAILED = 'Sorry, that did not work just now. Please try again.';
/** Said after "the room is full": a caller outside retries with Enter. */
export const RETRY_HINT = 'Press Enter to try again, or type /quit.';
const LEFT_FOR_GOOD = 'You have left the room.';
/** Lines /last and /users show at most. */
const LIST_LIMIT = 20;

type State = 'outside' | 'joining' | 'inside' | 'gone';

export function createMember(options: MemberOptions): Member {
  const { room, identity, now, deliver } = options;
  const queue = createSendQueue<ChatMessage>({ ...options.flood, now, schedule: options.schedule, send: (m) => room.broadcast(m) });
  let state: State = 'outside';
  let unsubscribe: (() => void) | undefined;
  /** Handle of whoever last sent this caller a direct message, for /r. */
  let lastSender: string | undefined;
  /** Messages heard while joining; undefined otherwise. */
  let joining: ChatMessage[] | undefined;

  const isMe = (handle: string) => handle.toLowerCase() === identity.handle.toLowerCase();
  // A reply that comes after the caller left (its line waited for the directory) has no one to reach.
  const tell = (text: string) => void (state !== 'gone' && deliver(systemLine(text, now())));
  let sysop = identity.isSysop;
  const social = createSocial({ ...options, ...identity, ignored: identity.ignored ?? [], tell });
  const moderate = createModeration({ ...options, handle: identity.handle, isSysop: () => sysop, tell });
  const compose = createComposer({ ...options, ...identity, social, isSysop: () => sysop, lastSender: () => lastSender });
  const doorway = createDoorway({ ...options, maxHeld: options.flood.maxQueued, isMe, tell, onDirectFrom: (h) => (lastSender = h) });

  /** The room's listener for this caller: notes who last wrote to them (for /r), then shows it. */
  function hear(message: ChatMessage): void {
    if (social.hides(message)) return;
    if (state === 'outside') return doorway.hear(message);
    if (message.kind === 'direct' && isMe(message.to) && !isMe(message.from)) lastSender = message.from;
    if (joining) joining.push(message);
    else deliver(message);
  }

  async function enter(): Promise<EnterResult> {
    if (state === 'gone') return { ok: false, error: LEFT_FOR_GOOD };
    if (state === 'inside' || state === 'joining') return { ok: true, history: [], joined: [] };
    state = 'joining';
    const history = room.recentHistory();
    unsubscribe ??= room.subscribe(hear, { userId: identity.userId });
    // What arrives while joining (our own announcement, and anything said meanwhile) is held and
    // returned rather than delivered, so that the screen can show it after the history.
    const joined: ChatMessage[] = (joining = []);
    const result = await room.join(identity.userId, identity.handle, {
      node: identity.node,
      ...(sysop ? { sysop: true } : {}),
      ...(identity.pagerOff ? { pagerOff: true } : {}),
    });
    joining = undefined;
    if ((state as State) === 'gone') {
      // Left while the seat was being decided: give it straight back.
      room.leave(identity.userId);
      return { ok: false, error: LEFT_FOR_GOOD };
    }
    if (!result.ok) {
      state = 'outside';
      room.waitOutside(identity.userId, identity.handle);
      // Of what was heard while asking, only what reaches a caller outside.
      for (const message of joined) doorway.hear(message);
      return result;
    }
    state = 'inside';
    return { ok: true, history, joined };
  }

  async function retryEnter(): Promise<void> {
    const result = await enter();
    if (state === 'gone') return;
    if (!result.ok) return tell(`${result.error} ${RETRY_HINT}`);
    options.onEnter(result.history, result.joined);
    for (const line of doorway.takeHeld()) input(line);
  }

  /** A line said outside the full room is kept and said on the way in, never dropped. */
  function holdOutside(line: string): void {
    // While a seat is being asked for, the answer to that ask says the held lines.
    if (doorway.hold(line) && state === 'outside') void retryEnter();
  }

  function leave(): void {
    if (state === 'gone') return;
    state = 'gone';
    queue.close();
    unsubscribe?.();
    unsubscribe = undefined;
    room.leave(identity.userId);
  }

  function quit(): void {
    leave();
    options.onQuit();
  }

  const failed = (error: unknown) => {
    tell(FAILED);
    options.onError(error);
  };
  const inTurn = inOrder<{ command: Command; line: string }>(({ command, line }) => handle(command, line), failed);

  function input(line: string): Promise<void> {
    const command = parseCommand(line);
    // The password question must be open before the next typed line is read, or that line (the
    // password) would go to the room: /passwd never waits behind a line still being handled.
    if (command.kind === 'passwd') return Promise.resolve(handle(command, line)).catch(failed);
    return inTurn({ command, line });
  }

  function handle(command: Command, line: string): Handled {
    if (state === 'gone') return;
    if (command.kind === 'quit') return quit();
    if (state === 'outside' && command.kind === 'empty') return void retryEnter();
    if (state !== 'inside' && (command.kind === 'say' || command.kind === 'action' || command.kind === 'announce')) {
      return holdOutside(line);
    }
    if (command.kind === 'empty') return;
    social.active();
    if (command.kind !== 'away') social.back();
    switch (command.kind) {
      case 'who':
        return whoLines(room.participants(), now()).forEach(tell);
      case 'whois':
        return social.whois(command.handle);
      case 'passwd':
      case 'keys':
      case 'tz':
      case 'color':
        return options.onAccount(command);
      case 'last':
        return options.directory.recentCalls(LIST_LIMIT).then((calls) => lastLines(calls).forEach(tell));
      case 'users':
        return options.directory
          .accounts()
          .then((accounts) => usersLines(accounts, (h) => room.participantByHandle(h) !== undefined, LIST_LIMIT).forEach(tell));
      case 'away':
        return social.away(cleanText(command.reason, options.maxMessageLength));
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
        // Reasons reach other callers' screens and the banned caller's terminal: cleaned like a line.
        return moderate('reason' in command ? { ...command, reason: cleanText(command.reason, options.maxMessageLength) } : command);
      case 'help':
        return helpLines({ sysop }).forEach(tell);
      case 'usage':
      case 'unknown':
        return tell(command.message);
      default:
        return send(command, line);
    }
  }

  function send(command: Sending, line: string): Handled {
    // Before composing: composing a message to someone absent already stores it.
    const mutedFor = mutedMs();
    if (mutedFor > 0) return tell(`You are muted for ${minutes(mutedFor)} more. Not sent: ${line}`);
    const outgoing = compose(command);
    if (outgoing instanceof Promise) return outgoing.then((composed) => dispatch(composed, line));
    return dispatch(outgoing, line);
  }

  function dispatch(outgoing: Outgoing, line: string): void {
    if (!outgoing) return;
    if ('tell' in outgoing) return tell(outgoing.tell);
    // Only lines that reach others count against the caller.
    const sent = queue.offer(outgoing.message);
    const { message } = outgoing;
    // An announcement is a sysop action like any other: kept with who made it.
    if (sent !== 'full' && message.kind === 'system' && message.official) options.moderator.record(identity.handle, 'announce', 'room', message.text);
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

  function setSysop(on: boolean): void {
    if (on === sysop) return;
    sysop = on;
    room.updatePresence(identity.userId, { sysop: on ? true : undefined });
    tell(on ? 'You are now a sysop: /help lists your commands.' : 'You are no longer a sysop.');
  }

  function deliverWaiting(messages: readonly ChatMessage[]): void {
    const shown = messages.filter((m) => !social.hides(m));
    if (shown.length === 0) return;
    tell(`${shown.length} ${shown.length === 1 ? 'message' : 'messages'} while you were away:`);
    for (const message of shown) {
      if (message.kind === 'direct') lastSender = message.from;
      deliver(message);
    }
  }

  return {
    enter,
    input,
    leave,
    deliverWaiting,
    setSysop,
    get inRoom() {
      return state === 'inside';
    },
  };
}

function systemLine(text: string, at: number): SystemMessage {
  return { kind: 'system', text, official: false, at };
}
