/**
 * One caller's life, from the shell request to goodbye, in stages: open the screen → who is it
 * (log in, or register) → may they in (banned? the account's one session, a free node, or "line
 * busy") → teleconference → goodbye. This is where ssh, ui, store, nodes and chat meet, through
 * ports: the connection is a CallerConnection (hang up with a text), the lines and the room are
 * the board's authority wherever it lives. Everything a stage takes is noted in one Call record,
 * and one idempotent teardown gives it all back, reached from every way out: /quit, Esc, a dropped
 * connection, a deadline, a takeover by a later login, or the board shutting down.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { handleProblem } from './chat/text.js';
import type { ChatManager } from './chat/chat-manager.js';
import type { ChatMessage } from './chat/messages.js';
import { createMember, RETRY_HINT, type Member } from './chat/member.js';
import type { Lines } from './nodes/lines.js';
import type { CallerConnection } from './ssh/caller-connection.js';
import type { ChannelTerminal } from './ssh/terminal.js';
import type { OfferedKey } from './ssh/auth.js';
import { passwordProblem } from './store/passwords.js';
import { StoreError, type User, type UserStore } from './store/users.js';
import type { Drawing } from './ui/drawing.js';
import { createBbsScreen, type BbsScreen } from './ui/screen.js';
import { runRegistration } from './ui/registration.js';
import { goodbyeText, showLineBusy } from './ui/banners.js';
import { createTeleconference, type Teleconference } from './ui/teleconference.js';

export type EndReason = 'quit' | 'shutdown' | 'timeout' | 'line-busy' | 'cancelled' | 'banned' | 'replaced' | 'dropped';

export interface SessionDeps {
  config: Readonly<Config>;
  users: UserStore;
  lines: Lines;
  room: ChatManager;
  /** The process's frame clock, shared log rows and minute ticker, for every caller's screen. */
  drawing: Drawing;
  now: () => number;
  /** How long the line-busy screen stays up (tests shorten it). */
  lineBusyMs?: number;
}

export interface CallerSession {
  /** Say goodbye and end (board shutdown, or a later login of the same account). */
  end(reason: EndReason): void;
  /** Settles, with why it ended, once everything the session held is released. */
  readonly finished: Promise<EndReason>;
}

/** One call: what it holds so far. Stages fill it in; teardown empties it. */
interface Call {
  readonly deps: SessionDeps;
  readonly conn: CallerConnection;
  readonly terminal: ChannelTerminal;
  readonly session: CallerSession;
  log: Logger;
  ended: boolean;
  screen?: BbsScreen;
  user?: User;
  node?: number;
  callId?: number;
  member?: Member;
  tele?: Teleconference;
}

export function startSession(deps: SessionDeps, conn: CallerConnection, terminal: ChannelTerminal): CallerSession {
  let resolveFinished!: (reason: EndReason) => void;
  const finished = new Promise<EndReason>((resolve) => (resolveFinished = resolve));
  const session: CallerSession = { end: (reason) => end(reason), finished };
  const call: Call = { deps, conn, terminal, session, log: conn.log, ended: false };
  const end = (reason: EndReason, text?: string) => {
    if (teardown(call, reason, text)) resolveFinished(reason);
  };
  conn.onClose(() => end('dropped'));

  run(call, end).catch((err: unknown) => {
    call.log.error({ err }, 'session failed');
    end('cancelled', `\r\nSorry, something went wrong on ${deps.config.bbs.name}. Please call again.\r\n`);
  });
  return session;
}

type End = (reason: EndReason, text?: string) => void;

async function run(call: Call, end: End): Promise<void> {
  const { deps, conn } = call;
  const screen = createBbsScreen(call.terminal, {
    clock: deps.drawing.clock,
    onError: (err) => call.log.debug({ err: err.message }, 'screen error'),
    onStall: () => {
      call.log.info('caller stopped reading; hanging up');
      end('dropped');
    },
  });
  call.screen = screen;
  const user = conn.outcome.kind === 'user' ? deps.users.findById(conn.outcome.user.id) : await register(call, end, conn.outcome.offeredKey);
  if (call.ended || !user) return end('cancelled');
  call.user = user;
  if (user.banned) {
    call.log.info({ user: user.handle }, 'banned caller refused');
    return end('banned', `\r\nThe account ${user.handle} is banned from ${deps.config.bbs.name}. Please contact the sysop.\r\n`);
  }
  deps.lines.claimAccount(user.id, call.session);
  const node = await takeNode(call, user);
  if (call.ended) return;
  if (node === undefined) {
    call.log.info('all lines busy');
    await showLineBusy(screen, { bbsName: deps.config.bbs.name, maxNodes: deps.lines.maxNodes }, { waitMs: deps.lineBusyMs });
    return end('line-busy');
  }
  conn.clearDeadline();
  conn.holdNode();
  call.log = call.log.child({ handle: user.handle, node });
  call.callId = deps.users.recordLogin(user.id, { node, remote: conn.remote });
  call.log.info('on node');
  await teleconference(call, end, user, node, screen);
}

