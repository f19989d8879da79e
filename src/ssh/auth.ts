/**
 * SSH authentication for one connection: `new` is let in as a newcomer (any method; a public key
 * it proves it holds is remembered so registration can offer to bind it); everyone else logs in
 * with a password (password or keyboard-interactive) or a public key bound to the account.
 *
 * A key not bound to the account is not a failed login: its query is answered "acceptable" so the
 * client signs with it, and once the signature verifies the key is kept (the caller may bind it
 * from inside with /keys add) and the answer is partial success, asking for a password. Only one
 * such key is taken per connection; others are refused quietly, so an agent full of keys neither
 * loops nor counts against its owner. Real failures (a wrong password, a bad signature) are
 * counted (LoginGuard) and logged as "login failed", and a connection that fails too often is
 * ended, told why. Every reject lists the methods that remain: PuTTY gives up with "No supported
 * authentication methods" when a reject lists none.
 */
import type { AuthContext, KeyboardAuthContext, PublicKeyAuthContext, PasswordAuthContext } from 'ssh2';
import type { Logger } from 'pino';
import { isValidHandle } from '../chat/text.js';
import type { User, UserStore } from '../store/store.js';
import { fingerprintOf } from '../keys/openssh.js';
import type { LoginFailure } from '../metrics/board-metrics.js';
import type { LoginAttempts } from './login-guard.js';
import { verifySignature } from './key-objects.js';

export const NEWCOMER_NAME = 'new';
const METHODS: AuthContext['method'][] = ['publickey', 'keyboard-interactive', 'password'];
/** Requests of any kind one connection may make (many agent keys count too), like sshd's MaxAuthTries. */
const MAX_REQUESTS = 30;

export interface OfferedKey {
  algo: string;
  blob: Buffer;
  fingerprint: string;
}

export type AuthOutcome =
  /** provenKey: a key not bound to the account whose signature this connection verified. */
  | { kind: 'user'; user: User; method: string; provenKey?: OfferedKey }
  | { kind: 'newcomer'; offeredKey?: OfferedKey };

/** The key auth verified and the caller may bind: unbound at login, or a newcomer's not bound at registration. */
export function provenKeyOf(outcome: AuthOutcome): OfferedKey | undefined {
  return outcome.kind === 'user' ? outcome.provenKey : outcome.offeredKey;
}

export interface AuthDeps {
  users: UserStore;
  guard: LoginAttempts;
  bbsName: string;
  maxLoginAttempts: number;
  remote: string;
  log: Logger;
  /** True when so many password checks are queued that one more should be refused politely. */
  hashQueueFull(): boolean;
  /**
   * End the connection, telling the client why in the disconnect message (every client prints it;
   * the password and publickey methods have no other way to say anything but "no").
   */
  hangUp(text: string): void;
  /** A line the client shows while logging in (a banner; OpenSSH prints it at its default LogLevel). */
  tell(text: string): void;
  /** A login failed (counted by the board's metrics). */
  onFailure?(reason: LoginFailure): void;
}

export class ConnectionAuth {
  outcome: AuthOutcome | undefined;
  private requests = 0;
  private failures = 0;
  /** The one unbound key this connection may prove (its fingerprint), and the key once proven. */
  private unboundKey: string | undefined;
  private provenKey: OfferedKey | undefined;

  constructor(private readonly deps: AuthDeps) {}

  /** The 'authentication' handler. Never throws: any surprise rejects. */
  handle(ctx: AuthContext): void {
    this.requests += 1;
    if (this.requests > MAX_REQUESTS) return this.giveUp(TOO_MANY_REQUESTS_NOTICE);
    const name = ctx.username;
    const attempt = name.toLowerCase() === NEWCOMER_NAME ? this.newcomer(ctx) : this.member(ctx);
    attempt.catch((err: unknown) => this.failedUnexpectedly(ctx, err));
  }

  /** The store failed (or a bug): logged, and this attempt refused like any other, so the client may try again. */
  private failedUnexpectedly(ctx: AuthContext, err: unknown): void {
    this.deps.log.error({ err }, 'authentication failed unexpectedly');
    safely(() => ctx.reject(METHODS));
  }

