/**
 * Protection from each other through real ssh2 clients and real SQLite: /ignore and /pager are kept
 * across calls, pages have a cooldown, /away and idle show in /who, /whois knows offline accounts.
 */
import { describe, expect, it } from 'vitest';
import { sayMarker, threeInTheRoom, useRoom } from '../helpers/room.js';

const room = useRoom();

describe('/ignore', () => {
  it('hides what the ignored caller says, sends and pages, and is still in force on the next call', async () => {
    const { alice, bob, carol } = await threeInTheRoom(room);
    alice.type('/ignore bob\r');
    await alice.sees('You now ignore bob');
    bob.type('/msg alice psst-hidden\r/page alice\rpublic-hidden\r');
    await carol.sees('bob: public-hidden');
    await sayMarker(carol, [alice], 'after-bob');
    for (const text of ['psst-hidden', 'public-hidden', 'paging you']) expect(alice.received()).not.toContain(text);
    expect(alice.vt.bells).toBe(0);

    alice.client.destroy();
    await carol.sees('*** alice has left the chat ***');
    const again = await room.enter('alice');
    bob.type('still-hidden\r');
    await sayMarker(carol, [again], 'after-bob-again');
    expect(again.received()).not.toContain('still-hidden');
    again.type('/ignore\r');
    await again.sees('You ignore: bob.');
  });
});

describe('/page and /pager', () => {
  it('rings once within the cooldown, and a pager turned off stays off on the next call', async () => {
    const { alice, bob, carol } = await threeInTheRoom(room);
    alice.type('/page bob\r/page bob\r');
    await alice.sees('You paged bob a moment ago');
    await sayMarker(alice, [bob], 'after-pages');
    expect(bob.vt.bells).toBe(1);

    bob.type('/pager off\r');
    await bob.sees('Your pager is off');
    bob.client.destroy();
    await carol.sees('*** bob has left the chat ***');
    await room.enter('bob');
    carol.type('/page bob\r');
    await carol.sees('bob has the pager off.');
    carol.type('/who\r');
    await carol.sees(/^ {2}bob {4}node \d {2}pager off *$/m);
  });
});

describe('/away, /who and /whois', () => {
  it('shows who is away, marks the sysop, and tells about an account that is not on', async () => {
    await room.start();
    await room.addUsers(['alice', 'bob', 'dave']);
    await room.addUsers(['SysOp'], 'sysop');
    const alice = await room.enter('alice');
    const bob = await room.enter('bob');
    await room.enter('SysOp');
    bob.type('/away lunch\r');
    await bob.sees('You are away: lunch. Type anything to come back.');
    alice.type('/msg bob hello\r');
    await alice.sees('bob is away: lunch.');
    alice.type('/who\r');
    await alice.sees('In the room (3):');
    await alice.sees(/^ {2}bob {4}node 2 {2}away 0m: lunch *$/m);
    await alice.sees(/^ {2}SysOp {2}node 3 {2}sysop *$/m);
    alice.type('/whois dave\r');
    await alice.sees(/^dave: account since \d{4}-\d\d-\d\d \d\d:\d\d UTC\. *$/m);
    await alice.sees(/^ {2}Not in the room; never called\. *$/m);
    alice.type('/whois nobody\r');
    await alice.sees('There is no account called nobody.');
    bob.type('back now\r');
    await bob.sees('Welcome back: you were away for 0m.');
  });
});
