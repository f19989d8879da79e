/**
 * The room scripts (./scripts.ts) loaded into one ioredis client: ioredis runs each by its hash and
 * loads it again after a Redis restart. Every room script takes the same keys and first arguments,
 * so a call names the script and passes only its own arguments.
 */
import type { Redis } from 'ioredis';
import { ALIVE_PREFIX, KEY_PREFIX, ROOM_KEYS, ROOM_SCRIPTS, roomScriptSource, type RoomScript } from './scripts.js';

/** Room entries kept in the stream: an instance further behind than this misses some. */
export const STREAM_MAXLEN = 10_000;

/** The room's keys, in ROOM_KEYS order: the stream first. */
export const ROOM_KEY_NAMES: readonly string[] = ROOM_KEYS.map((k) => KEY_PREFIX + k);

/** The full name of one room key. */
export const roomKey = (name: (typeof ROOM_KEYS)[number]): string => ROOM_KEY_NAMES[ROOM_KEYS.indexOf(name)]!;

export type RunScript = (name: RoomScript, ...args: Array<string | number>) => Promise<unknown>;

type Command = (...args: Array<string | number>) => Promise<unknown>;

export function defineRoomScripts(client: Redis): RunScript {
  for (const name of Object.keys(ROOM_SCRIPTS) as RoomScript[]) {
    client.defineCommand(`bbs_${name}`, { numberOfKeys: ROOM_KEYS.length, lua: roomScriptSource(name) });
  }
  const commands = client as unknown as Record<string, Command>;
  return (name, ...args) => commands[`bbs_${name}`]!(...ROOM_KEY_NAMES, STREAM_MAXLEN, ALIVE_PREFIX, ...args);
}
