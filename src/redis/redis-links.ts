/**
 * BoardLinks on Redis: several instances of the board (machines, or worker processes) on one Redis
 * are one board. The room is a Redis stream that every instance reads in one order (lines, seats,
 * presence changes, callers waiting outside the full room, notices to one caller); seats, presence
 * records, waiters, nodes and "one account, one session" are decided by Lua scripts in Redis
 * (./scripts.ts, ./presence-scripts.ts), so an instance starting late reads the current state; login
 * failures are counted there too. Each instance beats a heartbeat key with an expiry and reaps
 * instances whose key expired, so a dead instance's nodes and seats come back within
 * 3 heartbeats + 1, and the rooms hear its callers leave once (the reaping script runs once).
 *
 * Redis going away is survived, not fatal: the client (ioredis) reconnects by itself and keeps
 * commands in its queue meanwhile (maxRetriesPerRequest: null), so a line typed during an outage
 * is sent when Redis is back, in order. Callers are told the room is reconnecting. When Redis is
 * back empty after a restart, the instance puts back what its own callers hold; an instance that
 * finds it was counted gone meanwhile (stalled, or cut off past its expiry) ends its calls, whose
 * seats and nodes the others have already given back.
 * The connection caps stay with each machine's front door (they protect that machine).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { BoardLinks } from '../board.js';
import { createFanOut } from '../chat/bus.js';
import { ROOM_FULL, type Participant } from '../chat/roster.js';
import type { AuthConfig } from '../config.js';
import type { ConnectionCounts } from '../ssh/connection-caps.js';
import type { HostKey } from '../ssh/host-keys.js';
import { Holdings } from './holdings.js';
import { createRedisLoginAttempts } from './login-counters.js';
import { createRoomMirror } from './room-mirror.js';
import { recentMessages, startRoomReader, type StreamEntry } from './room-stream.js';
import { defineRoomScripts, ROOM_KEY_NAMES, roomKey, STREAM_MAXLEN } from './room-scripts.js';
import { redactUrl } from '../redact-url.js';
import { HOST_KEYS_KEY, KEY_PREFIX } from './scripts.js';

/** Room entries read at start for the history a caller sees on entering. */
const RECENT_ENTRIES = 2000;

export interface RedisLinksOptions {
  url: string;
  heartbeatSeconds: number;
  maxNodes: number;
  auth: Pick<AuthConfig, 'max_login_attempts' | 'lockout_minutes'>;
  /** The connection caps of this machine's front door. */
  counts: ConnectionCounts;
  hostKeys: HostKey[];
  log: Logger;
  now?: () => number;
}

export interface RedisLinks extends BoardLinks {
  readonly instance: string;
  close(): Promise<void>;
}

/** Start-up could not join the board in Redis; the message is the line the sysop reads. */
export class RedisStartError extends Error {
  readonly code = 'ERR_BBS_REDIS';
}

