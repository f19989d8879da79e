/**
 * The board-wide account watch on a real SQLite store: what the sysop's CLI changes reaches each
 * running call, every call is looked at by one timer, a stopped call hears nothing, and the calls
 * say they are still there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CALL_FRESH_MS, createAccountWatch, type AccountWatch, type WatchedCall } from '../../src/account-watch.js';
import { createPasswordHasher } from '../../src/store/passwords.js';
import { openSqliteStores, type SqliteStores } from '../../src/store/sqlite-stores.js';
import type { User } from '../../src/store/store.js';

const EVERY_MS = 10;
let folder: string;
let stores: SqliteStores;
let watch: AccountWatch;
let clock: number;

beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bbs-account-watch-'));
  clock = 1_700_000_000_000;
  stores = openSqliteStores(folder, { hasher: createPasswordHasher({ maxConcurrent: 2 }), now: () => clock });
  watch = createAccountWatch({ community: stores.community, log: pino({ level: 'silent' }), everyMs: EVERY_MS });
});

afterEach(async () => {
  watch.close();
  await stores.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

/** A call of `user`, watched; `heard` lists what it was told, in order, and `next` waits for the next. */
async function callOf(user: User, since = clock) {
  const callId = await stores.users.recordLogin(user.id, { node: user.id, remote: '127.0.0.1' });
  const heard: string[] = [];
  let wake: (() => void) | undefined;
  const hear = (what: string) => {
    heard.push(what);
    wake?.();
  };
  const call: WatchedCall = {
    userId: user.id,
    handle: user.handle,
    callId,
    since,
    role: user.role,
    onBanned: (ban) => hear(`banned: ${ban.reason}`),
    onDeleted: () => hear('deleted'),
    onKicked: (kick) => hear(`kicked by ${kick.by}: ${kick.reason}`),
    onRenamed: (handle) => hear(`renamed to ${handle}`),
    onRoleChange: (role) => hear(`now ${role}`),
  };
  const stop = watch.watch(call);
  const next = () => new Promise<string>((resolve) => (wake = () => resolve(heard.at(-1)!)));
  return { heard, next, stop, callId };
}

const user = (handle: string) => stores.users.create({ handle, password: 'correct horse battery' });

describe('the account watch', () => {
  it('tells each running call what the sysop changed on its account', async () => {
    const [alice, bob, carol, dave, erin] = [await user('alice'), await user('bob'), await user('carol'), await user('dave'), await user('erin')];
    const calls = [await callOf(alice), await callOf(bob), await callOf(carol), await callOf(dave), await callOf(erin)];
    const told = calls.map((call) => call.next());
    await stores.community.ban(alice.id, { until: null, reason: 'spam', by: 'SysOp' });
    await stores.admin.renameUser('bob', 'Robert');
    await stores.users.setRole('carol', 'sysop');
    await stores.community.requestKick(dave.id, { by: 'cli', reason: 'enough' });
    await stores.admin.deleteUser('erin');
    expect(await Promise.all(told)).toEqual(['banned: spam', 'renamed to Robert', 'now sysop', 'kicked by cli: enough', 'deleted']);
  });

  it('says a role change once, and nothing to a call whose account is unchanged', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const [quiet, promoted] = [await callOf(alice), await callOf(bob)];
    await stores.users.setRole('bob', 'sysop');
    await promoted.next();
    await stores.community.requestKick(bob.id, { by: 'cli', reason: 'later' });
    await promoted.next();
    expect(promoted.heard).toEqual(['now sysop', 'kicked by cli: later']);
    expect(quiet.heard).toEqual([]);
  });

  it('tells a stopped call nothing, and leaves a kick asked before the call began for no one', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    await stores.community.requestKick(bob.id, { by: 'cli', reason: 'an older call' });
    clock += 1000;
    const stopped = await callOf(alice);
    const watching = await callOf(bob);
    stopped.stop();
    await stores.community.ban(alice.id, { until: null, reason: 'spam', by: 'SysOp' });
    await stores.community.ban(bob.id, { until: null, reason: 'spam', by: 'SysOp' });
    expect(await watching.next()).toBe('banned: spam');
    expect(watching.heard).toEqual(['banned: spam']);
    expect(stopped.heard).toEqual([]);
  });

  it('keeps the running calls fresh for `bbs who` while they last', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    await callOf(alice);
    const ended = await callOf(bob);
    ended.stop();
    clock += CALL_FRESH_MS + 1;
    expect(await stores.community.openCalls(CALL_FRESH_MS)).toEqual([]);
    // Every tenth look is a heartbeat: the calls still watched are heard from at the time it ran.
    await vi.waitFor(async () => expect((await stores.community.openCalls(CALL_FRESH_MS)).map((call) => call.handle)).toEqual(['alice']), {
      timeout: 5000,
      interval: EVERY_MS,
    });
  });
});
