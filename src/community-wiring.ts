/**
 * What the community part of a call needs, made from the board's pieces: the member's ports to the
 * stores (directory, moderator, limits, timers), and the watchers that run beside the call (its
 * account rechecked for bans, kicks, renames and role changes; the idle timer). session.ts calls
 * these; they hold nothing the session's teardown does not stop.
 */
import type { Logger } from 'pino';
import type { ChatManager } from './chat/chat-manager.js';
import type { MemberOptions } from './chat/member.js';
import { banNotice, kickNotice } from './chat/moderation.js';
import type { Schedule } from './chat/send-queue.js';
import { isHandleColor, type HandleColor } from './chat/handle-color.js';
import type { Config } from './config.js';
import { createAccountDirectory } from './account-directory.js';
import type { AccountWatch } from './account-watch.js';
import { banText, createBoardModerator, kickText } from './board-moderator.js';
import { startIdleTimer, type IdleTimerOptions } from './idle-timer.js';
import type { ActiveCallers, Lines } from './nodes/lines.js';
import type { CallerSession, EndReason } from './session.js';
import type { CommunityStore, User, UserStore } from './store/store.js';

export interface CommunityDeps {
  config: Readonly<Config>;
  users: UserStore;
  community: CommunityStore;
  callers: ActiveCallers<CallerSession>;
  /** The board's authority over accounts' sessions, which reaches a call on any worker or instance. */
  lines: Lines;
  room: ChatManager;
  accounts: AccountWatch;
  now: () => number;
}

type MemberPorts = Pick<MemberOptions, 'directory' | 'moderator' | 'pageCooldownMs' | 'maxMessageLength' | 'flood' | 'schedule'>;

/** The member's ports and limits for `who`. */
export function memberPorts(deps: CommunityDeps, who: User, log: Logger): MemberPorts {
  const { chat, bbs } = deps.config;
  return {
    directory: createAccountDirectory(who, deps.users, deps.community, {
      perSender: chat.waiting_per_sender,
      perRecipient: chat.waiting_per_recipient,
    }),
    moderator: createBoardModerator({ ...deps, log, bbsName: bbs.name }),
    pageCooldownMs: chat.page_cooldown_seconds * 1000,
    maxMessageLength: chat.max_message_length,
    flood: {
      burst: chat.flood_burst,
      perSecond: chat.flood_per_second,
      maxQueued: chat.flood_queue,
      muteMs: chat.flood_mute_minutes * 60_000,
    },
    schedule,
  };
}

export interface CallWatch {
  who: User;
  callId: number;
  since: number;
  /** The caller's keystrokes, for the idle timer. */
  input: IdleTimerOptions['input'];
  log: Logger;
  /** `notice`: what the room hears, said only if this ends the call (see CallerSession.end). */
  end(reason: EndReason, text?: string, notice?: string): void;
  notify(text: string): void;
  setSysop(sysop: boolean): void;
}

/** Starts the account watch and the idle timer; returns the function that stops both. */
export function watchCall(deps: CommunityDeps, call: CallWatch): () => void {
  const { who, end } = call;
  const bbsName = deps.config.bbs.name;
  const stopWatching = deps.accounts.watch({
    userId: who.id,
    handle: who.handle,
    callId: call.callId,
    since: call.since,
    role: who.role,
    // Bans and kicks seen here were made elsewhere (the command line, another instance on the
    // same database, or a sysop's /ban whose own ending of the call may arrive a moment later):
    // the notice is said by whichever ends the call, so the room hears it once.
    onBanned: (ban) => end('banned', banText(bbsName, who.handle, ban), banNotice(who.handle, ban)),
    onDeleted: () => end('cancelled', `\r\nThe account ${who.handle} was deleted. Goodbye.\r\n`),
    onKicked: (kick) => end('kicked', kickText(kick), kickNotice(who.handle, kick)),
    onRenamed: (to) => end('cancelled', `\r\nThe sysop renamed you to ${to}. Please call again as ${to}.\r\n`),
    onRoleChange: (role) => call.setSysop(role === 'sysop'),
  });
  const stopIdleTimer = startIdleTimer({
    idleMs: deps.config.connection.idle_minutes * 60_000,
    input: call.input,
    onWarn: (seconds) => call.notify(`You have been idle a long while: you will be logged off in ${seconds} seconds unless you type something.`),
    onIdle: () => end('idle'),
  });
  return () => {
    stopWatching();
    stopIdleTimer();
  };
}

/**
 * The caller's handle colour: read once at login (a stored name no longer in the palette counts as
 * none), changed by /color, stamped by the member on each line they say.
 */
export async function handleColorHolder(
  community: CommunityStore,
  userId: number,
): Promise<{ get(): HandleColor | undefined; set(next: HandleColor | undefined): void }> {
  const stored = await community.handleColor(userId);
  let color = isHandleColor(stored) ? stored : undefined;
  return { get: () => color, set: (next) => (color = next) };
}

const schedule: Schedule = (ms, fn) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};
