/**
 * The board's decisions as Lua scripts, each run atomically by Redis itself: a seat (capacity,
 * one handle once, the same account's earlier seat given back first), a presence change kept on
 * the seat's record, who waits outside the full room, a node (the lowest free one), "one account,
 * one session" (and a sysop ending an account's session wherever it is), and giving back everything a stopped instance held. A script
 * that changes who is in the room appends the events to the room stream in the same step, so
 * every instance hears the changes in the order they were made. Nothing here reads a value into
 * Node and writes it back: a count that two instances change at once cannot come out wrong.
 *
 * Every room script takes the same KEYS (see ROOM_KEYS) and ARGV[1] = the stream's rough length
 * cap, ARGV[2] = the prefix of instances' heartbeat keys; its own arguments follow.
 */

import { stopWaiting, update, wait } from './presence-scripts.js';

/** Every key the board keeps in Redis starts with this. */
export const KEY_PREFIX = 'bbs:';
/** The fingerprints of the board's host keys, as the first instance announced them. */
export const HOST_KEYS_KEY = `${KEY_PREFIX}host-keys`;
/** Followed by an instance's id: its heartbeat, which expires unless beaten again. */
export const ALIVE_PREFIX = `${KEY_PREFIX}alive:`;

/** The keys every room script is given, in order (after KEY_PREFIX). Standalone Redis: one database holds them all. */
export const ROOM_KEYS = ['room', 'seats', 'seat-ids', 'owners', 'handles', 'nodes', 'accounts', 'instances', 'epoch', 'waiting', 'wait-owners'] as const;

const PRELUDE = `
local ROOM, SEATS, SEAT_IDS, OWNERS, HANDLES, NODES, ACCOUNTS, INSTANCES, EPOCH = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
-- Callers kept outside the full room: user id → handle, and user id → the instance they are on.
local WAITING, WAIT_OWNERS = KEYS[10], KEYS[11]
local MAXLEN, ALIVE = ARGV[1], ARGV[2]
local last = ''
local function emit(...)
  last = redis.call('XADD', ROOM, 'MAXLEN', '~', MAXLEN, '*', ...)
  return last
end
-- Handles are letters, digits, '_' and '-' (validated before a seat is asked for): lower() is exact.
local function said(kind, handle, at)
  return '{"kind":"' .. kind .. '","handle":' .. cjson.encode(handle) .. ',"at":' .. at .. '}'
end
local function unseat(userId, at)
  local seat = redis.call('HGET', SEAT_IDS, userId)
  if not seat then return 0 end
  local p = cjson.decode(redis.call('HGET', SEATS, userId))
  redis.call('HDEL', SEATS, userId)
  redis.call('HDEL', SEAT_IDS, userId)
  redis.call('HDEL', OWNERS, userId)
  redis.call('HDEL', HANDLES, string.lower(p.handle))
  emit('t', 'left', 'u', userId, 's', seat)
  emit('t', 'message', 'm', said('leave', p.handle, at))
  return 1
end
-- Tell the instance holding a session ("instance|key") to end it; a sysop's removal adds why.
local function end_session(held, ...)
  local bar = string.find(held, '|', 1, true)
  emit('t', 'end', 'i', string.sub(held, 1, bar - 1), 'k', string.sub(held, bar + 1), ...)
end
local function stop_waiting(userId)
  redis.call('HDEL', WAITING, userId)
  redis.call('HDEL', WAIT_OWNERS, userId)
  emit('t', 'stopped-waiting', 'u', userId)
end
local function release(inst, at)
  local seats, nodes = 0, 0
  local owners = redis.call('HGETALL', OWNERS)
  for i = 1, #owners, 2 do
    if owners[i + 1] == inst then seats = seats + unseat(owners[i], at) end
  end
  local waiters = redis.call('HGETALL', WAIT_OWNERS)
  for i = 1, #waiters, 2 do
    if waiters[i + 1] == inst then stop_waiting(waiters[i]) end
  end
  local held = redis.call('HGETALL', NODES)
  for i = 1, #held, 2 do
    if held[i + 1] == inst then
      redis.call('HDEL', NODES, held[i])
      nodes = nodes + 1
    end
  end
  local prefix = inst .. '|'
  local accounts = redis.call('HGETALL', ACCOUNTS)
  for i = 1, #accounts, 2 do
    if string.sub(accounts[i + 1], 1, #prefix) == prefix then redis.call('HDEL', ACCOUNTS, accounts[i]) end
  end
  redis.call('SREM', INSTANCES, inst)
  redis.call('DEL', ALIVE .. inst)
  return { seats, nodes }
end
`;

