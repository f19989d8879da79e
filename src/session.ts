/**
 * One caller's life, from the shell request to goodbye, in stages: open the screen → who is it
 * (log in, or register) → may they in (banned? the account's one session, a free node, or "line
 * busy") → teleconference → goodbye. This is where ssh, ui, store, nodes and chat meet, through
 * ports: the connection is a CallerConnection (hang up with a text), the lines and the room are
 * the board's authority wherever it lives. Everything a stage takes is noted in one Call record,
 * and one idempotent teardown gives it all back, reached from every way out: /quit, Esc, a dropped
 * connection, a deadline, idling, a kick or ban, a takeover by a later login, or the board shutting down.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { ChatManager } from './chat/chat-manager.js';
import type { ChatMessage } from './chat/messages.js';
import { createMember, RETRY_HINT, type Member } from './chat/member.js';
import type { ActiveCallers, Lines } from './nodes/lines.js';
import type { CallerConnection } from './ssh/caller-connection.js';
import { INPUT_DROPPED_NOTICE, type ChannelTerminal } from './ssh/terminal.js';
import { provenKeyOf } from './ssh/auth.js';
import { registerNewcomer } from './session-registration.js';
import type { CommunityStore, User, UserStore } from './store/store.js';
import { banText } from './board-moderator.js';
import { handleColorHolder, memberPorts, watchCall } from './community-wiring.js';
import { createAccountCommands } from './account-commands.js';
import type { AccountWatch } from './account-watch.js';
import type { Drawing } from './ui/drawing.js';
import { createBbsScreen, type BbsScreen } from './ui/screen.js';
import { goodbyeText, showLineBusy, welcomeLines } from './ui/banners.js';
import { createTeleconference } from './ui/teleconference.js';
import type { Teleconference } from './ui/teleconference-api.js';
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, detectPastes, type PasteDetector } from './ui/paste.js';

export type EndReason = 'quit' | 'shutdown' | 'timeout' | 'idle' | 'line-busy' | 'cancelled' | 'banned' | 'kicked' | 'replaced' | 'cut-off' | 'dropped';

export interface SessionDeps {
  config: Readonly<Config>;
  users: UserStore;
  lines: Lines;
  /** The sessions in this process, by account: what a sysop's /kick, /ban and notes reach. */
  callers: ActiveCallers<CallerSession>;
  community: CommunityStore;
  room: ChatManager;
  /** The process's frame clock, shared log rows and minute ticker, for every caller's screen. */
  drawing: Drawing;
  /** The process's watch over its running calls' accounts (bans, kicks, renames, roles). */
  accounts: AccountWatch;
  now: () => number;
  /** How long the line-busy screen stays up (tests shorten it). */
  lineBusyMs?: number;
}

export interface CallerSession {
  /**
   * Say goodbye (or `text` instead) and end: board shutdown, a later login, a kick, a ban. The
   * room hears `notice` (who removed them and why) only from the end that ends the call.
   */
  end(reason: EndReason, text?: string, notice?: string): void;
  /** A line from the board to this caller only (e.g. "you are muted"). */
  notify(text: string): void;
  /** Settles, with why it ended, once everything the session held is released. */
  readonly finished: Promise<EndReason>;
}

/** One call: what it holds so far. Stages fill it in; teardown empties it. */
export interface Call {
  readonly deps: SessionDeps;
  readonly conn: CallerConnection;
  readonly terminal: ChannelTerminal;
  /** Keystrokes with bracketed pastes taken out; the screen reads this. */
  readonly pastes: PasteDetector;
  readonly session: CallerSession;
  log: Logger;
  ended: boolean;
  screen?: BbsScreen;
  user?: User;
  node?: number;
  callId?: number;
  member?: Member;
  tele?: Teleconference;
  /** While the registration form is up: how it shows a notice. */
  formNotice?: (text: string) => void;
  stopWatching?: () => void;
}

