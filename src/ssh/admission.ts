/**
 * Admission policy for the front door: who may open a connection, who must make room, and who is
 * dropped for silence. Pure: no sockets, no timers — the listener reports events (connect, version
 * line seen, authenticated, on a node, closed) and asks `expired()` now and then; time comes from
 * the injected clock. So it can live wherever the listener lives (one process, or a primary that
 * hands sockets to workers).
 *
 * Pools, each with a per-address share (an IPv6 /64 is one address):
 * - pre-login: connected but not yet authenticated, or a member not yet on a node. When it is
 *   full, room is made as OpenSSH's MaxStartups does, by dropping a waiting connection: the oldest
 *   that has not even sent its SSH version line, else a random one still logging in. A newcomer is
 *   refused only when everyone waiting has already logged in.
 * - registration: callers filling in the new-user form, which takes minutes, so they never hold
 *   the pre-login pool.
 * A connection that sends no SSH version line within `versionMs` is dropped.
 */
import type { AuthConfig, ConnectionConfig } from '../config.js';
import type { FrontDoorRefusal } from '../metrics/board-metrics.js';
import { addressKey } from './address.js';

/** Why the front door refused or dropped a connection (a part of the metrics' closed set). */
export type RefusalCode = FrontDoorRefusal;

export interface AdmissionLimits {
  maxConnections: number;
  maxPerAddress: number;
  preLogin: number;
  preLoginPerAddress: number;
  registering: number;
  registeringPerAddress: number;
  /** Accounts one address may create per hour. */
  registrationsPerHour: number;
  /** Time to send the SSH version line. */
  versionMs: number;
}

/** The limits from the board's config sections. */
export function admissionLimits(connection: ConnectionConfig, auth: AuthConfig): AdmissionLimits {
  return {
    maxConnections: connection.max_connections,
    maxPerAddress: connection.max_per_ip,
    preLogin: connection.max_unauthenticated,
    preLoginPerAddress: connection.max_unauthenticated_per_ip,
    registering: connection.max_registering,
    registeringPerAddress: connection.max_registering_per_ip,
    registrationsPerHour: auth.registrations_per_hour,
    versionMs: connection.version_seconds * 1000,
  };
}

export type ConnId = number;
export type Decision = { ok: true } | { ok: false; code: RefusalCode };
export type ConnectDecision = { ok: true; id: ConnId; evict: ConnId[] } | { ok: false; code: RefusalCode };

type Stage = 'pre-login' | 'registering' | 'admitted';

interface Entry {
  key: string;
  stage: Stage;
  at: number;
  versionSeen: boolean;
  authenticated: boolean;
}

const HOUR_MS = 3_600_000;
/** Addresses whose recent registrations are remembered; past it the oldest are forgotten. */
const MAX_REGISTRATION_RECORDS = 10_000;

export interface Admission {
  connect(address: string): ConnectDecision;
  versionSeen(id: ConnId): void;
  /** A member logged in: no longer evictable; stays pre-login until it is on a node. */
  authenticated(id: ConnId): void;
  /** A newcomer logged in as `new`: moves to the registration pool, or is refused. */
  newcomer(id: ConnId): Decision;
  /** The caller is on a node (or finished registering and is): leaves every pool. */
  admitted(id: ConnId): void;
  /** An account was created from this connection's address. */
  registered(id: ConnId): void;
  closed(id: ConnId): void;
  /** Connections whose version deadline has passed: the host drops them. */
  expired(): ConnId[];
  counts(): { connections: number; preLogin: number; registering: number };
}

