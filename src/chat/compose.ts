/**
 * A typed command → the message it sends, or what to tell the caller instead. Private lines and
 * pages go to someone in the room; to an account that is not on, they are kept (within limits)
 * and delivered at that person's next call.
 */
import type { ChatManager, Presence } from './chat-manager.js';
import type { Command } from './commands.js';
import type { Directory } from './directory.js';
import type { HandleColor } from './handle-color.js';
import type { ChatMessage, DirectMessage, PageMessage } from './messages.js';
import { NOT_A_HANDLE, type Social } from './social.js';
import { cleanLines } from './safe-text.js';
import { isValidHandle } from './text.js';

export type Sending = Extract<Command, { kind: 'say' | 'action' | 'msg' | 'reply' | 'page' | 'announce' }>;

/**
 * A line to send (with a note for the sender, e.g. "bob is away"), something to tell this caller
 * only (a refusal, or "kept for bob"), or nothing at all (text that cleaned to empty). Lines to the
 * room are composed at once; private lines and pages may ask the directory, so they come later.
 */
export type Outgoing = { message: ChatMessage; note?: string } | { tell: string } | undefined;

export interface ComposerOptions {
  room: ChatManager;
  directory: Directory;
  social: Social;
  userId: string;
  handle: string;
  maxMessageLength: number;
  now: () => number;
  isSysop(): boolean;
  /** Whoever last sent this caller a private line, for /r. */
  lastSender(): string | undefined;
  /** The colour this caller chose for their handle (/color); none: its default. */
  handleColor?(): HandleColor | undefined;
}

type Target = { userId: string; handle: string } & Presence;

export const NOT_SYSOP = 'Only the sysop can make announcements.';
export const NO_ONE_TO_REPLY = 'No one has sent you a private message yet.';

export function createComposer(options: ComposerOptions): (command: Sending) => Outgoing | Promise<Outgoing> {
  const { room, directory, social, now } = options;
  const from = options.handle;

  /** The typed text cleaned; nothing to send when it cleans to empty. */
  function withText(typed: string, make: (text: string) => ChatMessage): Outgoing {
    // A pasted block keeps its line breaks: one message, shown as several rows.
    const text = cleanLines(typed, options.maxMessageLength);
    return text ? { message: make(text) } : undefined;
  }

  /**
   * Someone else on the board (in the room or waiting outside it); or, for an account that is not
   * on, its handle as registered.
   */
  async function findTarget(typed: string, toSelf: string): Promise<Target | { absent: string } | { tell: string }> {
    if (!isValidHandle(typed)) return { tell: NOT_A_HANDLE };
    const target = room.participantByHandle(typed) ?? room.waitingOutside(typed);
    if (target?.userId === options.userId) return { tell: toSelf };
    if (target) return target;
    const account = await directory.account(typed);
    if (!account) return { tell: `There is no account called ${typed}.` };
    if (account.handle.toLowerCase() === from.toLowerCase()) return { tell: toSelf };
    return { absent: account.handle };
  }

  /** Keeps a private line or page for someone who is not on, and says so (or why not). */
  async function keep(message: DirectMessage | PageMessage): Promise<Outgoing> {
    const what = message.kind === 'page' ? 'your page' : 'your message';
    switch (await directory.leaveMessage(message)) {
      case 'stored':
        return { tell: `${message.to} is not on the board: ${what} will be delivered at their next call.` };
      case 'sender-limit':
        return { tell: `You already have as many messages waiting for ${message.to} as the board keeps. Not sent.` };
      case 'recipient-limit':
        return { tell: `${message.to} has as many messages waiting as the board keeps. Not sent.` };
      case 'no-account':
        return { tell: `There is no account called ${message.to}.` };
    }
  }

  async function privately(to: string, typed: string): Promise<Outgoing> {
    const target = await findTarget(to, "You can't send a private message to yourself.");
    if ('tell' in target) return target;
    const handle = 'absent' in target ? target.absent : target.handle;
    const outgoing = withText(typed, (text) => ({ kind: 'direct', from, to: handle, text, at: now() }));
    if (!outgoing || !('message' in outgoing)) return outgoing;
    if ('absent' in target) return keep(outgoing.message as DirectMessage);
    const note = social.noteFor(target);
    return note ? { ...outgoing, note } : outgoing;
  }

  async function page(to: string): Promise<Outgoing> {
    const target = await findTarget(to, "You can't page yourself.");
    if ('tell' in target) return target;
    if ('absent' in target) return keep({ kind: 'page', from, to: target.absent, at: now() });
    const problem = social.pageProblem(target);
    if (problem) return { tell: problem };
    return { message: { kind: 'page', from, to: target.handle, at: now() }, note: social.noteFor(target) };
  }

  return (command) => {
    const at = now();
    const chosen = options.handleColor?.();
    const color = chosen ? { color: chosen } : {};
    switch (command.kind) {
      case 'say':
        return withText(command.text, (text) => ({ kind: 'public', from, text, at, ...color }));
      case 'action':
        return withText(command.text, (text) => ({ kind: 'action', from, text, at, ...color }));
      case 'announce':
        if (!options.isSysop()) return { tell: NOT_SYSOP };
        return withText(command.text, (text) => ({ kind: 'system', official: true, from, text, at }));
      case 'msg':
        return privately(command.to, command.text);
      case 'reply': {
        const to = options.lastSender();
        return to === undefined ? { tell: NO_ONE_TO_REPLY } : privately(to, command.text);
      }
      case 'page':
        return page(command.to);
    }
  };
}
