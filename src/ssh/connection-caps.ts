/**
 * The front door's seam to its admission authority (admission.ts's policy: caps, per-address
 * shares, the pre-login and registration pools, the version-line deadline). The authority lives
 * in this process, or in the primary of a board with workers, so that shares and pools hold
 * across every worker; then the answers come over IPC, as promises. The listener reports each
 * connection's lifecycle; the authority alone decides whom to drop (room made for a newcomer, a
 * silent connection past its deadline) and says so through onDrop, to the process that holds it.
 */
import { createAdmission, type AdmissionLimits, type ConnId, type Decision, type RefusalCode } from './admission.js';

/** A connection counted (its id is the authority's), or the rule that refused it. */
export type Admitted = { ok: true; id: ConnId } | { ok: false; code: RefusalCode };

/** What the front door tells and asks its admission authority, wherever it is. */
export interface ConnectionCounts {
  connect(address: string): Admitted | Promise<Admitted>;
  versionSeen(id: ConnId): void;
  /** A member logged in. */
  authenticated(id: ConnId): void;
  /** A newcomer logged in as `new`: a place in the registration pool, or a refusal. */
  newcomer(id: ConnId): Decision | Promise<Decision>;
  /** The caller holds a node: out of every pool. */
  admitted(id: ConnId): void;
  /** An account was created on this connection. */
  registered(id: ConnId): void;
  closed(id: ConnId): void;
  /** The authority drops a connection this process holds. One listener: the front door's. */
  onDrop(listener: (id: ConnId, code: RefusalCode) => void): void;
  /** No more decisions wanted (the front door stopped). */
  stop(): void;
}

/** How often the version-line deadline is looked at. */
export const SWEEP_MS = 500;

/** The authority in this process: the policy itself, with its own deadline sweep. */
export function createLocalCounts(limits: AdmissionLimits, now: () => number = Date.now): ConnectionCounts {
  const admission = createAdmission(limits, now);
  let drop: (id: ConnId, code: RefusalCode) => void = () => undefined;
  const sweep = setInterval(() => {
    for (const id of admission.expired()) drop(id, 'no_version');
  }, SWEEP_MS);
  sweep.unref();
  return {
    connect(address) {
      const decision = admission.connect(address);
      if (!decision.ok) return decision;
      for (const victim of decision.evict) drop(victim, 'evicted');
      return { ok: true, id: decision.id };
    },
    versionSeen: (id) => admission.versionSeen(id),
    authenticated: (id) => admission.authenticated(id),
    newcomer: (id) => admission.newcomer(id),
    admitted: (id) => admission.admitted(id),
    registered: (id) => admission.registered(id),
    closed: (id) => admission.closed(id),
    onDrop(listener) {
      drop = listener;
    },
    stop: () => clearInterval(sweep),
  };
}