export function createAdmission(limits: AdmissionLimits, now: () => number = Date.now, random: () => number = Math.random): Admission {
  const entries = new Map<ConnId, Entry>();
  /** Per address: connections in all, and in each pool. Kept as counts so a decision costs O(1). */
  const tallies = new Map<string, { all: number; preLogin: number; registering: number }>();
  /** The pre-login pool; a Set keeps insertion order, so the oldest comes first. */
  const preLogin = new Set<ConnId>();
  let registering = 0;
  const registrations = new Map<string, number[]>();
  let nextId = 1;

  const tally = (key: string) => {
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = { all: 0, preLogin: 0, registering: 0 }));
    return t;
  };

  /** Moves an entry out of its pool, into another stage or out altogether. */
  function move(id: ConnId, e: Entry, to: Stage | 'gone'): void {
    const t = tally(e.key);
    if (e.stage === 'pre-login') {
      t.preLogin -= 1;
      preLogin.delete(id);
    } else if (e.stage === 'registering') {
      t.registering -= 1;
      registering -= 1;
    }
    if (to === 'registering') {
      t.registering += 1;
      registering += 1;
    }
    if (to !== 'gone') {
      e.stage = to;
      return;
    }
    entries.delete(id);
    t.all -= 1;
    if (t.all === 0) tallies.delete(e.key);
  }

  function pickVictim(): ConnId | undefined {
    const loggingIn: ConnId[] = [];
    for (const id of preLogin) {
      const e = entries.get(id)!;
      if (e.authenticated) continue;
      if (!e.versionSeen) return id; // the oldest silent one
      loggingIn.push(id);
    }
    return loggingIn.length > 0 ? loggingIn[Math.floor(random() * loggingIn.length)] : undefined;
  }

  function recentRegistrations(key: string): number[] {
    const cutoff = now() - HOUR_MS;
    const times = (registrations.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) registrations.delete(key);
    else registrations.set(key, times);
    return times;
  }

  return {
    connect(address) {
      const key = addressKey(address);
      const mine = tallies.get(key);
      if (entries.size >= limits.maxConnections) return { ok: false, code: 'max_connections' };
      if ((mine?.all ?? 0) >= limits.maxPerAddress) return { ok: false, code: 'max_per_ip' };
      if ((mine?.preLogin ?? 0) >= limits.preLoginPerAddress) return { ok: false, code: 'pre_login_per_ip' };
      const evict: ConnId[] = [];
      if (preLogin.size >= limits.preLogin) {
        const victim = pickVictim();
        if (victim === undefined) return { ok: false, code: 'pre_login_full' };
        move(victim, entries.get(victim)!, 'gone');
        evict.push(victim);
      }
      const id = nextId++;
      entries.set(id, { key, stage: 'pre-login', at: now(), versionSeen: false, authenticated: false });
      const t = tally(key);
      t.all += 1;
      t.preLogin += 1;
      preLogin.add(id);
      return { ok: true, id, evict };
    },
    versionSeen(id) {
      const e = entries.get(id);
      if (e) e.versionSeen = true;
    },
    authenticated(id) {
      const e = entries.get(id);
      if (e) e.authenticated = true;
    },
    newcomer(id) {
      const e = entries.get(id);
      if (!e) return { ok: true };
      e.authenticated = true;
      if (recentRegistrations(e.key).length >= limits.registrationsPerHour) return { ok: false, code: 'registration_rate' };
      if (registering >= limits.registering) return { ok: false, code: 'registration_full' };
      if (tally(e.key).registering >= limits.registeringPerAddress) return { ok: false, code: 'registration_per_ip' };
      move(id, e, 'registering');
      return { ok: true };
    },
    admitted(id) {
      const e = entries.get(id);
      if (e) move(id, e, 'admitted');
    },
    registered(id) {
      const e = entries.get(id);
      if (!e) return;
      const times = recentRegistrations(e.key);
      registrations.delete(e.key); // re-insert: Map order is least recently registered first
      registrations.set(e.key, [...times, now()]);
      if (registrations.size > MAX_REGISTRATION_RECORDS) registrations.delete(registrations.keys().next().value!);
    },
    closed(id) {
      const e = entries.get(id);
      if (e) move(id, e, 'gone');
    },
    expired() {
      // Only pre-login connections can still be silent: every other stage has logged in.
      const cutoff = now() - limits.versionMs;
      const late: ConnId[] = [];
      for (const id of preLogin) {
        const e = entries.get(id)!;
        if (!e.versionSeen && e.at <= cutoff) late.push(id);
      }
      return late;
    },
    counts: () => ({ connections: entries.size, preLogin: preLogin.size, registering }),
  };
}