export async function connectRedisLinks(options: RedisLinksOptions): Promise<RedisLinks> {
  const { log } = options;
  const now = options.now ?? Date.now;
  const instance = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const where = describeUrl(options.url);
  const client = new Redis(options.url, {
    // Commands wait for the reconnect instead of failing: nothing typed is dropped.
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    connectionName: `ssh-bbs:${instance}`,
  });
  let lastError = '';
  client.on('error', (err: Error) => {
    lastError = (err as NodeJS.ErrnoException).code ?? err.message;
    log.debug({ err: lastError }, 'redis connection error');
  });
  const run = defineRoomScripts(client);
  const roomKeys = ROOM_KEY_NAMES;
  const ttl = options.heartbeatSeconds * 3000;

  // Start-up waits for Redis as long as a running instance may be silent (Redis restarting, say),
  // then gives up with a clear line.
  const started = await Promise.race([client.ping().then(() => true, () => false), delay(ttl).then(() => false)]);
  if (!started) {
    client.disconnect();
    throw new RedisStartError(`Cannot reach Redis at ${where} (${lastError || 'no answer'}). Start Redis, or set room.redis (BBS_REDIS_URL).`);
  }
  const fingerprints = fingerprintsOf(options.hostKeys);
  const announced = String(await run('hostKeys', HOST_KEYS_KEY, fingerprints));
  if (announced !== '') {
    client.disconnect();
    throw new RedisStartError(
      `This instance's host keys (${fingerprints}) differ from the ones the running instances announce in Redis (${announced}). Give every instance the same keys folder (a shared volume or secret).`,
    );
  }

  const fanOut = createFanOut();
  const mirror = createRoomMirror();
  const held = new Holdings(instance);
  const report = (what: string) => (err: unknown) => log.warn({ err: (err as Error).message }, what);

  const onEntry = (entry: StreamEntry) => {
    if (entry.type === 'end') {
      if (entry.instance === instance) held.session(entry.key)?.end(entry.removal?.reason ?? 'replaced', entry.removal?.text, entry.removal?.notice);
      return;
    }
    mirror.hear(entry);
    held.hear(entry);
    fanOut.emit([entry]);
  };
  const [from, seatedFlat, waitingFlat] = (await run('snapshot')) as [string, string[], string[]];
  const seated: Participant[] = [];
  for (let i = 0; i + 1 < seatedFlat.length; i += 2) seated.push({ ...(JSON.parse(seatedFlat[i]!) as Participant), seat: seatedFlat[i + 1] });
  const waiters: Array<[string, string]> = [];
  for (let i = 0; i + 1 < waitingFlat.length; i += 2) waiters.push([waitingFlat[i]!, waitingFlat[i + 1]!]);
  mirror.load(seated, waiters);
  // Entries, not lines: joins and leaves are among them. Bounded: this is read once, at start.
  const recent = from === '0-0' ? [] : await recentMessages(client, roomKeys[0]!, from!, RECENT_ENTRIES);
  const readerConnection = client.duplicate();
  readerConnection.on('error', () => undefined);
  const reader = startRoomReader(readerConnection, roomKeys[0]!, from!, onEntry, report('room stream read failed'));

  const notice = (text: string) => fanOut.emit([{ type: 'message', message: { kind: 'system', text, official: false, at: now() } }]);
  let boardEpoch = (((await run('rejoin', instance, ttl, held.toJson(), '', randomBytes(8).toString('hex'))) as string[])[1])!;
  let up = true;
  let told = false;
  let closing = false;
  client.on('close', () => {
    if (!up || closing) return;
    up = false;
    told = true;
    log.warn({ redis: where }, 'lost Redis; reconnecting');
    notice('The room is reconnecting. What you type is sent when it is back.');
  });

  let rejoining = false;
  let reapAfter = 0;
  /** Back in Redis after an outage, a restart or a stall: one script decides what that means. */
  function rejoin(): void {
    if (up || closing || rejoining) return;
    rejoining = true;
    // The first command sent from the 'ready' event: it goes before the commands queued meanwhile.
    void run('rejoin', instance, ttl, held.toJson(), boardEpoch, randomBytes(8).toString('hex')).then(
      (reply) => {
        const [outcome, epoch, conflicts] = reply as [string, string, number];
        rejoining = false;
        up = true;
        boardEpoch = epoch;
        // The others may be reconnecting too, their heartbeats expired meanwhile: give them one
        // expiry's time to come back before counting them gone.
        reapAfter = now() + ttl;
        if (outcome === 'restored') reader.releaseWaits();
        if (outcome === 'gone') cutOff();
        else log.info({ redis: where, outcome, conflicts }, outcome === 'restored' ? 'Redis is back, empty: put back our callers' : 'Redis is back');
        if (told) notice('The room is back.');
        told = false;
      },
      (err: unknown) => {
        rejoining = false;
        report('could not rejoin the board in Redis (tried again on the next heartbeat)')(err);
      },
    );
  }
  client.on('ready', rejoin);

  /** The board counted this instance gone and gave its callers' seats and nodes away: let them go. */
  function cutOff(): void {
    const sessions = held.allSessions();
    log.warn({ instance, sessions: sessions.length }, 'this instance was counted gone; ending its calls');
    for (const session of sessions) session.end('cut-off');
  }

  let nodesInUse = 0;
  async function heartbeat(): Promise<void> {
    if (!up) return client.status === 'ready' ? rejoin() : undefined;
    const [known, inUse, epoch] = (await run('beat', instance, ttl)) as [number, number, string];
    nodesInUse = inUse;
    if (known === 0 || epoch !== boardEpoch) {
      up = false;
      return rejoin();
    }
    if (now() < reapAfter) return;
    const [gone, seatsFreed, nodesFreed] = (await run('reap', now())) as number[];
    if (gone! > 0) log.warn({ instances: gone, seats: seatsFreed, nodes: nodesFreed }, 'gave back the callers of instances that stopped beating');
  }
  const timer = setInterval(() => void heartbeat().catch(report('heartbeat failed')), options.heartbeatSeconds * 1000);
  log.info({ redis: where, instance, heartbeatSeconds: options.heartbeatSeconds }, 'room shared through Redis');

  return {
    instance,
    recent,
    nodesInUse: () => nodesInUse,
    bus: {
      publish: (message) => void client.xadd(roomKeys[0]!, 'MAXLEN', '~', STREAM_MAXLEN, '*', 't', 'message', 'm', JSON.stringify(message)).catch(report('could not send a line')),
      async join(participant, capacity) {
        const { seat: _ignored, ...record } = participant;
        const json = JSON.stringify(record);
        const seat = held.newSeat();
        const [ok, what, last] = (await run('join', json, participant.userId, participant.handle, capacity, instance, seat, participant.joinedAt)) as [number, string, string];
        if (ok === 1) held.seats.set(participant.userId, { seat, json, handle: participant.handle });
        if (last) await reader.passed(last);
        if (ok === 1) return { ok: true, seat };
        return { ok: false, error: what === 'full' ? ROOM_FULL : `Someone called ${participant.handle} is already in the room.` };
      },
      leave(userId, seat, at) {
        held.gaveBack(userId, seat);
        void run('leave', userId, seat, at).catch(report('could not give a seat back'));
      },
      update: (userId, seat, change) => void run('update', userId, seat, JSON.stringify(change)).catch(report('could not change a presence')),
      wait(userId, handle) {
        held.waiting.set(userId, handle);
        void run('wait', userId, handle, instance).catch(report('could not note a caller waiting outside'));
      },
      stopWaiting(userId) {
        held.waiting.delete(userId);
        void run('stopWaiting', userId, instance).catch(report('could not note a caller no longer waiting'));
      },
      notify: (userId, text, at) =>
        void client.xadd(roomKeys[0]!, 'MAXLEN', '~', STREAM_MAXLEN, '*', 't', 'notice', 'u', userId, 'x', text, 'a', at).catch(report('could not send a notice')),
      subscribe(handler) {
        for (const event of mirror.replay()) handler(event);
        return fanOut.subscribe(handler);
      },
    },
    lines: {
      maxNodes: options.maxNodes,
      // Counted by Redis in one step: the nodes every instance holds.
      inUse: () => client.hlen(roomKey('nodes')),
      async acquire() {
        const node = Number(await run('acquire', options.maxNodes, instance));
        if (node === 0) return undefined;
        held.nodes.add(node);
        return node;
      },
      release(node) {
        if (!held.nodes.delete(node)) return;
        void run('release', node, instance).catch(report('could not give a node back'));
      },
      claimAccount(userId, caller) {
        void run('claim', userId, held.claim(userId, caller)).catch(report('could not claim an account'));
      },
      releaseAccount(userId, caller) {
        const value = held.release(userId, caller);
        if (value !== undefined) void run('unclaim', userId, value).catch(report('could not release an account'));
      },
      removeAccount: (userId, { reason, text, notice }) => void run('remove', userId, reason, text, notice ?? '').catch(report('could not end a session')),
    },
    counts: options.counts,
    logins: createRedisLoginAttempts(client, KEY_PREFIX, options.auth, report),
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(timer);
      // Whatever the sessions have not given back yet goes with the instance; not waited for long
      // when Redis is away (the heartbeat's expiry gives it back then).
      if (client.status === 'ready') await Promise.race([run('depart', instance, now()).catch(() => undefined), delay(2000)]);
      reader.stop();
      readerConnection.disconnect();
      client.disconnect();
    },
  };
}

/** How instances compare their host keys: every fingerprint, in one order. */
export function fingerprintsOf(keys: readonly HostKey[]): string {
  return keys.map((k) => k.fingerprint).sort().join(' ');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** The URL without a password, for logs and messages. */
export function describeUrl(url: string): string {
  // ioredis also reads a password from the query string, of a URL or of a socket path.
  if (url.startsWith('/')) return url.split('?')[0]!;
  return redactUrl(url);
}
