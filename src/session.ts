/**
 * One caller's life, from the shell request to goodbye: (register) → take a node (or "line busy")
 * → teleconference → goodbye. This is where ssh, ui, store, nodes and chat meet. Everything the
 * session takes — node, room seat, subscriptions, screen, call-log row — is given back by one
 * idempotent teardown, reached from every way out: /quit, Esc, a dropped connection, a channel
 * error, a deadline, or the board shutting down.
 */
import type { ServerChannel } from 'ssh2';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { handleProblem } from './chat/text.js';
import type { ChatManager } from './chat/chat-manager.js';
import type { ChatMessage } from './chat/messages.js';
import { createMember, RETRY_HINT, type Member } from './chat/member.js';
import type { NodeManager } from './nodes/node-manager.js';
import type { CallerConnection } from './ssh/server.js';
import type { ChannelTerminal } from './ssh/terminal.js';
import type { OfferedKey } from './ssh/auth.js';
import { passwordProblem } from './store/passwords.js';
import { StoreError, type User, type UserStore } from './store/users.js';
import { createBbsScreen, type BbsScreen } from './ui/screen.js';
import { runRegistration } from './ui/registration.js';
import { goodbyeText, showLineBusy } from './ui/banners.js';
import { createTeleconference, type Teleconference } from './ui/teleconference.js';

export type EndReason = 'quit' | 'shutdown' | 'timeout' | 'line-busy' | 'cancelled' | 'banned' | 'replaced' | 'dropped';

/**
 * Who is on the board, by account. One account is on one node at a time: a second login takes
 * over and the first session says goodbye — the usual case is a caller whose old connection has
 * not noticed yet that it dropped.
 */
export class ActiveCallers {
  private readonly byUser = new Map<number, CallerSession>();

  claim(userId: number, session: CallerSession): void {
    const previous = this.byUser.get(userId);
    this.byUser.set(userId, session);
    if (previous && previous !== session) previous.end('replaced');
  }

  release(userId: number, session: CallerSession): void {
    if (this.byUser.get(userId) === session) this.byUser.delete(userId);
  }
}

export interface SessionDeps {
  config: Readonly<Config>;
  users: UserStore;
  nodes: NodeManager;
  room: ChatManager;
  callers: ActiveCallers;
  now: () => number;
  /** How long the line-busy screen stays up (tests shorten it). */
  lineBusyMs?: number;
}

export interface CallerSession {
  /** Say goodbye and end (board shutdown). */
  end(reason: EndReason): void;
  /** Settles once everything the session held is released. */
  readonly finished: Promise<void>;
}