export function startSession(deps: SessionDeps, conn: CallerConnection, terminal: ChannelTerminal): CallerSession {
  let resolveFinished!: (reason: EndReason) => void;
  const finished = new Promise<EndReason>((resolve) => (resolveFinished = resolve));
  const session: CallerSession = {
    end: (reason, text, notice) => end(reason, text, notice),
    notify: (text) => (call.tele ? call.tele.show({ kind: 'system', text, official: false, at: deps.now() }) : call.formNotice?.(text)),
    finished,
  };
  const call: Call = { deps, conn, terminal, pastes: detectPastes(terminal), session, log: conn.log, ended: false };
  const end = (reason: EndReason, text?: string, notice?: string) => {
    if (!teardown(call, reason, text)) return;
    // After the caller has left: the room hears why, as the last word on them.
    if (notice) deps.room.broadcast({ kind: 'system', official: false, text: notice, at: deps.now() });
    resolveFinished(reason);
  };
  conn.onClose(() => end('dropped'));
  terminal.onInputDropped(() => session.notify(INPUT_DROPPED_NOTICE));

  run(call, end).catch((err: unknown) => {
    call.log.error({ err }, 'session failed');
    end('cancelled', `\r\nSorry, something went wrong on ${deps.config.bbs.name}. Please call again.\r\n`);
  });
  return session;
}

export type End = (reason: EndReason, text?: string, notice?: string) => void;

async function run(call: Call, end: End): Promise<void> {
  const { deps, conn } = call;
  const screen = createBbsScreen(call.pastes.terminal, {
    clock: deps.drawing.clock,
    onError: (err) => call.log.debug({ err: err.message }, 'screen error'),
    onStall: () => {
      call.log.info('caller stopped reading; hanging up');
      end('dropped');
    },
  });
  call.screen = screen;
  if (conn.outcome.kind !== 'user' && (await deps.lines.inUse()) >= deps.lines.maxNodes) {
    // Said before the form, so no one fills it in only to hear that every line is busy.
    call.log.info('all lines busy before registration');
    return lineBusy(call, end, screen);
  }
  const user = conn.outcome.kind === 'user' ? await deps.users.findById(conn.outcome.user.id) : await registerNewcomer(call, end, conn.outcome.offeredKey);
  if (call.ended || !user) return end('cancelled');
  call.user = user;
  const ban = await deps.community.activeBan(user.id);
  if (call.ended) return;
  if (ban) {
    call.log.info({ user: user.handle }, 'banned caller refused');
    return end('banned', banText(deps.config.bbs.name, user.handle, ban));
  }
  deps.lines.claimAccount(user.id, call.session);
  deps.callers.claim(user.id, call.session);
  const node = await takeNode(call, user);
  if (call.ended) return;
  if (node === undefined) {
    call.log.info('all lines busy');
    return lineBusy(call, end, screen);
  }
  conn.clearDeadline();
  conn.holdNode();
  call.log = call.log.child({ handle: user.handle, node });
  await openCallLog(call, user, node);
  if (call.ended) return;
  call.log.info('on node');
  await teleconference(call, end, user, node, screen);
}

async function lineBusy(call: Call, end: End, screen: BbsScreen): Promise<void> {
  const { config, lines, lineBusyMs } = call.deps;
  await showLineBusy(screen, { bbsName: config.bbs.name, maxNodes: lines.maxNodes }, { waitMs: lineBusyMs });
  end('line-busy');
}

/** The call-log entry, noted in the call when it is made; a call that ended meanwhile closes it at once. */
async function openCallLog(call: Call, user: User, node: number): Promise<void> {
  const callId = await call.deps.users.recordLogin(user.id, { node, remote: call.conn.remote });
  if (call.ended) recordLogout(call, callId);
  else call.callId = callId;
}

/** A node, noted in the call at once so that teardown gives it back even if the call ended meanwhile. */
async function takeNode(call: Call, user: User): Promise<number | undefined> {
  const node = await call.deps.lines.acquire({ handle: user.handle, remote: call.conn.remote, since: call.deps.now() });
  if (node === undefined) return undefined;
  if (call.ended) call.deps.lines.release(node);
  else call.node = node;
  return node;
}

