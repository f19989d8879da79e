/**
 * `bbs kick` and `bbs user ban` on a board shared through Redis (room.redis): the call ends at
 * once, through the room stream, on whichever instance holds it — as a sysop's /kick does — also
 * on an instance whose database the CLI does not reach.
 */
import type { Removal } from '../nodes/lines.js';
import { withOneShotRedis } from './one-shot.js';
import { defineRoomScripts } from './room-scripts.js';

/**
 * Ends the account's call wherever it is → whether there was one. The session, as it ends, has
 * the room hear the removal's notice (who did it and why) on every instance: said there, it is
 * said once even when the call's own account watch finds a ban at the same moment.
 */
export function removeThroughRedis(url: string, userId: number, removal: Removal): Promise<boolean> {
  return withOneShotRedis(url, async (client) => {
    const run = defineRoomScripts(client);
    return (await run('remove', userId, removal.reason, removal.text, removal.notice ?? '')) === 1;
  });
}
