/** The UserStore part of the store contract: accounts, passwords, roles, keys and the call log. */
import { describe, expect, it } from 'vitest';
import { newKey, PASSWORD, rejectsWith, type Fixture } from './contract.js';

export function describeUserContract(f: Fixture): void {
  describe('UserStore accounts', () => {
    it('creates a user, found by handle without regard to case and by id', async () => {
      const created = await f.stores.users.create({ handle: 'Bob', password: PASSWORD });
      expect(created).toEqual({ id: created.id, handle: 'Bob', role: 'user', banned: false, createdAt: f.time, lastLoginAt: null });
      expect(created.id).toBeGreaterThan(0);
      expect(await f.stores.users.findByHandle('bOB')).toEqual(created);
      expect(await f.stores.users.findById(created.id)).toEqual(created);
      expect(await f.stores.users.findByHandle('alice')).toBeUndefined();
      expect(await f.stores.users.findById(created.id + 1000)).toBeUndefined();
    });

    it('refuses a handle taken in another case, and stores nothing', async () => {
      await f.user('Bob');
      const err = await rejectsWith(f.stores.users.create({ handle: 'bOB', password: PASSWORD }), 'ERR_HANDLE_TAKEN');
      expect(err.message).toBe('The handle "bOB" is taken.');
      expect(await f.stores.users.list()).toHaveLength(1);
    });

    it.each([
      ['a handle too short', { handle: 'b', password: PASSWORD }],
      ['a handle with a space', { handle: 'bo b', password: PASSWORD }],
      ['a short password', { handle: 'bob', password: 'short' }],
      ['an unknown role', { handle: 'bob', password: PASSWORD, role: 'root' as never }],
      ['a key that is not one', { handle: 'bob', password: PASSWORD, key: { algo: '', blob: Buffer.alloc(0) } }],
    ])('refuses %s with ERR_BAD_INPUT', async (_what, input) => {
      await rejectsWith(f.stores.users.create(input), 'ERR_BAD_INPUT');
      expect(await f.stores.users.list()).toEqual([]);
    });

    it('creates a sysop, and a user with a key in one step (a taken key stores no user)', async () => {
      const key = newKey();
      expect(await f.user('SysOp', 'sysop')).toMatchObject({ role: 'sysop' });
      const bob = await f.stores.users.create({ handle: 'bob', password: PASSWORD, key });
      expect(await f.stores.users.findByKey(key.algo, key.blob)).toEqual(bob);
      await rejectsWith(f.stores.users.create({ handle: 'carol', password: PASSWORD, key }), 'ERR_KEY_TAKEN');
      expect(await f.stores.users.findByHandle('carol')).toBeUndefined();
    });

    it('verifies passwords: right, wrong, unknown or invalid handle; a banned user still verifies', async () => {
      const bob = await f.user('bob');
      expect(await f.stores.users.verifyPassword('BOB', PASSWORD)).toEqual(bob);
      expect(await f.stores.users.verifyPassword('bob', 'wrong password')).toBeUndefined();
      expect(await f.stores.users.verifyPassword('nobody', PASSWORD)).toBeUndefined();
      expect(await f.stores.users.verifyPassword('not a handle!', PASSWORD)).toBeUndefined();
      await f.stores.users.setBanned('bob', true);
      expect(await f.stores.users.verifyPassword('bob', PASSWORD)).toMatchObject({ handle: 'bob', banned: true });
    });

    it('changes a password, and refuses a weak one or an unknown user', async () => {
      await f.user('bob');
      expect(await f.stores.users.setPassword('Bob', 'a brand new password')).toMatchObject({ handle: 'bob' });
      expect(await f.stores.users.verifyPassword('bob', PASSWORD)).toBeUndefined();
      expect(await f.stores.users.verifyPassword('bob', 'a brand new password')).toMatchObject({ handle: 'bob' });
      await rejectsWith(f.stores.users.setPassword('bob', 'short'), 'ERR_BAD_INPUT');
      await rejectsWith(f.stores.users.setPassword('carol', 'a brand new password'), 'ERR_NO_SUCH_USER');
    });

    it('sets roles and the banned flag', async () => {
      await f.user('bob');
      expect(await f.stores.users.setRole('BOB', 'sysop')).toMatchObject({ handle: 'bob', role: 'sysop' });
      expect(await f.stores.users.setRole('bob', 'user')).toMatchObject({ role: 'user' });
      expect(await f.stores.users.setBanned('bob', true)).toMatchObject({ banned: true });
      expect((await f.stores.users.findByHandle('bob'))?.banned).toBe(true);
      expect(await f.stores.users.setBanned('bob', false)).toMatchObject({ banned: false });
      await rejectsWith(f.stores.users.setRole('bob', 'root' as never), 'ERR_BAD_INPUT');
      const err = await rejectsWith(f.stores.users.setRole('carol', 'sysop'), 'ERR_NO_SUCH_USER');
      expect(err.message).toBe('No user called carol.');
      await rejectsWith(f.stores.users.setBanned('carol', true), 'ERR_NO_SUCH_USER');
    });

    it('lists every user by handle without regard to case', async () => {
      for (const handle of ['carol', 'Alice', 'bob', 'Dave']) await f.user(handle);
      expect((await f.stores.users.list()).map((u) => u.handle)).toEqual(['Alice', 'bob', 'carol', 'Dave']);
    });
  });

  describe('UserStore keys', () => {
    it('binds keys in order, finds the account by one, and gives back a key bound twice unchanged', async () => {
      const bob = await f.user('bob');
      const key = newKey('laptop');
      const stored = await f.stores.users.addKey('BOB', key);
      expect(stored).toMatchObject({ algo: 'ssh-ed25519', comment: 'laptop', createdAt: f.time });
      expect(stored.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      f.time += 1000;
      expect(await f.stores.users.addKey('bob', { ...key, comment: 'other' })).toEqual(stored);
      const second = await f.stores.users.addKey('bob', newKey('phone'));
      expect(await f.stores.users.keysFor('bob')).toEqual([stored, second]);
      expect(await f.stores.users.findByKey(key.algo, key.blob)).toEqual(bob);
      expect(await f.stores.users.findByKey('ssh-rsa', key.blob)).toBeUndefined();
      expect(await f.stores.users.findByKey(key.algo, newKey().blob)).toBeUndefined();
    });

    it('refuses a key bound to another account, a bad key, and unknown users', async () => {
      await f.user('bob');
      await f.user('carol');
      const key = newKey();
      await f.stores.users.addKey('bob', key);
      await rejectsWith(f.stores.users.addKey('carol', key), 'ERR_KEY_TAKEN');
      expect(await f.stores.users.keysFor('carol')).toEqual([]);
      await rejectsWith(f.stores.users.addKey('bob', { algo: 'ssh-ed25519', blob: Buffer.alloc(0) }), 'ERR_BAD_INPUT');
      await rejectsWith(f.stores.users.addKey('dave', newKey()), 'ERR_NO_SUCH_USER');
      await rejectsWith(f.stores.users.keysFor('dave'), 'ERR_NO_SUCH_USER');
    });

    it('keeps no control characters in a comment', async () => {
      await f.user('bob');
      expect((await f.stores.users.addKey('bob', newKey('ok\x1b[2Jnow'))).comment).toBe('ok[2Jnow');
    });
  });

  describe('UserStore call log', () => {
    it('stamps the last login, and ending a call twice keeps the first end', async () => {
      const bob = await f.user('bob');
      f.time += 60_000;
      const callId = await f.stores.users.recordLogin(bob.id, { node: 3, remote: '192.0.2.7' });
      expect(callId).toBeGreaterThan(0);
      expect((await f.stores.users.findById(bob.id))?.lastLoginAt).toBe(f.time);
      const started = f.time;
      f.time += 5_000;
      await f.stores.users.recordLogout(callId);
      f.time += 5_000;
      await f.stores.users.recordLogout(callId);
      expect(await f.stores.community.recentCalls(5)).toEqual([{ handle: 'bob', startedAt: started, endedAt: started + 5_000 }]);
    });

    it('cuts a long remote address to 100 characters', async () => {
      const bob = await f.user('bob');
      await f.stores.users.recordLogin(bob.id, { node: 1, remote: 'x'.repeat(300) });
      expect((await f.stores.community.openCalls(60_000))[0]?.remote).toBe('x'.repeat(100));
    });

    it('refuses a login for an id no user has', async () => {
      await rejectsWith(f.stores.users.recordLogin(4242, { node: 1, remote: '192.0.2.7' }), 'ERR_NO_SUCH_USER');
    });

    it('ends the calls a crash left open, and only those, once', async () => {
      const bob = await f.user('bob');
      const ended = await f.stores.users.recordLogin(bob.id, { node: 1, remote: '192.0.2.7' });
      await f.stores.users.recordLogout(ended);
      const endedAt = f.time;
      await f.stores.users.recordLogin(bob.id, { node: 2, remote: '192.0.2.8' });
      f.time += 60_000;
      expect(await f.stores.users.closeOpenCalls()).toBe(1);
      expect(await f.stores.users.closeOpenCalls()).toBe(0);
      expect((await f.stores.community.recentCalls(5)).map((c) => c.endedAt)).toEqual([f.time, endedAt]);
    });
  });
}
