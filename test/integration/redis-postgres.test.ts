/**
 * Two board processes on one real redis-server and one real PostgreSQL, each with its own data
 * folder (nothing shared but the two servers, as on two machines), real ssh2 callers: an account
 * registered on one instance logs in on the other; a sysop's /ban on one ends the call of the
 * banned caller on the other and refuses their next call there; a line said in the shared room
 * is kept in the history once, not once per instance that heard it.
 */
import { expect, it } from 'vitest';
import { usePostgresDatabase, withClient } from '../helpers/postgres.js';
import { useRedisBoard } from '../helpers/redis-board.js';

const PASSWORD = 'correct horse battery';
const WAIT_MS = 20_000;
const shared = useRedisBoard(PASSWORD, WAIT_MS);
const database = usePostgresDatabase();

it('shares accounts, bans and history between instances on different folders', async () => {
  const board = await shared.start({ count: 0, users: ['alice', 'bob'], sysops: ['SysOp'], databaseUrl: database.url });
  // Each instance its own data folder: only PostgreSQL can carry an account from one to the other.
  await board.add({ BBS_DATA_DIR: `${board.env.BBS_DATA_DIR}-a` });
  await board.add({ BBS_DATA_DIR: `${board.env.BBS_DATA_DIR}-b` });

  const newcomer = await shared.call(0, 'new');
  await newcomer.waitFor('Handle', WAIT_MS);
  newcomer.type(`dave\r${PASSWORD}\r${PASSWORD}\r`);
  await newcomer.waitFor('*** dave has joined the chat ***', WAIT_MS);
  newcomer.end();
  await newcomer.closed;
  await shared.enter(1, 'dave');

  const sysop = await shared.enter(0, 'SysOp');
  const bob = await shared.enter(1, 'bob');
  await sysop.waitFor('*** bob has joined the chat ***', WAIT_MS);
  sysop.type('said once on two instances\r');
  await bob.waitFor('SysOp: said once on two instances', WAIT_MS);
  const kept = () =>
    withClient(database.url, async (client) => {
      const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM chat_history WHERE json LIKE '%said once on two instances%'");
      return Number(rows[0]!.n);
    });
  await expect.poll(kept, { timeout: WAIT_MS }).toBe(1);

  sysop.type('/ban bob 7d abuse\r');
  await bob.waitFor(/The account bob is banned from ssh-bbs until .* UTC\. Reason: abuse/, WAIT_MS);
  await bob.closed;
  const again = await shared.call(1, 'bob');
  await again.waitFor('The account bob is banned', WAIT_MS);
  expect(await kept()).toBe(1);
});