export function startSession(deps: SessionDeps, conn: CallerConnection, channel: ServerChannel, terminal: ChannelTerminal): CallerSession {
  let log: Logger = conn.log;
  let screen: BbsScreen | undefined;
  let user: User | undefined;
  let node: number | undefined;
  let callId: number | undefined;
  let member: Member | undefined;
  let tele: Teleconference | undefined;
  let ended = false;
  let resolveFinished!: () => void;
  const finished = new Promise<void>((resolve) => (resolveFinished = resolve));

  function end(reason: EndReason, extra?: string): void {
    if (ended) return;
    ended = true;
    member?.leave();
    tele?.destroy();
    screen?.destroy();
    terminal.close();
    if (node !== undefined) deps.nodes.release(node);
    if (callId !== undefined) safely(() => deps.users.recordLogout(callId!));
    if (user) deps.callers.release(user.id, session);
    conn.clearDeadline();
    if (reason !== 'dropped' && channel.writable) {
      const text = extra ?? goodbyeFor(reason);
      channel.write(text);
      safely(() => channel.exit(0));
      channel.end();
    }
    log.info({ reason, node }, 'session end');
    conn.end();
    resolveFinished();
  }

  function goodbyeFor(reason: Exclude<EndReason, 'dropped'>): string {
    const bbsName = deps.config.bbs.name;
    if (reason === 'replaced') return `\r\nYou logged in to ${bbsName} from somewhere else, so this call ends here.\r\n`;
    const kind = reason === 'banned' ? 'cancelled' : reason;
    return goodbyeText({ bbsName, handle: user?.handle, durationMs: deps.now() - conn.startedAt, reason: kind });
  }

  const session: CallerSession = { end: (reason) => end(reason), finished };
  channel.on('close', () => end('dropped'));
  conn.onClose(() => end('dropped'));

  run().catch((err: unknown) => {
    log.error({ err }, 'session failed');
    end('cancelled', `\r\nSorry, something went wrong on ${deps.config.bbs.name}. Please call again.\r\n`);
  });

  async function run(): Promise<void> {
    screen = createBbsScreen(terminal, {
      onError: (err) => log.debug({ err: err.message }, 'screen error'),
      onStall: () => {
        log.info('caller stopped reading; hanging up');
        end('dropped');
      },
    });
    user = conn.outcome.kind === 'user' ? deps.users.findById(conn.outcome.user.id) : await register(conn.outcome.offeredKey);
    if (ended || !user) return end('cancelled');
    if (user.banned) {
      log.info({ user: user.handle }, 'banned caller refused');
      return end('banned', `\r\nThe account ${user.handle} is banned from ${deps.config.bbs.name}. Please contact the sysop.\r\n`);
    }
    deps.callers.claim(user.id, session);
    node = deps.nodes.acquire({ handle: user.handle, remote: conn.remote, since: deps.now() });
    if (node === undefined) {
      log.info('all lines busy');
      await showLineBusy(screen, { bbsName: deps.config.bbs.name, maxNodes: deps.nodes.maxNodes }, { waitMs: deps.lineBusyMs });
      return end('line-busy');
    }
    conn.clearDeadline();
    conn.holdNode();
    log = log.child({ handle: user.handle, node });
    callId = deps.users.recordLogin(user.id, { node, remote: conn.remote });
    log.info('on node');
    teleconference(user, node, screen);
  }

  async function register(offeredKey: OfferedKey | undefined): Promise<User | undefined> {
    const { config, users } = deps;
    conn.setDeadline(config.connection.registration_minutes * 60_000, () => end('timeout'));
    const result = await runRegistration<User>(screen!, {
      bbsName: config.bbs.name,
      offeredKey: offeredKey && { algo: offeredKey.algo, fingerprint: offeredKey.fingerprint },
      checkHandle: (handle) => handleProblem(handle, config.auth.sysop_handles),
      checkPassword: passwordProblem,
      async register({ handle, password, bindKey }) {
        try {
          const key = bindKey && offeredKey ? { algo: offeredKey.algo, blob: offeredKey.blob } : undefined;
          const created = await users.create({ handle, password, key });
          conn.noteRegistered();
          log.info({ user: created.handle, key: key ? offeredKey!.fingerprint : undefined }, 'registered');
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

  function teleconference(who: User, onNode: number, bbsScreen: BbsScreen): void {
    const { config, room, now } = deps;
    tele = createTeleconference({
      screen: bbsScreen,
      bbsName: config.bbs.name,
      handle: who.handle,
      node: onNode,
      maxMessageLength: config.chat.max_message_length,
      now,
      roomCount: () => room.participantCount(),
      completions: (prefix) => room.participants().map((p) => p.handle).filter((h) => h.toLowerCase().startsWith(prefix.toLowerCase())),
    });
    member = createMember({
      room,
      identity: { userId: String(who.id), handle: who.handle, node: onNode, isSysop: who.role === 'sysop' },
      maxMessageLength: config.chat.max_message_length,
      flood: { burst: config.chat.flood_burst, perSecond: config.chat.flood_per_second },
      now,
      deliver: (message) => tele?.show(message),
      onEnter: showEntry,
      onQuit: () => end('quit'),
    });
    tele.onLine((line) => member?.input(line));
    tele.onLeave(() => end('quit'));
    const entered = member.enter();
    if (!entered.ok) {
      tele.show({ kind: 'system', text: `${entered.error} ${RETRY_HINT}`, official: false, at: now() });
      return;
    }
    showEntry(entered.history, entered.joined);
  }

  function showEntry(history: ChatMessage[], joined: ChatMessage[]): void {
    tele?.showHistory(history);
    for (const message of joined) tele?.show(message);
  }

  return session;
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // teardown goes on: one failed step must not keep the rest from being released
  }
}