/** ARGV[3..]: participant JSON (no seat), user id, handle, capacity, instance, seat, at → {ok, seat or why, last id}. */
const join = `
local pjson, userId, handle, capacity, inst, seat, at = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7], ARGV[8], ARGV[9]
unseat(userId, at)
if redis.call('HLEN', SEATS) >= capacity then return { 0, 'full', last } end
if redis.call('HEXISTS', HANDLES, string.lower(handle)) == 1 then return { 0, 'handle', last } end
redis.call('HSET', SEATS, userId, pjson)
redis.call('HSET', SEAT_IDS, userId, seat)
redis.call('HSET', OWNERS, userId, inst)
redis.call('HSET', HANDLES, string.lower(handle), userId)
-- Every room stops counting them as waiting when it hears 'joined'.
redis.call('HDEL', WAITING, userId)
redis.call('HDEL', WAIT_OWNERS, userId)
emit('t', 'joined', 'p', pjson, 's', seat)
emit('t', 'message', 'm', said('join', handle, at))
return { 1, seat, last }
`;

/**
 * ARGV[3..]: user id, seat, at. A seat Redis no longer knows (it restarted empty, or the seat was
 * reaped) still tells the rooms 'left', without a second "has left" line: no one stays in a room
 * whose caller is gone, and no one is announced twice.
 */
const leave = `
local userId, seat, at = ARGV[3], ARGV[4], ARGV[5]
local current = redis.call('HGET', SEAT_IDS, userId)
if current == seat then unseat(userId, at)
elseif not current then emit('t', 'left', 'u', userId, 's', seat) end
return last
`;

/** ARGV[3..]: max nodes, instance → the lowest free node, or 0 when every line is busy. */
const acquire = `
for n = 1, tonumber(ARGV[3]) do
  if redis.call('HSETNX', NODES, n, ARGV[4]) == 1 then return n end
end
return 0
`;

/** ARGV[3..]: node, instance. Only the instance that holds a node gives it back. */
const release = `
if redis.call('HGET', NODES, ARGV[3]) == ARGV[4] then redis.call('HDEL', NODES, ARGV[3]) end
return 0
`;

/** ARGV[3..]: user id, "instance|session key". The session that held the account before is told to end. */
const claim = `
local old = redis.call('HGET', ACCOUNTS, ARGV[3])
redis.call('HSET', ACCOUNTS, ARGV[3], ARGV[4])
if old and old ~= ARGV[4] then end_session(old) end
return 0
`;

/**
 * ARGV[3..]: user id, 'kicked' | 'banned', the text the caller reads, the notice the room hears
 * ('' for none). The session holding the account, on any instance, ends → 1, or 0 when no session
 * holds it.
 */
const remove = `
local held = redis.call('HGET', ACCOUNTS, ARGV[3])
if not held then return 0 end
end_session(held, 'r', ARGV[4], 'x', ARGV[5], 'n', ARGV[6])
return 1
`;

/** ARGV[3..]: user id, "instance|session key": given back only by the session that holds it. */
const unclaim = `
if redis.call('HGET', ACCOUNTS, ARGV[3]) == ARGV[4] then redis.call('HDEL', ACCOUNTS, ARGV[3]) end
return 0
`;

/**
 * ARGV[3..]: instance, heartbeat ttl ms → {1, nodes in use on the whole board (for the metrics),
 * the board's epoch}, or {0, …} without beating when Redis does not know this instance (it was
 * counted gone, or Redis restarted): then the instance rejoins.
 */
const beat = `
local epoch = redis.call('GET', EPOCH) or ''
if redis.call('SISMEMBER', INSTANCES, ARGV[3]) == 0 then return { 0, redis.call('HLEN', NODES), epoch } end
redis.call('SET', ALIVE .. ARGV[3], '1', 'PX', ARGV[4])
return { 1, redis.call('HLEN', NODES), epoch }
`;

/** ARGV[3]: at. Every instance whose heartbeat expired gives back what it held, once → {instances, seats, nodes}. */
const reap = `
local gone, seats, nodes = 0, 0, 0
for _, inst in ipairs(redis.call('SMEMBERS', INSTANCES)) do
  if redis.call('EXISTS', ALIVE .. inst) == 0 then
    local freed = release(inst, ARGV[3])
    gone, seats, nodes = gone + 1, seats + freed[1], nodes + freed[2]
  end
end
return { gone, seats, nodes }
`;

/** ARGV[3..]: instance, at. An instance stopping gives back whatever its sessions have not. */
const depart = `
return release(ARGV[3], ARGV[4])
`;

