/**
 * `bbs kick` and `bbs user ban` on a board shared through Redis (room.redis): the call ends at
 * once, through the room stream, on whichever instance holds it — as a sysop's /kick does — also
 * on an instance whose database the CLI does not reach.
 */
import type { ChatMessage } from '../chat/messages.js';
import type { Removal } from '../nodes/lines.js';
import { withOneShotRedis } from './one-shot.js';
import { defineRoomScripts, ROOM_KEY_NAMES, STREAM_MAXLEN } from './room-scripts.js';

/**
 * Ends the account's call wherever it is → whether there was one. When there was, the room hears
 * `notice` (who did it and why) as a line from the board, on every instance.
 */
export function removeThroughRedis(url: string, userId: number, removal: Removal, notice: string): Promise<boolean> {
  return withOneShotRedis(url, async (client) => {
    const run = defineRoomScripts(client);
    if ((await run('remove', userId, removal.reason, removal.text)) !== 1) return false;
    const message: ChatMessage = { kind: 'system', official: false, text: notice, at: Date.now() };
    // As an instance publishes a line (redis-links.ts): the stream is the room's first key.
    await client.xadd(ROOM_KEY_NAMES[0]!, 'MAXLEN', '~', STREAM_MAXLEN, '*', 't', 'message', 'm', JSON.stringify(message));
    return true;
  });
}
