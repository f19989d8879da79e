/**
 * What callers on different processes of one board do to each other, the same whether the board's
 * room is shared by worker processes or by instances on Redis: the tests of both run these.
 */
import { expect } from 'vitest';
import type { Caller } from './caller.js';

/** alice sends a private line to bob (seated or waiting outside the room), and bob answers with /r. */
export async function privateLineAndReply(alice: Caller, bob: Caller, waitMs: number): Promise<void> {
  alice.type('/msg bob hold on a minute\r');
  await bob.waitFor('*alice* → you: hold on a minute', waitMs);
  bob.type('/r fine\r');
  await alice.waitFor('*bob* → you: fine', waitMs);
}

/** The sysop (handle SysOp) mutes bob, who is told and whose line is held back, then kicks him off the board. */
export async function muteThenKick(sysop: Caller, bob: Caller, waitMs: number): Promise<void> {
  sysop.type('/mute bob 5 calm down\r');
  await bob.waitFor('You are muted for 5 minutes by SysOp: calm down', waitMs);
  bob.type('but why\r');
  await bob.waitFor('You are muted for 5 minutes more. Not sent: but why', waitMs);
  sysop.type('/kick bob enough now\r');
  await sysop.waitFor('*** bob was kicked by SysOp: enough now ***', waitMs);
  await bob.waitFor('You were removed from the board by SysOp: enough now', waitMs);
  await bob.closed;
  await sysop.waitFor('*** bob has left the chat ***', waitMs);
}

/**
 * Asks /who until it shows `pattern`. A presence change (away, back) is the caller's own process's
 * at once and reaches the others through the primary or Redis: a /who there in between is
 * answered from what that process has heard so far.
 */
export async function whoUntil(caller: Caller, pattern: RegExp, waitMs: number): Promise<void> {
  const shows = () => {
    caller.type('/who\r');
    return caller.waitFor(pattern, 2000).then(
      () => true,
      () => false,
    );
  };
  await expect.poll(shows, { timeout: waitMs, interval: 0 }).toBe(true);
}
