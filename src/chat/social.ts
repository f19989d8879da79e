/**
 * Protection from each other, for one caller: whom they ignore (kept across calls through the
 * Directory), their pager, /away, and the page cooldown per recipient. member.ts asks it what to
 * hide and what to refuse; it answers the caller through `tell`.
 */
import type { ChatManager, Presence } from './chat-manager.js';
import type { AccountCard, Directory } from './directory.js';
import type { ChatMessage } from './messages.js';
import { isValidHandle } from './text.js';
import { formatAgo, whoisLines } from './who.js';

export interface SocialOptions {
  room: ChatManager;
  userId: string;
  handle: string;
  directory: Directory;
  /** Handles (as registered) this caller ignores, as kept across calls. */
  ignored: readonly string[];
  /** A second page to the same person within this is refused. */
  pageCooldownMs: number;
  now: () => number;
  tell(text: string): void;
}

export interface Social {
  /** True for a line, action, private line or page from someone this caller ignores. */
  hides(message: ChatMessage): boolean;
  ignores(handle: string): boolean;
  ignore(handle: string | undefined): Promise<void>;
  unignore(handle: string): Promise<void>;
  pager(on: boolean | undefined): Promise<void>;
  away(reason: string): void;
  /** Any line typed brings an away caller back. */
  back(): void;
  /** A line was typed: noted for idle times, at most every ACTIVITY_STEP_MS. */
  active(): void;
  whois(handle: string): Promise<void>;
  /** Why this page may not go to `target` now; undefined when it may (and it is counted). */
  pageProblem(target: { handle: string } & Presence): string | undefined;
  /** A note for the sender of a private line or page to `target` (away), if any. */
  noteFor(target: { handle: string } & Presence): string | undefined;
}

export const NOT_A_HANDLE = 'Handles are 2-16 letters, digits, "_" or "-".';
/**
 * Idle times are shown in whole minutes from two on, and every note of activity reaches every room
 * on the bus (every worker): a note per typed line would cost much and show nothing more.
 */
export const ACTIVITY_STEP_MS = 30_000;

export function createSocial(options: SocialOptions): Social {
  const { room, userId, directory, now, tell } = options;
  const ignoring = new Map(options.ignored.map((h) => [h.toLowerCase(), h]));
  const lastPaged = new Map<string, number>();
  const me = () => room.participant(userId);
  const isMe = (handle: string) => handle.toLowerCase() === options.handle.toLowerCase();

  /** The account behind a typed handle, or undefined after telling the caller why not. */
  async function accountFor(typed: string): Promise<AccountCard | undefined> {
    if (!isValidHandle(typed)) return void tell(NOT_A_HANDLE);
    const card = await directory.account(typed);
    if (!card) return void tell(`There is no account called ${typed}.`);
    return card;
  }

  return {
    hides(message) {
      if (message.kind !== 'public' && message.kind !== 'action' && message.kind !== 'direct' && message.kind !== 'page') return false;
      return ignoring.has(message.from.toLowerCase());
    },
    ignores: (handle) => ignoring.has(handle.toLowerCase()),
    async ignore(typed) {
      if (typed === undefined) {
        const list = [...ignoring.values()];
        return tell(list.length === 0 ? 'You ignore no one.' : `You ignore: ${list.join(', ')}. /unignore <handle> to hear them again.`);
      }
      if (isMe(typed)) return tell("You can't ignore yourself.");
      const card = await accountFor(typed);
      if (!card) return;
      if (ignoring.has(card.handle.toLowerCase())) return tell(`You already ignore ${card.handle}.`);
      await directory.setIgnored(card.handle, true);
      ignoring.set(card.handle.toLowerCase(), card.handle);
      tell(`You now ignore ${card.handle}: their lines, messages and pages are hidden from you. /unignore ${card.handle} undoes it.`);
    },
    async unignore(typed) {
      const known = ignoring.get(typed.toLowerCase());
      if (!known) return tell(`You do not ignore ${typed}.`);
      await directory.setIgnored(known, false);
      ignoring.delete(known.toLowerCase());
      tell(`You hear ${known} again.`);
    },
    async pager(on) {
      if (on === undefined) return tell(`Your pager is ${me()?.pagerOff ? 'off' : 'on'}.`);
      await directory.setPagerOff(!on);
      room.updatePresence(userId, { pagerOff: on ? undefined : true });
      tell(on ? 'Your pager is on: pages ring your bell.' : 'Your pager is off: no one can page you until /pager on.');
    },
    away(reason) {
      room.updatePresence(userId, { away: { reason, since: now() } });
      tell(`You are away${reason ? `: ${reason}` : ''}. Type anything to come back.`);
    },
    back() {
      const away = me()?.away;
      if (!away) return;
      room.updatePresence(userId, { away: undefined });
      tell(`Welcome back: you were away for ${formatAgo(now() - away.since)}.`);
    },
    active() {
      const here = me();
      if (here && now() - (here.lastActiveAt ?? here.joinedAt) >= ACTIVITY_STEP_MS) room.updatePresence(userId, { lastActiveAt: now() });
    },
    async whois(typed) {
      const card = await accountFor(typed);
      if (card) whoisLines(card, room.participantByHandle(card.handle), now()).forEach(tell);
    },
    pageProblem(target) {
      if (target.pagerOff) return `${target.handle} has the pager off.`;
      const key = target.handle.toLowerCase();
      const since = now() - (lastPaged.get(key) ?? -Infinity);
      if (since < options.pageCooldownMs) {
        const wait = Math.ceil((options.pageCooldownMs - since) / 1000);
        return `You paged ${target.handle} a moment ago: wait ${wait} more second${wait === 1 ? '' : 's'}.`;
      }
      lastPaged.set(key, now());
      return undefined;
    },
    noteFor(target) {
      return target.away ? `${target.handle} is away${target.away.reason ? `: ${target.away.reason}` : ''}.` : undefined;
    },
  };
}
