/**
 * Messages that wait, and the welcome, through real ssh2 clients and real SQLite: a /msg or /page
 * to someone who is not on is kept and delivered at their next call, within limits, never from
 * someone they ignore, and gone with a deleted account; the welcome says who is on and when you
 * last called; /last and /users list callers and accounts.
 */
import { describe, expect, it } from 'vitest';
import { createSqliteAccountAdmin } from '../../src/store/account-admin.js';
import { openDatabase } from '../../src/store/db.js';
import { sayMarker, useRoom } from '../helpers/room.js';

const room = useRoom();

describe('messages for someone who is not on', () => {
  it('are kept and delivered at their next call, after the welcome', async () => {
    await room.start({ chat: { waiting_per_sender: 2 } });
    await room.addUsers(['alice', 'bob', 'dave']);
    const alice = await room.enter('alice');
    alice.type('/msg dave see you at noon\r');
    await alice.sees('dave is not on the board: your message will be delivered at their next call.');
    alice.type('/page dave\r');
    await alice.sees('your page will be delivered at their next call.');
    alice.type('/msg dave a third\r');
    await alice.sees('You already have as many messages waiting for dave as the board keeps. Not sent.');

    const dave = await room.enter('dave');
    await dave.sees('Welcome to ssh-bbs, dave! A teleconference for everyone on the board');
    await dave.sees('You are on node 2. This is your first call. Welcome aboard!');
    await dave.sees('In the room: alice.');
    await dave.sees('2 messages while you were away:');
    await dave.sees(/^\[\d\d:\d\d\] \*alice\* → you: see you at noon *$/m);
    await dave.sees('alice is paging you!');
    expect(dave.screen()).not.toContain('a third');

    dave.type('/r on my way\r');
    await alice.sees('*dave* → you: on my way');
    dave.client.destroy();
    await alice.sees('*** dave has left the chat ***');
    const again = await room.enter('dave');
    await again.sees(/Your last call: \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
    await sayMarker(alice, [again], 'nothing-waits-twice');
    expect(again.screen()).not.toContain('while you were away');
  });

  it('leaves out what came from someone the recipient ignores', async () => {
    await room.start();
    await room.addUsers(['alice', 'bob', 'dave']);
    const dave = await room.enter('dave');
    dave.type('/ignore bob\r');
    await dave.sees('You now ignore bob');
    dave.client.destroy();
    const bob = await room.enter('bob');
    const alice = await room.enter('alice');
    await bob.sees('*** alice has joined the chat ***');
    bob.type('/msg dave from-bob\r');
    await bob.sees('your message will be delivered');
    alice.type('/msg dave from-alice\r');
    await alice.sees('your message will be delivered');

    const again = await room.enter('dave');
    await again.sees('1 message while you were away:');
    await again.sees('*alice* → you: from-alice');
    expect(again.received()).not.toContain('from-bob');
  });

  it('go with a deleted account', async () => {
    await room.start();
    await room.addUsers(['alice', 'dave']);
    const alice = await room.enter('alice');
    alice.type('/msg dave hello\r');
    await alice.sees('your message will be delivered');
    const db = openDatabase(room.board.dataDir);
    await createSqliteAccountAdmin(db).deleteUser('dave');
    const left = db.prepare('SELECT count(*) FROM waiting_messages').pluck().get();
    db.close();
    expect(left).toBe(0);
    alice.type('/msg dave still there?\r');
    await alice.sees('There is no account called dave.');
  });
});

describe('/last and /users', () => {
  it('list the latest callers and every account', async () => {
    await room.start();
    await room.addUsers(['alice', 'bob']);
    await room.addUsers(['SysOp'], 'sysop');
    const alice = await room.enter('alice');
    alice.type('/last\r');
    await alice.sees('Last callers:');
    await alice.sees(/^ {2}alice {2}\d{4}-\d\d-\d\d \d\d:\d\d UTC {2}still on *$/m);
    alice.type('/users\r');
    await alice.sees('Accounts (3):');
    await alice.sees(/^ {2}bob {4}never called *$/m);
    await alice.sees(/^ {2}SysOp {2}sysop {2}never called *$/m);
  });
});
