/**
 * `bbs who`, `bbs kick`, `bbs user ban|unban|delete|rename` and `bbs user key remove`: the sysop's
 * moderation from the shell. The CLI reaches running boards through the database they share: each
 * call looks at its account every few seconds (a ban, a deletion, a rename or a kick ends it) and
 * says now and then that it is still there (what `bbs who` lists). On a board shared through
 * Redis, kick and ban end the call at once through Redis instead, on any instance. Each action is
 * kept in the sysop log (actor "cli").
 */
import { CALL_FRESH_MS } from './account-watch.js';
import { banText, kickText } from './board-moderator.js';
import { banEnd, banNotice, kickNotice } from './chat/moderation.js';
import { cleanText } from './chat/safe-text.js';
import { parseDuration } from './chat/duration.js';
import type { CliCommand, Context } from './cli.js';
import { formatTime, table } from './cli-table.js';
import type { Removal } from './nodes/lines.js';

const ACTOR = 'cli';

export const MODERATION_COMMANDS: readonly CliCommand[] = [
  {
    words: 'user ban',
    params: '<handle> [--for 30m|12h|7d|2w] [--reason "..."]',
    summary: 'refuse their calls (ends a call in progress)',
    arity: [1, 1],
    flags: ['--for=', '--reason='],
    run: ban,
  },
  { words: 'user unban', params: '<handle>', summary: 'let them call again', arity: [1, 1], flags: [], run: unban },
  { words: 'user delete', params: '<handle>', summary: 'delete an account, its keys and its messages', arity: [1, 1], flags: [], run: remove },
  { words: 'user rename', params: '<handle> <new-handle>', summary: 'change an account’s handle', arity: [2, 2], flags: [], run: rename },
  { words: 'who', params: '', summary: 'who is on the running board(s): node, handle, since, from', arity: [0, 0], flags: [], run: who },
  {
    words: 'kick',
    params: '<handle> [--reason "..."]',
    summary: 'end their call on the running board (within seconds)',
    arity: [1, 1],
    flags: ['--reason='],
    run: kick,
  },
  {
    words: 'user key remove',
    params: '<handle> <fingerprint>',
    summary: 'unbind a key (fingerprint as key list shows it)',
    arity: [2, 2],
    flags: [],
    run: unbindKey,
  },
];

async function who(_args: string[], _flags: Set<string>, ctx: Context): Promise<number> {
  const calls = await ctx.stores.community.openCalls(CALL_FRESH_MS);
  if (calls.length === 0) {
    ctx.out('No one is on the board.');
    return 0;
  }
  ctx.out(table(['NODE', 'HANDLE', 'SINCE (UTC)', 'FROM'], calls.map((c) => [String(c.node), c.handle, formatTime(c.startedAt), c.remote])));
  return 0;
}

async function kick([handle = '']: string[], _flags: Set<string>, ctx: Context): Promise<number> {
  const user = await ctx.users.findByHandle(handle);
  if (!user) return ctx.fail(`No user called ${handle}.`);
  const { community } = ctx.stores;
  const reason = cleanReason(ctx.options.get('--reason'));
  const redis = ctx.config.room.redis;
  if (redis) {
    const removal: Removal = { reason: 'kicked', text: kickText({ by: ACTOR, reason }), notice: kickNotice(user.handle, { by: ACTOR, reason }) };
    if (!(await endCall(redis, user.id, removal))) return ctx.fail(`${user.handle} is not on the board.`);
  } else {
    if (!(await community.openCalls(CALL_FRESH_MS)).some((c) => c.handle === user.handle)) return ctx.fail(`${user.handle} is not on the board.`);
    await community.requestKick(user.id, { by: ACTOR, reason });
  }
  await community.logAction(ACTOR, 'kick', user.handle, reason);
  ctx.out(redis ? `${user.handle} was removed from the board.` : `${user.handle} will be removed from the board within a few seconds.`);
  return 0;
}

/**
 * On a board shared through Redis the call ends at once on the instance holding it, whatever
 * database that instance uses (the database's way reaches only instances sharing this one, in
 * seconds). The Redis client is loaded only then.
 */
async function endCall(url: string, userId: number, removal: Removal): Promise<boolean> {
  const { removeThroughRedis } = await import('./redis/cli-removal.js');
  return removeThroughRedis(url, userId, removal);
}

/** A reason reaches callers' screens: cleaned as a chat line is, at a sane length. */
function cleanReason(reason: string | undefined): string {
  return cleanText(reason ?? '', 200);
}

async function ban([handle = '']: string[], _flags: Set<string>, ctx: Context): Promise<number> {
  const user = await ctx.users.findByHandle(handle);
  if (!user) return ctx.fail(`No user called ${handle}.`);
  if (user.role === 'sysop') return ctx.fail(`${user.handle} is a sysop: make them a user first (bbs user role ${user.handle} user).`);
  const length = ctx.options.get('--for');
  const ms = length === undefined ? undefined : parseDuration(length);
  if (length !== undefined && ms === undefined) return ctx.fail(`"${length}" is not a duration: use e.g. 30m, 12h, 7d or 2w.`);
  const until = ms === undefined ? null : Date.now() + ms;
  const reason = cleanReason(ctx.options.get('--reason'));
  const { community } = ctx.stores;
  const entry = { until, reason, by: ACTOR };
  await community.ban(user.id, entry);
  if (ctx.config.room.redis) {
    await endCall(ctx.config.room.redis, user.id, { reason: 'banned', text: banText(ctx.config.bbs.name, user.handle, entry), notice: banNotice(user.handle, entry) });
  }
  const end = banEnd(until);
  await community.logAction(ACTOR, 'ban', user.handle, `${end}${reason ? `: ${reason}` : ''}`);
  ctx.out(`${user.handle} is banned ${end}${reason ? ` (${reason})` : ''}.`);
  return 0;
}

async function unban([handle = '']: string[], _flags: Set<string>, ctx: Context): Promise<number> {
  const user = await ctx.users.findByHandle(handle);
  if (!user) return ctx.fail(`No user called ${handle}.`);
  const { community } = ctx.stores;
  if (!(await community.activeBan(user.id))) {
    ctx.out(`${user.handle} is not banned.`);
    return 0;
  }
  await community.unban(user.id);
  await community.logAction(ACTOR, 'unban', user.handle);
  ctx.out(`${user.handle} is no longer banned.`);
  return 0;
}

async function remove([handle = '']: string[], _flags: Set<string>, ctx: Context): Promise<number> {
  const deleted = await ctx.stores.admin.deleteUser(handle);
  await ctx.stores.community.logAction(ACTOR, 'delete', deleted);
  ctx.out(`Deleted ${deleted}, with their keys, call log and waiting messages.`);
  return 0;
}

async function rename([handle = '', to = '']: string[], _flags: Set<string>, ctx: Context): Promise<number> {
  const renamed = await ctx.stores.admin.renameUser(handle, to);
  await ctx.stores.community.logAction(ACTOR, 'rename', renamed.from, `to ${renamed.to}`);
  ctx.out(`${renamed.from} is now ${renamed.to}.`);
  return 0;
}

async function unbindKey([handle = '', fingerprint = '']: string[], _flags: Set<string>, ctx: Context): Promise<number> {
  if (!(await ctx.stores.admin.removeKey(handle, fingerprint))) return ctx.fail(`${handle} has no key ${fingerprint} (see bbs user key list ${handle}).`);
  await ctx.stores.community.logAction(ACTOR, 'key remove', handle, fingerprint);
  ctx.out(`Removed key ${fingerprint} from ${handle}.`);
  return 0;
}
