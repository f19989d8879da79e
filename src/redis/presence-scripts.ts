/**
 * The room scripts for what callers show of themselves and where they are: a presence change kept
 * on the seat's record, and who waits outside the full room (with the instance they are on, so
 * that a stopped instance's waiters are let go with its seats). They run with the room scripts'
 * prelude and KEYS (./scripts.ts): emit appends to the room stream, stop_waiting removes a waiter.
 */

/**
 * ARGV[3..]: user id, seat, change JSON. The change is kept on the seat's record (a null field
 * cleared), so an instance starting later reads the current presence; an old seat does nothing.
 */
export const update = `
local userId, seat, change = ARGV[3], ARGV[4], ARGV[5]
if redis.call('HGET', SEAT_IDS, userId) ~= seat then return last end
local p = cjson.decode(redis.call('HGET', SEATS, userId))
for k, v in pairs(cjson.decode(change)) do
  if v == cjson.null then p[k] = nil else p[k] = v end
end
redis.call('HSET', SEATS, userId, cjson.encode(p))
emit('t', 'updated', 'u', userId, 's', seat, 'c', change)
return last
`;

/** ARGV[3..]: user id, handle, instance. The account's latest session is the one waiting; a seated one is not. */
export const wait = `
local userId, handle, inst = ARGV[3], ARGV[4], ARGV[5]
if redis.call('HEXISTS', SEAT_IDS, userId) == 1 then return last end
redis.call('HSET', WAITING, userId, handle)
redis.call('HSET', WAIT_OWNERS, userId, inst)
emit('t', 'waiting', 'u', userId, 'h', handle)
return last
`;

/** ARGV[3..]: user id, instance: only the instance whose caller waits stops it (an earlier session's stop does nothing). */
export const stopWaiting = `
if redis.call('HGET', WAIT_OWNERS, ARGV[3]) == ARGV[4] then stop_waiting(ARGV[3]) end
return last
`;
