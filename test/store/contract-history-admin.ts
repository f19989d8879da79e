/** The HistoryStore, AccountAdmin and Stores parts of the store contract. */
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/chat/messages.js';
import { HISTORY_ROWS_KEPT } from '../../src/store/store.js';
import { newKey, PASSWORD, rejectsWith, T0, type Fixture } from './contract.js';

const said = (n: number): ChatMessage => ({ kind: 'public', at: T0 + n, from: 'bob', text: `line ${n}` });

export function describeHistoryAndAdminContract(f: Fixture): void {
  describe('HistoryStore', () => {
    it('starts empty, and gives back every kind of message intact', async () => {
      expect(await f.stores.history.load(50)).toEqual([]);
      const messages: ChatMessage[] = [
        said(1),
        { kind: 'action', at: T0 + 2, from: 'bob', text: 'waves' },
        { kind: 'system', at: T0 + 3, text: 'Board closes at midnight', official: true, from: 'SysOp' },
      ];
      for (const message of messages) await f.stores.history.append(message);
      expect(await f.stores.history.load(10)).toEqual(messages);
    });

    it('keeps appends in the order they were made, even when none is awaited before the next', async () => {
      const appends = Array.from({ length: 40 }, (_, i) => f.stores.history.append(said(i + 1)));
      await Promise.all(appends);
      expect(await f.stores.history.load(40)).toEqual(Array.from({ length: 40 }, (_, i) => said(i + 1)));
    });

    it('load(limit) gives the newest messages, oldest first; none for a limit of zero or less', async () => {
      for (let n = 1; n <= 10; n++) await f.stores.history.append(said(n));
      const newest = async (limit: number) => (await f.stores.history.load(limit)).map((m) => m.at - T0);
      expect(await newest(3)).toEqual([8, 9, 10]);
      expect(await newest(1)).toEqual([10]);
      expect(await newest(0)).toEqual([]);
      expect(await newest(-5)).toEqual([]);
      expect(await newest(100)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it(`gives at most the newest ${HISTORY_ROWS_KEPT}`, async () => {
      const total = HISTORY_ROWS_KEPT + 150;
      await Promise.all(Array.from({ length: total }, (_, i) => f.stores.history.append(said(i + 1))));
      const all = await f.stores.history.load(total);
      expect(all).toHaveLength(HISTORY_ROWS_KEPT);
      expect(all[0]).toEqual(said(total - HISTORY_ROWS_KEPT + 1));
      expect(all.at(-1)).toEqual(said(total));
    });
  });

  describe('AccountAdmin', () => {
    it('renames an account, keeping its id, password and keys; another case of itself is fine', async () => {
      const bob = await f.user('bob');
      const key = newKey();
      await f.stores.users.addKey('bob', key);
      expect(await f.stores.admin.renameUser('BOB', 'Robert')).toEqual({ from: 'bob', to: 'Robert' });
      expect(await f.stores.admin.renameUser('robert', 'ROBERT')).toEqual({ from: 'Robert', to: 'ROBERT' });
      expect(await f.stores.users.findByHandle('bob')).toBeUndefined();
      expect(await f.stores.users.verifyPassword('robert', PASSWORD)).toMatchObject({ id: bob.id, handle: 'ROBERT' });
      expect((await f.stores.users.findByKey(key.algo, key.blob))?.id).toBe(bob.id);
    });

    it('refuses a rename to a taken or bad handle, or of an unknown account', async () => {
      await f.user('bob');
      await f.user('Carol');
      const err = await rejectsWith(f.stores.admin.renameUser('bob', 'carol'), 'ERR_HANDLE_TAKEN');
      expect(err.message).toBe('The handle "Carol" is taken.');
      await rejectsWith(f.stores.admin.renameUser('bob', 'b'), 'ERR_BAD_INPUT');
      await rejectsWith(f.stores.admin.renameUser('dave', 'erin'), 'ERR_NO_SUCH_USER');
      expect((await f.stores.users.list()).map((u) => u.handle)).toEqual(['bob', 'Carol']);
    });

    it('deletes an account with its keys, calls, ignores both ways and waiting messages both ways', async () => {
      const [alice, bob] = await Promise.all(['alice', 'bob'].map((h) => f.user(h)));
      const key = newKey();
      await f.stores.users.addKey('bob', key);
      await f.stores.users.recordLogin(bob!.id, { node: 1, remote: '192.0.2.1' });
      await f.stores.community.setIgnored(alice!.id, bob!.id, true);
      await f.stores.community.setIgnored(bob!.id, alice!.id, true);
      const limits = { perSender: 5, perRecipient: 5 };
      const note = (from: string, to: string): ChatMessage => ({ kind: 'direct', from, to, text: 'hi', at: f.time });
      await f.stores.community.leaveMessage(alice!.id, bob!.id, note('bob', 'alice'), limits);
      await f.stores.community.leaveMessage(bob!.id, alice!.id, note('alice', 'bob'), limits);
      expect(await f.stores.admin.deleteUser('BOB')).toBe('bob');
      expect(await f.stores.users.findById(bob!.id)).toBeUndefined();
      expect(await f.stores.users.findByKey(key.algo, key.blob)).toBeUndefined();
      expect(await f.stores.community.recentCalls(10)).toEqual([]);
      expect(await f.stores.community.ignored(alice!.id)).toEqual([]);
      expect(await f.stores.community.takeWaiting(alice!.id)).toEqual([]);
      await rejectsWith(f.stores.admin.deleteUser('bob'), 'ERR_NO_SUCH_USER');
      // The handle is free again.
      expect(await f.user('bob')).toMatchObject({ handle: 'bob' });
    });

    it('unbinds a key by its fingerprint', async () => {
      await f.user('bob');
      const stored = await f.stores.users.addKey('bob', newKey());
      expect(await f.stores.admin.removeKey('bob', 'SHA256:not-one-of-them')).toBe(false);
      expect(await f.stores.admin.removeKey('BOB', stored.fingerprint)).toBe(true);
      expect(await f.stores.users.keysFor('bob')).toEqual([]);
      await rejectsWith(f.stores.admin.removeKey('carol', stored.fingerprint), 'ERR_NO_SUCH_USER');
    });
  });

  describe('Stores', () => {
    it('names its database, and closes once however often it is asked', async () => {
      expect(['sqlite', 'postgres']).toContain(f.stores.kind);
      expect(f.stores.describe()).toMatch(/\S/);
      await f.stores.history.append(said(1));
      await f.stores.close();
      await f.stores.close();
    });
  });
}