/**
 * → {last stream id, {participant JSON, seat, …}, {user id, handle, …}}: the room as it is (who
 * is seated, who waits outside), and where its stream stands.
 */
const snapshot = `
local top = redis.call('XREVRANGE', ROOM, '+', '-', 'COUNT', 1)
local seated = {}
local seats = redis.call('HGETALL', SEAT_IDS)
for i = 1, #seats, 2 do
  table.insert(seated, redis.call('HGET', SEATS, seats[i]))
  table.insert(seated, seats[i + 1])
end
return { top[1] and top[1][1] or '0-0', seated, redis.call('HGETALL', WAITING) }
`;

/**
 * An instance (re)joins: at start, when Redis is back, or when a heartbeat found it unknown.
 * ARGV[3..]: instance, heartbeat ttl ms, holdings JSON {seats: [[userId, seat, participant JSON,
 * handle]], waiting: [[userId, handle]], nodes: [n], accounts: [[userId, "instance|key"]]}, the epoch it knew ('' at start), a
 * new epoch. The epoch is made once and lives as long as Redis's data, so:
 *  - another epoch: Redis restarted empty. The instance puts back what its callers hold where no
 *    one took it meanwhile; the rooms hear the seats put back (one they still have is no change).
 *  - the same epoch, and Redis had let the instance go: it was counted gone (stalled or cut off
 *    past its expiry) and its callers were given back; the instance must let them go too.
 * → {'restored' | 'kept' | 'gone', epoch, conflicts}
 */
const rejoin = `
local inst = ARGV[3]
local epoch = redis.call('GET', EPOCH)
local known = redis.call('SISMEMBER', INSTANCES, inst)
redis.call('SET', ALIVE .. inst, '1', 'PX', ARGV[4])
redis.call('SADD', INSTANCES, inst)
if epoch and epoch == ARGV[6] then return { known == 1 and 'kept' or 'gone', epoch, 0 } end
if not epoch then
  epoch = ARGV[7]
  redis.call('SET', EPOCH, epoch)
end
local h = cjson.decode(ARGV[5])
local conflicts = 0
for _, s in ipairs(h.seats) do
  local userId, seat, pjson, handle = s[1], s[2], s[3], s[4]
  local current = redis.call('HGET', SEAT_IDS, userId)
  if current == seat then
  elseif current or redis.call('HEXISTS', HANDLES, string.lower(handle)) == 1 then conflicts = conflicts + 1
  else
    redis.call('HSET', SEATS, userId, pjson)
    redis.call('HSET', SEAT_IDS, userId, seat)
    redis.call('HSET', OWNERS, userId, inst)
    redis.call('HSET', HANDLES, string.lower(handle), userId)
    emit('t', 'joined', 'p', pjson, 's', seat)
  end
end
for _, w in ipairs(h.waiting) do
  local userId, handle = w[1], w[2]
  if redis.call('HEXISTS', SEAT_IDS, userId) == 0 and redis.call('HEXISTS', WAITING, userId) == 0 then
    redis.call('HSET', WAITING, userId, handle)
    redis.call('HSET', WAIT_OWNERS, userId, inst)
    emit('t', 'waiting', 'u', userId, 'h', handle)
  end
end
for _, n in ipairs(h.nodes) do
  if redis.call('HSETNX', NODES, n, inst) == 0 and redis.call('HGET', NODES, n) ~= inst then conflicts = conflicts + 1 end
end
for _, a in ipairs(h.accounts) do redis.call('HSETNX', ACCOUNTS, a[1], a[2]) end
return { 'restored', epoch, conflicts }
`;

/**
 * ARGV[3..]: host keys key, this instance's fingerprints → '' when they are the board's, else the
 * fingerprints the live instances announce. With no live instance the new keys are the board's.
 */
const hostKeys = `
local current = redis.call('GET', ARGV[3])
if current and current ~= ARGV[4] then
  for _, inst in ipairs(redis.call('SMEMBERS', INSTANCES)) do
    if redis.call('EXISTS', ALIVE .. inst) == 1 then return current end
  end
end
redis.call('SET', ARGV[3], ARGV[4])
return ''
`;

export const ROOM_SCRIPTS = { join, leave, update, wait, stopWaiting, acquire, release, claim, unclaim, remove, beat, reap, depart, snapshot, rejoin, hostKeys };
export type RoomScript = keyof typeof ROOM_SCRIPTS;

export function roomScriptSource(name: RoomScript): string {
  return PRELUDE + ROOM_SCRIPTS[name];
}
