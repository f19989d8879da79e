/**
 * A room in memory for member tests: a ChatManager on a clock the test moves, timers that fire as
 * it moves, an in-memory Directory (accounts, ignores, pagers, waiting messages, recent calls) and
 * Moderator (ended calls, bans, notes, the record), and seats that keep everything delivered.
 */
import { expect } from 'vitest';
import { ChatManager } from '../../src/chat/chat-manager.js';
import type { AccountCard, Directory } from '../../src/chat/directory.js';
import { createMember, type Member, type MemberIdentity } from '../../src/chat/member.js';
import type { ChatMessage, DirectMessage, PageMessage } from '../../src/chat/messages.js';
import type { Moderator } from '../../src/chat/moderation.js';

export const T0 = 1_700_000_000_000;

export function makeBoard(capacity = 10) {
  let time = T0;
  const now = () => time;
  const timers: Array<{ due: number; fn: () => void }> = [];
  const schedule = (ms: number, fn: () => void) => {
    const timer = { due: time + ms, fn };
    timers.push(timer);
    return () => void timers.splice(timers.indexOf(timer) >>> 0, timers.includes(timer) ? 1 : 0);
  };
  /** Moves the clock on and runs the timers that fell due, in order. */
  function advance(ms: number): void {
    time += ms;
    for (let next = dueTimer(); next; next = dueTimer()) next.fn();
  }
  function dueTimer() {
    timers.sort((a, b) => a.due - b.due);
    return timers[0] && timers[0].due <= time ? timers.shift() : undefined;
  }
  const room = new ChatManager({ capacity, now });
  const seats: Seat[] = [];
  /** Accounts on the board, online or not: every seat's, plus offline ones a test adds. */
  const accounts = new Map<string, AccountCard>();
  const ignores = new Map<string, Set<string>>();
  const pagers = new Map<string, boolean>();
  const addAccount = (handle: string, sysop = false) =>
    accounts.set(handle.toLowerCase(), { handle, sysop, createdAt: T0 - 86_400_000, lastCallAt: T0 - 3_600_000 });
  /** What the board did for sysops: calls ended, bans kept, lines to one caller, the record. */
  const moderation = { ended: [] as string[], banned: new Map<string, unknown>(), notes: [] as string[], record: [] as string[] };
  /** As the board's session ends: the caller leaves, then the room hears the notice, if any. */
  function endCall(handle: string, text: string, notice?: string): boolean {
    const seat = seats.find((s) => s.member.inRoom && s.handle.toLowerCase() === handle.toLowerCase());
    if (!seat) return false;
    moderation.ended.push(`${handle}: ${text}`);
    seat.member.leave();
    if (notice) room.broadcast({ kind: 'system', official: false, text: notice, at: now() });
    return true;
  }
  // Async like the board's, answering at once: what a store that is quick looks like to the member.
  const moderator: Moderator = {
    kick: async (handle, by, reason) => endCall(handle, `You were removed from the board by ${by}${reason ? `: ${reason}` : ''}`),
    async ban(handle, ban, notice) {
      moderation.banned.set(handle, ban);
      return endCall(handle, 'banned', notice);
    },
    unban: async (handle) => moderation.banned.delete(handle),
    notify: async (handle, text) => void moderation.notes.push(`${handle}: ${text}`),
    record: (actor, action, target, detail) => void moderation.record.push(`${actor} ${action} ${target} ${detail}`.trim()),
  };
  /** When set, looking an account up fails with it, as a store that lost its database would. */
  let failure: Error | undefined;
  const directoryFor = (handle: string): Directory => ({
    async account(typed) {
      if (failure) throw failure;
      return accounts.get(typed.toLowerCase());
    },
    async setIgnored(target, on) {
      const set = ignores.get(handle) ?? new Set<string>();
      if (on) set.add(target);
      else set.delete(target);
      ignores.set(handle, set);
    },
    setPagerOff: async (off) => void pagers.set(handle, off),
    async leaveMessage(message) {
      if (!accounts.has(message.to.toLowerCase())) return 'no-account';
      if (waiting.filter((m) => m.from === handle && m.to === message.to).length >= 2) return 'sender-limit';
      if (waiting.filter((m) => m.to === message.to).length >= 3) return 'recipient-limit';
      waiting.push(message);
      return 'stored';
    },
    recentCalls: async (limit) => calls.slice(0, limit),
    accounts: async () => [...accounts.values()].sort((a, b) => a.handle.localeCompare(b.handle)),
  });
  const waiting: Array<DirectMessage | PageMessage> = [];
  const calls = [
    { handle: 'carol', startedAt: T0 - 60_000, endedAt: null },
    { handle: 'dave', startedAt: T0 - 7_200_000, endedAt: T0 - 3_600_000 },
  ];

  /** A caller: a member plus everything delivered to their screen. */
  function seat(handle: string, node: number, extra: Partial<MemberIdentity> = {}): Seat {
    const seen: ChatMessage[] = [];
    const earlier: ChatMessage[] = [];
    const identity = { userId: `id-${handle}`, handle, node, isSysop: false, ignored: [...(ignores.get(handle) ?? [])], ...extra };
    if (!accounts.has(handle.toLowerCase())) addAccount(handle, identity.isSysop);
    const state = { quits: 0, account: [] as unknown[], errors: [] as unknown[] };
    const member = createMember({
      room,
      identity,
      maxMessageLength: 80,
      flood: { burst: 5, perSecond: 1, maxQueued: 3, muteMs: 120_000 },
      now,
      schedule,
      directory: directoryFor(handle),
      pageCooldownMs: 30_000,
      moderator,
      deliver: (m) => seen.push(m),
      onEnter: (history, joined) => {
        earlier.push(...history);
        seen.push(...history, ...joined);
      },
      onQuit: () => state.quits++,
      onAccount: (command) => void state.account.push(command),
      // Any failure but the one a test set up is a bug in the member or this helper: it fails the test.
      onError: (error) => {
        if (error !== failure) throw error;
        state.errors.push(error);
      },
    });
    const clear = () => {
      seen.length = 0;
      earlier.length = 0;
    };
    const made: Seat = { handle, member, seen, earlier, state, texts: () => seen.map(shown), clear };
    seats.push(made);
    return made;
  }

  /** Seats entered into the room, with the screens cleared of the joins. */
  async function enterAll(...handles: string[]): Promise<Seat[]> {
    const entered: Seat[] = [];
    for (const [i, handle] of handles.entries()) {
      const s = seat(handle, i + 1, { isSysop: handle === 'SysOp' });
      expect((await s.member.enter()).ok).toBe(true);
      entered.push(s);
    }
    for (const s of seats) s.clear();
    return entered;
  }

  const failDirectory = (error: Error | undefined) => void (failure = error);
  return { room, seat, enterAll, advance, addAccount, failDirectory, ignores, pagers, moderation, waiting, pendingTimers: () => timers.length };
}

export interface Seat {
  handle: string;
  member: Member;
  seen: ChatMessage[];
  /** What was delivered marked as earlier (history replayed on a retried entry). */
  earlier: ChatMessage[];
  state: { quits: number; account: unknown[]; errors: unknown[] };
  texts(): string[];
  clear(): void;
}

/** One line per message, roughly as a screen would show it. */
export function shown(m: ChatMessage): string {
  switch (m.kind) {
    case 'public':
      return `${m.from}: ${m.text}`;
    case 'action':
      return `* ${m.from} ${m.text}`;
    case 'system':
      return m.official ? `SysOp! ${m.text}` : `-- ${m.text}`;
    case 'direct':
      return `${m.from} -> ${m.to}: ${m.text}`;
    case 'page':
      return `PAGE from ${m.from} to ${m.to}`;
    case 'join':
      return `*** ${m.handle} joined`;
    case 'leave':
      return `*** ${m.handle} left`;
  }
}