/** Into the room first (the seat may take a moment), then the screen, so its first frame counts the caller in. */
async function teleconference(call: Call, end: End, who: User, node: number, screen: BbsScreen): Promise<void> {
  const { deps, session } = call;
  const { config, room, now } = deps;
  // What the account keeps across calls, read before the member and the screen are made.
  const [pagerOff, ignored, zone, color] = await Promise.all([
    deps.community.pagerOff(who.id),
    deps.community.ignored(who.id),
    deps.community.timeZone(who.id),
    handleColorHolder(deps.community, who.id),
  ]);
  if (call.ended) return;
  const showEntry = (history: ChatMessage[], joined: ChatMessage[]) => {
    call.tele?.showHistory(history);
    for (const message of joined) call.tele?.show(message);
  };
  const member = createMember({
    ...memberPorts(deps, who, call.log),
    room,
    identity: { userId: String(who.id), handle: who.handle, node, isSysop: who.role === 'sysop', pagerOff, ignored },
    now,
    deliver: (message) => call.tele?.show(message),
    onEnter: showEntry,
    onRoomChange: () => call.tele?.refresh(),
    onAccount: (command) => accountCommands(command),
    handleColor: color.get,
    onQuit: () => end('quit'),
    onError: (err) => call.log.error({ err }, 'a command failed'),
  });
  call.member = member;
  const inRoom = room.participants().map((p) => p.handle);
  // Nothing reaches deliver until enter() settles: what the room says meanwhile comes back with it.
  const entered = await member.enter();
  if (call.ended) return;
  const tele = createTeleconference({
    screen,
    bbsName: config.bbs.name,
    handle: who.handle,
    node,
    maxMessageLength: config.chat.max_message_length,
    maxPasteLines: config.chat.max_paste_lines,
    // A zone the caller chose with /tz is named in their title bar; none: the board's own.
    ...(zone ? { timeZone: zone, showZone: true } : {}),
    now,
    rows: deps.drawing.rows,
    minutes: deps.drawing.minutes,
    roomCount: () => room.participantCount(),
    completions: (prefix) => room.participants().map((p) => p.handle).filter((h) => h.toLowerCase().startsWith(prefix.toLowerCase())),
  });
  call.tele = tele;
  const accountCommands = createAccountCommands({
    ...deps,
    userId: who.id,
    handle: who.handle,
    tele,
    tell: session.notify,
    log: call.log,
    provenKey: provenKeyOf(call.conn.outcome),
    setHandleColor: color.set,
  });
  call.stopWatching = watchCall(deps, {
    who,
    callId: call.callId!,
    since: now(),
    input: call.terminal.input,
    log: call.log,
    end,
    notify: session.notify,
    setSysop: (sysop) => member.setSysop(sysop),
  });
  tele.onLine((line) => void member.input(line));
  call.pastes.onPaste((paste) => tele.paste(paste));
  call.terminal.output.write(BRACKETED_PASTE_ON);
  tele.onLeave(() => end('quit'));
  const { name: bbsName, tagline } = config.bbs;
  for (const text of welcomeLines({ bbsName, tagline, handle: who.handle, node, lastLoginAt: who.lastLoginAt, inRoom })) session.notify(text);
  if (entered.ok) showEntry(entered.history, entered.joined);
  else session.notify(`${entered.error} ${RETRY_HINT}`);
  const waiting = await deps.community.takeWaiting(who.id);
  member.deliverWaiting(waiting.map((kept) => kept.message));
}

/** Gives back everything the call holds, says goodbye, ends the connection. True the first time only. */
function teardown(call: Call, reason: EndReason, text?: string): boolean {
  if (call.ended) return false;
  call.ended = true;
  const { deps, conn, user, node, callId } = call;
  call.stopWatching?.();
  call.member?.leave();
  // The screen goes first: the teleconference then has no rows to give back to blessed (handing
  // them back copies every painted row, ~1 ms on a 120×40 screen, for a screen nobody sees again).
  call.screen?.destroy();
  call.tele?.destroy();
  call.pastes.close();
  call.terminal.close();
  if (node !== undefined) deps.lines.release(node);
  if (callId !== undefined) recordLogout(call, callId);
  if (user) deps.lines.releaseAccount(user.id, call.session);
  if (user) deps.callers.release(user.id, call.session);
  conn.clearDeadline();
  call.log.info({ reason, node }, 'session end');
  if (reason === 'dropped') conn.end();
  // Bracketed paste off again, so the caller's own shell does not get the markers.
  else conn.hangUp(BRACKETED_PASTE_OFF + (text ?? goodbyeFor(call, reason)));
  return true;
}

function goodbyeFor(call: Call, reason: Exclude<EndReason, 'dropped'>): string {
  const bbsName = call.deps.config.bbs.name;
  if (reason === 'replaced') return `\r\nYou logged in to ${bbsName} from somewhere else, so this call ends here.\r\n`;
  if (reason === 'cut-off') return `\r\nThis server of ${bbsName} lost touch with the others and the room let you go. Please call again.\r\n`;
  const kind = reason === 'banned' || reason === 'kicked' ? 'cancelled' : reason;
  return goodbyeText({ bbsName, handle: call.user?.handle, durationMs: call.deps.now() - call.conn.startedAt, reason: kind });
}

/** Teardown does not wait for it: a failure is logged, and the rest is released all the same. */
function recordLogout(call: Call, callId: number): void {
  call.deps.users.recordLogout(callId).catch((err: unknown) => call.log.warn({ err, callId }, 'could not close the call-log entry'));
}
