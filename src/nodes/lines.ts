/**
 * The board's lines as one authority sees them: which nodes are taken, and which session holds
 * each account ("one account, one session": a second login takes over and the first says
 * goodbye — usually a caller whose old connection has not noticed yet that it dropped). The
 * in-process Lines below is the default; a board with workers runs it in its primary process and
 * reaches it over IPC, so taking a node may take a moment.
 */
import { NodeManager, type NodeHolder } from './node-manager.js';

/**
 * A session as the authority knows it: something it can tell to end — taken over by a later
 * login, cut off (its instance of a shared board was counted gone and its seat given back), or
 * kicked or banned by a sysop on any instance (with the text the caller reads instead of goodbye,
 * and the notice the room hears). A session ends once: only the first end says anything.
 */
export interface CallerHandle {
  end(reason: SessionEnd, text?: string, notice?: string): void;
}

export type SessionEnd = 'replaced' | 'cut-off' | 'kicked' | 'banned';

/** Why a sysop ends someone else's call, and what that caller reads. */
export interface Removal {
  reason: 'kicked' | 'banned';
  text: string;
  /**
   * What the room hears, said by the session as it ends: a ban kept in the database may also be
   * found by the call's own account watch, and whichever ends the call first is the one heard.
   */
  notice?: string;
}

export interface Lines {
  readonly maxNodes: number;
  /** The lowest free node, or undefined when every line is busy. */
  acquire(holder: NodeHolder): Promise<number | undefined>;
  /** How many nodes are taken now (a newcomer hears of a full board before the form). */
  inUse(): Promise<number>;
  /** Idempotent. */
  release(node: number): void;
  /** This session now holds the account; one that held it before is told to end. */
  claimAccount(userId: number, caller: CallerHandle): void;
  /** Given back only by the session that holds it. */
  releaseAccount(userId: number, caller: CallerHandle): void;
  /** End the account's session wherever it is (another worker or instance): a sysop's kick or ban. */
  removeAccount(userId: number, removal: Removal): void;
}

export class ActiveCallers<Caller extends CallerHandle = CallerHandle> {
  private readonly byUser = new Map<number, Caller>();

  claim(userId: number, caller: Caller): void {
    const previous = this.byUser.get(userId);
    this.byUser.set(userId, caller);
    if (previous && previous !== caller) previous.end('replaced');
  }

  release(userId: number, caller: Caller): void {
    if (this.byUser.get(userId) === caller) this.byUser.delete(userId);
  }

  get(userId: number): Caller | undefined {
    return this.byUser.get(userId);
  }
}

export function createLocalLines(nodes: NodeManager): Lines {
  const callers = new ActiveCallers();
  return {
    maxNodes: nodes.maxNodes,
    acquire: (holder) => Promise.resolve(nodes.acquire(holder)),
    inUse: () => Promise.resolve(nodes.inUse()),
    release: (node) => nodes.release(node),
    claimAccount: (userId, caller) => callers.claim(userId, caller),
    releaseAccount: (userId, caller) => callers.release(userId, caller),
    removeAccount: (userId, { reason, text, notice }) => callers.get(userId)?.end(reason, text, notice),
  };
}
