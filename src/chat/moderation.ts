/**
 * The sysop's tools in the room: /kick, /mute, /unmute, /ban, /unban. Rules live here (only sysops,
 * never on themselves or another sysop, an account must exist); what reaches beyond the room —
 * ending a call, keeping a ban, logging who did what — goes through the Moderator port that
 * session.ts implements. Every action is recorded with the sysop who did it.
 */
import type { ChatManager } from './chat-manager.js';
import type { Command } from './commands.js';
import type { Directory } from './directory.js';
import { cleanText } from './safe-text.js';
import { NOT_A_HANDLE } from './social.js';
import { isValidHandle } from './text.js';
import { formatUtc } from './who.js';

export interface Moderator {
  /**
   * Ends the call of the account with this handle, telling them who did it and why (with several
   * worker processes, a call on another one ends within seconds); false when they are not on.
   */
  kick(handle: string, by: string, reason: string): Promise<boolean>;
  /**
   * Keeps the ban; ends their call if they are on, and the room hears `notice` as the call ends.
   * False when they are not on, or not where this room reaches: then no one has said it yet.
   */
  ban(handle: string, ban: { until: number | null; reason: string; by: string }, notice: string): Promise<boolean>;
  /** False when there was no ban in force. */
  unban(handle: string): Promise<boolean>;
  /** A line to one caller on the board (if they are on). */
  notify(handle: string, text: string): Promise<void>;
  /** Logs and keeps who did what; returns at once (the port reports its own failures). */
  record(actor: string, action: string, target: string, detail: string): void;
}

export type ModerationCommand = Extract<Command, { kind: 'kick' | 'mute' | 'unmute' | 'ban' | 'unban' }>;

export interface ModerationOptions {
  room: ChatManager;
  directory: Directory;
  moderator: Moderator;
  handle: string;
  isSysop(): boolean;
  now: () => number;
  tell(text: string): void;
}

export const NOT_SYSOP_ACTION = 'Only sysops can do that.';

const because = (reason: string) => (reason ? `: ${reason}` : '');
/**
 * A reason in a line to the room. Bans and kicks may come from the database, set there by the
 * command line or by an older board: made safe again here, as any text for other callers is.
 */
const REASON_LENGTH = 500;
const safe = (text: string) => cleanText(text, REASON_LENGTH);

/** What the room hears when a sysop (on the board or at the command line) kicks someone. */
export function kickNotice(handle: string, kick: { by: string; reason: string }): string {
  return `*** ${handle} was kicked by ${safe(kick.by)}${because(safe(kick.reason))} ***`;
}

/** How long a ban lasts, as every message about it says: "for good" or "until 2026-12-08 09:30 UTC". */
export function banEnd(until: number | null): string {
  return until === null ? 'for good' : `until ${formatUtc(until)}`;
}

/** What the room hears when a sysop bans someone. */
export function banNotice(handle: string, ban: { by: string; reason: string; until: number | null }): string {
  return `*** ${handle} was banned by ${safe(ban.by)} ${banEnd(ban.until)}${because(safe(ban.reason))} ***`;
}

export function createModeration(options: ModerationOptions): (command: ModerationCommand) => Promise<void> {
  const { room, directory, moderator, now, tell } = options;
  const by = options.handle;
  /** To the room, not kept in its history. */
  const announce = (text: string) => room.broadcast({ kind: 'system', official: false, text, at: now() });

  /** The target's handle as registered, or undefined after telling the sysop why not. */
  async function target(typed: string, verb: string): Promise<string | undefined> {
    if (!options.isSysop()) return void tell(NOT_SYSOP_ACTION);
    if (!isValidHandle(typed)) return void tell(NOT_A_HANDLE);
    const card = await directory.account(typed);
    if (!card) return void tell(`There is no account called ${typed}.`);
    if (card.handle.toLowerCase() === by.toLowerCase()) return void tell(`You can't ${verb} yourself.`);
    if (card.sysop && verb !== 'unban' && verb !== 'unmute') {
      return void tell(`${card.handle} is a sysop: make them a user first (bbs user role ${card.handle} user).`);
    }
    return card.handle;
  }

  const actions: { [K in ModerationCommand['kind']]: (command: Extract<ModerationCommand, { kind: K }>) => Promise<void> } = {
    async kick({ handle: typed, reason }) {
      const handle = await target(typed, 'kick');
      if (!handle) return;
      if (!(await moderator.kick(handle, by, reason))) return tell(`${handle} is not on the board.`);
      moderator.record(by, 'kick', handle, reason);
      announce(kickNotice(handle, { by, reason }));
    },
    async mute({ handle: typed, minutes, reason }) {
      const handle = await target(typed, 'mute');
      if (!handle) return;
      const here = room.participantByHandle(handle);
      if (!here) return tell(`${handle} is not in the room.`);
      room.updatePresence(here.userId, { mutedUntil: now() + minutes * 60_000 });
      moderator.record(by, 'mute', handle, `${minutes} min${because(reason)}`);
      await moderator.notify(handle, `You are muted for ${minutes} minute${minutes === 1 ? '' : 's'} by ${by}${because(reason)}`);
      tell(`${handle} is muted for ${minutes} minute${minutes === 1 ? '' : 's'}.`);
    },
    async unmute({ handle: typed }) {
      const handle = await target(typed, 'unmute');
      if (!handle) return;
      const here = room.participantByHandle(handle);
      if (!here?.mutedUntil || here.mutedUntil <= now()) return tell(`${handle} is not muted.`);
      room.updatePresence(here.userId, { mutedUntil: undefined });
      moderator.record(by, 'unmute', handle, '');
      await moderator.notify(handle, `${by} lifted your mute.`);
      tell(`${handle} may talk again.`);
    },
    async ban({ handle: typed, durationMs, reason }) {
      const handle = await target(typed, 'ban');
      if (!handle) return;
      const until = durationMs === undefined ? null : now() + durationMs;
      const notice = banNotice(handle, { until, reason, by });
      // A call that ends says the notice itself: its own account watch may find the ban first.
      const ended = await moderator.ban(handle, { until, reason, by }, notice);
      moderator.record(by, 'ban', handle, `${banEnd(until)}${because(reason)}`);
      if (!ended) announce(notice);
    },
    async unban({ handle: typed }) {
      const handle = await target(typed, 'unban');
      if (!handle) return;
      if (!(await moderator.unban(handle))) return tell(`${handle} is not banned.`);
      moderator.record(by, 'unban', handle, '');
      tell(`${handle} may call again.`);
    },
  };
  return (command) => (actions[command.kind] as (c: ModerationCommand) => Promise<void>)(command);
}