  private async newcomer(ctx: AuthContext): Promise<void> {
    switch (ctx.method) {
      case 'none':
        // Refuse once so the client offers its keys; registration can then bind one.
        return ctx.reject(METHODS);
      case 'publickey': {
        if (isSha1Rsa(ctx)) return ctx.reject(METHODS);
        if (!ctx.signature || !ctx.blob) return ctx.accept();
        if (!verifySignature(ctx)) return ctx.reject(METHODS);
        const blob = ctx.key.data;
        this.succeed(ctx, { kind: 'newcomer', offeredKey: { algo: ctx.key.algo, blob, fingerprint: fingerprintOf(blob) } });
        return;
      }
      default:
        return this.succeed(ctx, { kind: 'newcomer' });
    }
  }

  private async member(ctx: AuthContext): Promise<void> {
    const handle = ctx.username;
    switch (ctx.method) {
      case 'publickey':
        return this.publicKey(ctx, handle);
      case 'password':
        return this.password(ctx, handle, ctx.password);
      case 'keyboard-interactive':
        return this.keyboard(ctx, handle);
      default:
        return ctx.reject(METHODS);
    }
  }

  private async publicKey(ctx: PublicKeyAuthContext, handle: string): Promise<void> {
    if (isSha1Rsa(ctx)) return this.keyRefused(ctx, handle, 'ssh-rsa (SHA-1) signature');
    const user = isValidHandle(handle) ? await this.deps.users.findByKey(ctx.key.algo, ctx.key.data) : undefined;
    if (!user || user.handle.toLowerCase() !== handle.toLowerCase()) return this.unbound(ctx, handle);
    if (!ctx.signature || !ctx.blob) return ctx.accept();
    if (!verifySignature(ctx)) return this.badSignature(ctx, handle);
    this.succeed(ctx, { kind: 'user', user, method: 'publickey' });
  }

  /**
   * A key the account does not have (or no such account: answered alike, so keys reveal nothing).
   * The query is accepted so that the client proves it holds the key; then partial success asks
   * for a password. publickey stays on the list: OpenSSH then offers its other keys (a bound one
   * gets in at once) and only then falls back to the password.
   */
  private unbound(ctx: PublicKeyAuthContext, handle: string): void {
    const fingerprint = fingerprintOf(ctx.key.data);
    this.unboundKey ??= fingerprint;
    if (this.unboundKey !== fingerprint || this.provenKey) return this.keyRefused(ctx, handle, 'not bound to the account');
    if (!ctx.signature || !ctx.blob) return ctx.accept();
    if (!verifySignature(ctx)) return this.badSignature(ctx, handle);
    this.provenKey = { algo: ctx.key.algo, blob: ctx.key.data, fingerprint };
    this.deps.log.info({ user: handle.slice(0, 32), fingerprint }, 'key not bound to the account; asking for a password');
    this.deps.tell(`The key ${fingerprint} is not bound to your account yet. Log in with your password; then /keys add binds it.`);
    ctx.reject(METHODS, true);
  }

  /** Not a failed login (no guess was made): logged at debug level and not counted. */
  private keyRefused(ctx: PublicKeyAuthContext, handle: string, why: string): void {
    this.deps.log.debug({ user: handle.slice(0, 32), fingerprint: fingerprintOf(ctx.key.data), why }, 'key refused');
    ctx.reject(METHODS);
  }

  /** Logged like a failed password (same message and fields), with the key's fingerprint, and counted. */
  private badSignature(ctx: PublicKeyAuthContext, handle: string): void {
    const fingerprint = fingerprintOf(ctx.key.data);
    this.failures += 1;
    this.deps.log.info({ user: handle.slice(0, 32), method: 'publickey', fingerprint, why: 'bad signature', failures: this.failures }, 'login failed');
    this.deps.onFailure?.('publickey');
    if (this.failures >= this.deps.maxLoginAttempts) return this.giveUp(GIVE_UP_NOTICE);
    ctx.reject(METHODS);
  }

