/**
 * One instance of a board shared through Redis (room.redis): the board of board.ts with its
 * room, nodes, accounts' sessions and login failures in Redis, and its connection caps from this
 * machine's front door (counted here, or by the primary of a board with workers).
 */
import { createBoardWorker, type Board, type BoardDeps } from '../board.js';
import type { Config } from '../config.js';
import type { ConnectionCounts } from '../ssh/connection-caps.js';
import { loadHostKeys } from '../ssh/host-keys.js';
import { connectRedisLinks } from './redis-links.js';

export async function createSharedBoard(config: Readonly<Config>, deps: BoardDeps, counts: ConnectionCounts, options: { announce: boolean }): Promise<Board> {
  const url = config.room.redis;
  if (!url) throw new Error('createSharedBoard needs room.redis');
  const { keys } = loadHostKeys(config.server.keys_dir, { generate: false });
  const links = await connectRedisLinks({
    url,
    heartbeatSeconds: config.room.heartbeat_seconds,
    maxNodes: config.connection.max_nodes,
    auth: config.auth,
    counts,
    hostKeys: keys,
    log: deps.log,
    now: deps.now,
  });
  try {
    return await createBoardWorker(config, deps, links, options);
  } catch (err) {
    await links.close();
    throw err;
  }
}
