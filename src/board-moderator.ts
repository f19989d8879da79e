/**
 * The chat core's Moderator for the board: ends calls in this process through ActiveCallers and on
 * other workers or instances through the board's authority over accounts (the primary, or the room
 * stream in Redis: the process holding the call ends it at once), sends lines to one caller through the room,
 * keeps bans and the log of sysop actions in the store, and writes each action to the board's log
 * with the sysop who did it.
 */
import type { Logger } from 'pino';
import type { ChatManager } from './chat/chat-manager.js';
import { banEnd, type Moderator } from './chat/moderation.js';
import { cleanText } from './chat/safe-text.js';
import type { ActiveCallers, Lines } from './nodes/lines.js';
import type { CallerSession } from './session.js';
import type { Ban, CommunityStore, UserStore } from './store/store.js';
import { CALL_FRESH_MS } from './account-watch.js';

export interface BoardModeratorDeps {
  users: UserStore;
  community: CommunityStore;
  callers: ActiveCallers<CallerSession>;
  /** Reaches the account's session on another worker or instance. */
  lines: Pick<Lines, 'removeAccount'>;
  /** Lines to one caller go through the room, which reaches them on any worker. */
  room: ChatManager;
  log: Logger;
  bbsName: string;
}

export function createBoardModerator(deps: BoardModeratorDeps): Moderator {
  const { users, community, callers, room, lines } = deps;
  /** On another worker or instance this room reaches: in the shared room, or waiting outside it. */
  const inReach = (user: { id: number; handle: string }) => room.isInChat(String(user.id)) || room.waitingOutside(user.handle) !== undefined;
  /** In reach, or a call the shared database knows. */
  const elsewhere = async (user: { id: number; handle: string }) =>
    inReach(user) || (await community.openCalls(CALL_FRESH_MS)).some((c) => c.handle === user.handle);
  return {
    async kick(handle, by, reason) {
      const user = await users.findByHandle(handle);
      if (!user) return false;
      const text = kickText({ by, reason });
      const session = callers.get(user.id);
      if (session) session.end('kicked', text);
      else if (await elsewhere(user)) lines.removeAccount(user.id, { reason: 'kicked', text });
      else return false;
      return true;
    },
    async ban(handle, ban, notice) {
      const user = await users.findByHandle(handle);
      if (!user) return false;
      await community.ban(user.id, ban);
      const text = banText(deps.bbsName, user.handle, ban);
      const session = callers.get(user.id);
      // Kept in the store (it bites at every login); the call, wherever it is, ends now and says
      // the notice as it ends. One this room does not see (it shares only the database, or has
      // not entered yet) is not known to say it: then the caller of ban says it.
      if (session) session.end('banned', text, notice);
      else lines.removeAccount(user.id, { reason: 'banned', text, notice });
      return session !== undefined || inReach(user);
    },
    async unban(handle) {
      const user = await users.findByHandle(handle);
      if (!user || !(await community.activeBan(user.id))) return false;
      await community.unban(user.id);
      return true;
    },
    async notify(handle, text) {
      const user = await users.findByHandle(handle);
      if (user) room.notify(String(user.id), text);
    },
    record(actor, action, target, detail) {
      deps.log.info({ sysop: actor, action, target, detail }, 'sysop action');
      // The board's log line above is the record that cannot fail; the kept one is reported if it does.
      community.logAction(actor, action, target, detail).catch((err: unknown) => deps.log.error({ err, action }, 'could not keep a sysop action'));
    },
  };
}

/** A kick or ban reason as shown to the caller it ends. */
const REASON_LENGTH = 500;

/** What a kicked caller reads, whichever process ends the call. */
export function kickText(kick: { by: string; reason: string }): string {
  const reason = cleanText(kick.reason, REASON_LENGTH);
  return `\r\nYou were removed from the board by ${kick.by}${reason ? `: ${reason}` : ''}\r\n`;
}

/** What a banned caller reads, at once when banned and at every login while the ban lasts. */
export function banText(bbsName: string, handle: string, ban: Ban): string {
  const until = banEnd(ban.until);
  // A ban set with the CLI has not been through the chat's cleaning: this goes to the terminal raw.
  const cleaned = cleanText(ban.reason ?? '', REASON_LENGTH);
  const reason = cleaned ? ` Reason: ${cleaned}.` : '';
  return `\r\nThe account ${handle} is banned from ${bbsName} ${until}.${reason} Please contact the sysop.\r\n`;
}