  private async password(ctx: PasswordAuthContext | KeyboardAuthContext, handle: string, password: string): Promise<void> {
    const { guard, remote, users, log } = this.deps;
    const waitMs = await guard.lockedFor(handle, remote);
    if (waitMs > 0) {
      log.warn({ user: handle.slice(0, 32), waitMs }, 'login refused: locked out');
      this.deps.onFailure?.('locked_out');
      return this.fail(ctx, lockoutNotice(waitMs));
    }
    if (this.deps.hashQueueFull()) {
      log.warn({ user: handle.slice(0, 32), reason: 'hash_queue_full' }, 'login refused: busy');
      return this.fail(ctx, BUSY_NOTICE);
    }
    const user = isValidHandle(handle) && password.length <= 1024 ? await users.verifyPassword(handle, password) : undefined;
    if (!user) {
      guard.recordFailure(handle, remote);
      this.failures += 1;
      log.info({ user: handle.slice(0, 32), method: ctx.method, failures: this.failures }, 'login failed');
      this.deps.onFailure?.('password');
      if (this.failures >= this.deps.maxLoginAttempts) return this.giveUp(GIVE_UP_NOTICE);
      return this.fail(ctx);
    }
    guard.recordSuccess(handle, remote);
    this.succeed(ctx, { kind: 'user', user, method: ctx.method, ...(this.provenKey && { provenKey: this.provenKey }) });
  }

  private keyboard(ctx: KeyboardAuthContext, handle: string): void {
    ctx.prompt([{ prompt: 'Password: ', echo: false }], this.deps.bbsName, '', (answers: string[] | Error) => {
      // ssh2 hands an aborted exchange to the prompt callback as an Error, not an array of answers.
      if (!Array.isArray(answers) || typeof answers[0] !== 'string') return safely(() => ctx.reject(METHODS));
      this.password(ctx, handle, answers[0]).catch((err: unknown) => this.failedUnexpectedly(ctx, err));
    });
  }

  /**
   * Keyboard-interactive shows why in its own dialogue and lets the client go on; the password
   * method can only answer "no", so there the connection ends with the notice as its reason.
   */
  private fail(ctx: AuthContext, notice?: string): void {
    if (notice && ctx.method === 'keyboard-interactive') {
      return (ctx as KeyboardAuthContext).prompt([], this.deps.bbsName, notice, () => safely(() => ctx.reject(METHODS)));
    }
    if (notice) return this.deps.hangUp(notice);
    ctx.reject(METHODS);
  }

  private succeed(ctx: AuthContext, outcome: AuthOutcome): void {
    this.outcome = outcome;
    ctx.accept();
  }

  private giveUp(notice: string): void {
    this.deps.log.warn({ requests: this.requests, failures: this.failures }, 'too many authentication attempts; disconnecting');
    this.deps.onFailure?.('too_many_attempts');
    this.deps.hangUp(notice);
  }
}

/**
 * An RSA key used with the `ssh-rsa` signature algorithm signs with SHA-1, which the board accepts
 * no more than OpenSSH's own server does (since 8.8). ssh2 names an rsa-sha2-256/512 request's key
 * `ssh-rsa` too, but then sets the hash; a bare `ssh-rsa` has none.
 */
function isSha1Rsa(ctx: PublicKeyAuthContext): boolean {
  return ctx.key.algo === 'ssh-rsa' && !ctx.hashAlgo;
}

const GIVE_UP_NOTICE = 'Too many failed login attempts. Goodbye.';
const TOO_MANY_REQUESTS_NOTICE = 'Too many authentication attempts on one connection. Goodbye.';
const BUSY_NOTICE = 'The board is busy checking passwords. Please try again in a moment.';

function lockoutNotice(waitMs: number): string {
  if (waitMs < 60_000) {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return `Too many failed logins. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
  }
  const minutes = Math.ceil(waitMs / 60_000);
  return `Too many failed logins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // the connection is already gone; nothing to answer
  }
}