/** A node, noted in the call at once so that teardown gives it back even if the call ended meanwhile. */
async function takeNode(call: Call, user: User): Promise<number | undefined> {
  const node = await call.deps.lines.acquire({ handle: user.handle, remote: call.conn.remote, since: call.deps.now() });
  if (node === undefined) return undefined;
  if (call.ended) call.deps.lines.release(node);
  else call.node = node;
  return node;
}

async function register(call: Call, end: End, offeredKey: OfferedKey | undefined): Promise<User | undefined> {
  const { config, users } = call.deps;
  call.conn.setDeadline(config.connection.registration_minutes * 60_000, () => end('timeout'));
  const result = await runRegistration<User>(call.screen!, {
    bbsName: config.bbs.name,
    offeredKey: offeredKey && { algo: offeredKey.algo, fingerprint: offeredKey.fingerprint },
    checkHandle: (handle) => handleProblem(handle, config.auth.sysop_handles),
    checkPassword: passwordProblem,
    async register({ handle, password, bindKey }) {
      try {
        const key = bindKey && offeredKey ? { algo: offeredKey.algo, blob: offeredKey.blob } : undefined;
        const created = await users.create({ handle, password, key });
        call.conn.noteRegistered();
        call.log.info({ user: created.handle, key: key ? offeredKey!.fingerprint : undefined }, 'registered');
        return { ok: true, user: created };
      } catch (err) {
        if (err instanceof StoreError && err.code === 'ERR_HANDLE_TAKEN') {
          return { ok: false, field: 'handle', message: `The handle "${handle}" is taken. Please choose another.` };
        }
        if (err instanceof StoreError && err.code === 'ERR_KEY_TAKEN') {
          return { ok: false, field: 'handle', message: 'Your SSH key already belongs to an account: log in with that handle instead.' };
        }
        throw err;
      }
    },
  });
  return result.kind === 'registered' ? result.user : undefined;
}

/** Into the room first (the seat may take a moment), then the screen, so its first frame counts the caller in. */
async function teleconference(call: Call, end: End, who: User, node: number, screen: BbsScreen): Promise<void> {
  const { config, room, now } = call.deps;
  let tele: Teleconference | undefined;
  const showEntry = (history: ChatMessage[], joined: ChatMessage[]) => {
    tele?.showHistory(history);
    for (const message of joined) tele?.show(message);
  };
  const member = createMember({
    room,
    identity: { userId: String(who.id), handle: who.handle, node, isSysop: who.role === 'sysop' },
    maxMessageLength: config.chat.max_message_length,
    flood: { burst: config.chat.flood_burst, perSecond: config.chat.flood_per_second },
    now,
    deliver: (message) => tele?.show(message),
    onEnter: showEntry,
    onQuit: () => end('quit'),
  });
  call.member = member;
  // Nothing reaches deliver until enter() settles: what the room says meanwhile comes back with it.
  const entered = await member.enter();
  if (call.ended) return;
  tele = createTeleconference({
    screen,
    bbsName: config.bbs.name,
    handle: who.handle,
    node,
    maxMessageLength: config.chat.max_message_length,
    now,
    rows: call.deps.drawing.rows,
    minutes: call.deps.drawing.minutes,
    roomCount: () => room.participantCount(),
    completions: (prefix) => room.participants().map((p) => p.handle).filter((h) => h.toLowerCase().startsWith(prefix.toLowerCase())),
  });
  call.tele = tele;
  tele.onLine((line) => member.input(line));
  tele.onLeave(() => end('quit'));
  if (!entered.ok) {
    tele.show({ kind: 'system', text: `${entered.error} ${RETRY_HINT}`, official: false, at: now() });
    return;
  }
  showEntry(entered.history, entered.joined);
}

/** Gives back everything the call holds, says goodbye, ends the connection. True the first time only. */
function teardown(call: Call, reason: EndReason, text?: string): boolean {
  if (call.ended) return false;
  call.ended = true;
  const { deps, conn, user, node, callId } = call;
  call.member?.leave();
  call.tele?.destroy();
  call.screen?.destroy();
  call.terminal.close();
  if (node !== undefined) deps.lines.release(node);
  if (callId !== undefined) safely(() => deps.users.recordLogout(callId));
  if (user) deps.lines.releaseAccount(user.id, call.session);
  conn.clearDeadline();
  call.log.info({ reason, node }, 'session end');
  if (reason === 'dropped') conn.end();
  else conn.hangUp(text ?? goodbyeFor(call, reason));
  return true;
}

function goodbyeFor(call: Call, reason: Exclude<EndReason, 'dropped'>): string {
  const bbsName = call.deps.config.bbs.name;
  if (reason === 'replaced') return `\r\nYou logged in to ${bbsName} from somewhere else, so this call ends here.\r\n`;
  const kind = reason === 'banned' ? 'cancelled' : reason;
  return goodbyeText({ bbsName, handle: call.user?.handle, durationMs: call.deps.now() - call.conn.startedAt, reason: kind });
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // teardown goes on: one failed step must not keep the rest from being released
  }
}
