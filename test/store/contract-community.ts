/** The CommunityStore part of the store contract: ignores, pager, zone, handle colour, bans, waiting messages, calls, kicks, the sysop log. */
import { describe, expect, it } from 'vitest';
import type { DirectMessage, PageMessage } from '../../src/chat/messages.js';
import { newKey, type Fixture } from './contract.js';

export function describeCommunityContract(f: Fixture): void {
  const note = (from: string, to: string, text: string): DirectMessage => ({ kind: 'direct', from, to, text, at: f.time });

  describe('CommunityStore settings', () => {
    it('keeps ignores per account, by handle without regard to case, idempotent both ways', async () => {
      const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'Carol', 'dave'].map((h) => f.user(h)));
      const { community } = f.stores;
      expect(await community.ignored(alice!.id)).toEqual([]);
      for (const target of [dave!, bob!, carol!, bob!]) await community.setIgnored(alice!.id, target.id, true);
      expect(await community.ignored(alice!.id)).toEqual(['bob', 'Carol', 'dave']);
      expect(await community.ignored(bob!.id)).toEqual([]);
      await community.setIgnored(alice!.id, bob!.id, false);
      await community.setIgnored(alice!.id, bob!.id, false);
      expect(await community.ignored(alice!.id)).toEqual(['Carol', 'dave']);
    });

    it('keeps the pager and the time zone, off and unset at first', async () => {
      const bob = await f.user('bob');
      const { community } = f.stores;
      expect(await community.pagerOff(bob.id)).toBe(false);
      expect(await community.timeZone(bob.id)).toBeUndefined();
      await community.setPagerOff(bob.id, true);
      await community.setTimeZone(bob.id, 'Asia/Tokyo');
      expect(await community.pagerOff(bob.id)).toBe(true);
      expect(await community.timeZone(bob.id)).toBe('Asia/Tokyo');
      await community.setPagerOff(bob.id, false);
      await community.setTimeZone(bob.id, undefined);
      expect(await community.pagerOff(bob.id)).toBe(false);
      expect(await community.timeZone(bob.id)).toBeUndefined();
    });

    it('keeps the handle colour per account, unset at first, and unsets it again', async () => {
      const [bob, carol] = await Promise.all([f.user('bob'), f.user('carol')]);
      const { community } = f.stores;
      expect(await community.handleColor(bob.id)).toBeUndefined();
      await community.setHandleColor(bob.id, 'magenta');
      await community.setHandleColor(carol.id, 'teal');
      expect(await community.handleColor(bob.id)).toBe('magenta');
      await community.setHandleColor(bob.id, 'orange');
      expect(await community.handleColor(bob.id)).toBe('orange');
      expect(await community.handleColor(carol.id)).toBe('teal');
      await community.setHandleColor(bob.id, undefined);
      expect(await community.handleColor(bob.id)).toBeUndefined();
      expect(await community.handleColor(carol.id)).toBe('teal');
    });

    it('lets a caller unbind one of their own keys only', async () => {
      const bob = await f.user('bob');
      const carol = await f.user('carol');
      const key = await f.stores.users.addKey('bob', newKey());
      expect(await f.stores.community.removeKey(carol.id, key.fingerprint)).toBe(false);
      expect(await f.stores.community.removeKey(bob.id, key.fingerprint)).toBe(true);
      expect(await f.stores.community.removeKey(bob.id, key.fingerprint)).toBe(false);
      expect(await f.stores.users.keysFor('bob')).toEqual([]);
    });
  });

  describe('CommunityStore bans', () => {
    it('keep their reason, end and maker, and lift themselves once ended', async () => {
      const bob = await f.user('bob');
      const { community } = f.stores;
      expect(await community.activeBan(bob.id)).toBeUndefined();
      await community.ban(bob.id, { until: f.time + 60_000, reason: 'spam', by: 'SysOp' });
      expect(await community.activeBan(bob.id)).toEqual({ until: f.time + 60_000, reason: 'spam', by: 'SysOp' });
      expect((await f.stores.users.findById(bob.id))?.banned).toBe(true);
      f.time += 60_000;
      expect(await community.activeBan(bob.id)).toBeUndefined();
      expect((await f.stores.users.findById(bob.id))?.banned).toBe(false);
    });

    it('without an end last until lifted', async () => {
      const bob = await f.user('bob');
      const { community } = f.stores;
      await community.ban(bob.id, { until: null, reason: '', by: 'cli' });
      f.time += 10 * 365 * 86_400_000;
      expect(await community.activeBan(bob.id)).toEqual({ until: null, reason: '', by: 'cli' });
      await community.unban(bob.id);
      expect(await community.activeBan(bob.id)).toBeUndefined();
      expect((await f.stores.users.findById(bob.id))?.banned).toBe(false);
    });
  });

  describe('CommunityStore accountsNow', () => {
    it('reads the running calls\' accounts at once: handle, role and ban in force; a deleted one is missing', async () => {
      const [bob, carol, dave, erin] = [await f.user('bob'), await f.user('carol'), await f.user('dave'), await f.user('erin')];
      const { community, admin, users } = f.stores;
      const ids = [bob, carol, dave, erin].map((user) => user.id);
      expect(await community.accountsNow(ids)).toEqual(
        new Map(['bob', 'carol', 'dave', 'erin'].map((handle, i) => [ids[i], { handle, role: 'user', ban: undefined }])),
      );
      await admin.renameUser('bob', 'Robert');
      await users.setRole('carol', 'sysop');
      await community.ban(dave.id, { until: f.time + 60_000, reason: 'spam', by: 'SysOp' });
      await admin.deleteUser('erin');
      expect(await community.accountsNow(ids)).toEqual(
        new Map([
          [bob.id, { handle: 'Robert', role: 'user', ban: undefined }],
          [carol.id, { handle: 'carol', role: 'sysop', ban: undefined }],
          [dave.id, { handle: 'dave', role: 'user', ban: { until: f.time + 60_000, reason: 'spam', by: 'SysOp' } }],
        ]),
      );
      f.time += 60_000;
      expect((await community.accountsNow([dave.id])).get(dave.id)?.ban).toBeUndefined();
      expect((await users.findById(dave.id))?.banned).toBe(false);
      expect(await community.accountsNow([])).toEqual(new Map());
    });
  });

  describe('CommunityStore waiting messages', () => {
    const limits = { perSender: 2, perRecipient: 3 };

    it('are kept within the limits per sender and per recipient, and taken once, oldest first', async () => {
      const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((h) => f.user(h)));
      const { community } = f.stores;
      const page: PageMessage = { kind: 'page', from: 'bob', to: 'carol', at: f.time };
      expect(await community.leaveMessage(carol!.id, alice!.id, note('alice', 'carol', 'one'), limits)).toBe('stored');
      expect(await community.leaveMessage(carol!.id, alice!.id, note('alice', 'carol', 'two'), limits)).toBe('stored');
      expect(await community.leaveMessage(carol!.id, alice!.id, note('alice', 'carol', 'three'), limits)).toBe('sender-limit');
      expect(await community.leaveMessage(carol!.id, bob!.id, page, limits)).toBe('stored');
      expect(await community.leaveMessage(carol!.id, bob!.id, note('bob', 'carol', 'five'), limits)).toBe('recipient-limit');
      const taken = await community.takeWaiting(carol!.id);
      expect(taken).toEqual([
        { fromId: alice!.id, message: note('alice', 'carol', 'one') },
        { fromId: alice!.id, message: note('alice', 'carol', 'two') },
        { fromId: bob!.id, message: page },
      ]);
      expect(await community.takeWaiting(carol!.id)).toEqual([]);
      expect(await community.takeWaiting(alice!.id)).toEqual([]);
    });
  });

  describe('CommunityStore calls, kicks and the sysop log', () => {
    it('lists the latest calls newest first, up to the limit', async () => {
      const bob = await f.user('bob');
      const carol = await f.user('carol');
      const first = await f.stores.users.recordLogin(bob.id, { node: 1, remote: '192.0.2.1' });
      f.time += 1000;
      await f.stores.users.recordLogout(first);
      await f.stores.users.recordLogin(carol.id, { node: 2, remote: '192.0.2.2' });
      expect(await f.stores.community.recentCalls(1, 60_000)).toEqual([{ handle: 'carol', startedAt: f.time, endedAt: null }]);
      expect((await f.stores.community.recentCalls(10, 60_000)).map((c) => c.handle)).toEqual(['carol', 'bob']);
    });

    it('lists open calls heard from lately, by node, and not one whose board went quiet or that ended', async () => {
      const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((h) => f.user(h)));
      const started = f.time;
      const alive = await f.stores.users.recordLogin(bob!.id, { node: 5, remote: '192.0.2.5' });
      const alsoAlive = await f.stores.users.recordLogin(dave!.id, { node: 7, remote: '192.0.2.7' });
      await f.stores.users.recordLogin(alice!.id, { node: 2, remote: '192.0.2.2' });
      const ended = await f.stores.users.recordLogin(carol!.id, { node: 1, remote: '192.0.2.1' });
      await f.stores.users.recordLogout(ended);
      expect((await f.stores.community.openCalls(1000)).map((c) => c.node)).toEqual([2, 5, 7]);
      f.time += 60_000;
      await f.stores.community.touchCalls([alive, alsoAlive]);
      await f.stores.community.touchCalls([]);
      f.time += 60_000;
      expect(await f.stores.community.openCalls(90_000)).toEqual([
        { handle: 'bob', node: 5, remote: '192.0.2.5', startedAt: started },
        { handle: 'dave', node: 7, remote: '192.0.2.7', startedAt: started },
      ]);
    });

    it('counts a call its board stopped hearing as ended when it was last heard from', async () => {
      const bob = await f.user('bob');
      const call = await f.stores.users.recordLogin(bob.id, { node: 1, remote: '192.0.2.1' });
      const started = f.time;
      f.time += 30_000;
      await f.stores.community.touchCalls([call]);
      const heard = f.time;
      f.time += 89_000;
      expect(await f.stores.community.recentCalls(5, 90_000)).toEqual([{ handle: 'bob', startedAt: started, endedAt: null }]);
      f.time += 2_000;
      expect(await f.stores.community.recentCalls(5, 90_000)).toEqual([{ handle: 'bob', startedAt: started, endedAt: heard }]);
    });

    it('counts a kick only for the call it was asked for, and uses it up', async () => {
      const [bob, carol, dave] = [await f.user('bob'), await f.user('carol'), await f.user('dave')];
      const { community } = f.stores;
      await community.requestKick(bob.id, { by: 'cli', reason: 'old' });
      f.time += 1000;
      const since = f.time;
      const calls = [bob, carol, dave].map((user) => ({ userId: user.id, since }));
      expect(await community.takeKicks(calls)).toEqual(new Map());
      await community.requestKick(bob.id, { by: 'cli', reason: 'first' });
      await community.requestKick(bob.id, { by: 'SysOp', reason: 'now' });
      await community.requestKick(carol.id, { by: 'cli', reason: 'carol' });
      // Carol's call began after her kick was asked for: not hers.
      const later = [calls[0]!, { userId: carol.id, since: f.time + 1 }, calls[2]!];
      expect(await community.takeKicks(later)).toEqual(new Map([[bob.id, { by: 'SysOp', reason: 'now' }]]));
      expect(await community.takeKicks(calls)).toEqual(new Map([[carol.id, { by: 'cli', reason: 'carol' }]]));
      expect(await community.takeKicks(calls)).toEqual(new Map());
      expect(await community.takeKicks([])).toEqual(new Map());
    });

    it('keeps the sysop log, newest first, up to the limit', async () => {
      const { community } = f.stores;
      await community.logAction('SysOp', 'kick', 'bob', 'spam');
      f.time += 1000;
      await community.logAction('cli', 'delete', 'carol');
      expect(await community.actions(1)).toEqual([{ at: f.time, actor: 'cli', action: 'delete', target: 'carol', detail: '' }]);
      expect((await community.actions(10)).map((a) => a.action)).toEqual(['delete', 'kick']);
    });
  });
}
