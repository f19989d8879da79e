/**
 * Reads the room stream in Redis, in order, on a connection of its own (a blocking XREAD holds its
 * connection). Each entry is a room event, or a note that one session must end; the reader hands
 * them on in stream order and keeps where it stands, so that an instance can wait until it has
 * heard what it wrote itself (a seat is taken once its own room has heard "joined").
 */
import type { Redis } from 'ioredis';
import type { ChatMessage } from '../chat/messages.js';
import type { RoomEvent } from '../chat/roster.js';
import type { Removal } from '../nodes/lines.js';

/** 'end': a session must end — taken over by a later login, or removed (kicked, banned) by a sysop. */
export type StreamEntry = RoomEvent | { type: 'end'; instance: string; key: string; removal?: Removal };

/** Entries per read; a reader that fell behind catches up in batches this size. */
const BATCH = 500;
/** A blocking read returns this often even when the room is quiet, so stop() is noticed. */
const BLOCK_MS = 2000;

export interface RoomReader {
  /** Settles once every entry up to this id has been handed on (or the reader stopped). */
  passed(id: string): Promise<void>;
  /** Settle every wait: after Redis restarted empty, the entries waited for may never come. */
  releaseWaits(): void;
  stop(): void;
}

export function startRoomReader(
  connection: Redis,
  key: string,
  from: string,
  onEntry: (entry: StreamEntry) => void,
  onError: (err: Error) => void,
): RoomReader {
  let lastId = from;
  let stopped = false;
  let waits: Array<{ id: string; resolve: () => void }> = [];

  const settle = (all: boolean) => {
    const due = all ? waits : waits.filter((w) => compareIds(w.id, lastId) <= 0);
    waits = all ? [] : waits.filter((w) => compareIds(w.id, lastId) > 0);
    for (const w of due) w.resolve();
  };

  async function loop(): Promise<void> {
    while (!stopped) {
      let reply: Array<[string, Array<[string, string[]]>]> | null;
      try {
        reply = (await connection.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', key, lastId)) as typeof reply;
      } catch (err) {
        if (stopped) break;
        // The connection went away mid-read; the client reconnects by itself and the next read
        // waits in its queue until then. This pause only keeps a hard failure from spinning.
        onError(err as Error);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          lastId = id;
          const entry = decodeEntry(fields);
          if (entry) onEntry(entry);
          else onError(new Error(`unreadable room entry ${id}`));
        }
      }
      settle(false);
    }
    settle(true);
  }
  void loop();

  return {
    passed(id) {
      if (stopped || compareIds(id, lastId) <= 0) return Promise.resolve();
      return new Promise((resolve) => waits.push({ id, resolve }));
    },
    releaseWaits: () => settle(true),
    stop() {
      stopped = true;
      settle(true);
    },
  };
}

/** Up to `count` of the room's messages up to and including entry `to`, oldest first. */
export async function recentMessages(connection: Redis, key: string, to: string, count: number): Promise<ChatMessage[]> {
  const entries = (await connection.xrevrange(key, to, '-', 'COUNT', count)) as Array<[string, string[]]>;
  const messages: ChatMessage[] = [];
  for (const [, fields] of entries.reverse()) {
    const entry = decodeEntry(fields);
    if (entry?.type === 'message') messages.push(entry.message);
  }
  return messages;
}

/** Stream ids are "milliseconds-sequence"; both parts compare as numbers. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am !== bm ? am - bm : as - bs;
}

function decodeEntry(fields: string[]): StreamEntry | undefined {
  try {
    return decodeFields(fields);
  } catch {
    return undefined;
  }
}

function decodeFields(fields: string[]): StreamEntry | undefined {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  switch (f.t) {
    case 'message':
      return { type: 'message', message: JSON.parse(f.m!) };
    case 'joined':
      return { type: 'joined', participant: { ...JSON.parse(f.p!), seat: f.s } };
    case 'left':
      return { type: 'left', userId: f.u!, seat: f.s! };
    case 'updated':
      return { type: 'updated', userId: f.u!, seat: f.s!, change: JSON.parse(f.c!) };
    case 'waiting':
      return { type: 'waiting', userId: f.u!, handle: f.h! };
    case 'stopped-waiting':
      return { type: 'stopped-waiting', userId: f.u! };
    case 'notice':
      return { type: 'notice', userId: f.u!, text: f.x!, at: Number(f.a) };
    case 'end':
      return { type: 'end', instance: f.i!, key: f.k!, removal: f.r === 'kicked' || f.r === 'banned' ? { reason: f.r, text: f.x ?? '', ...(f.n && { notice: f.n }) } : undefined };
    default:
      return undefined;
  }
}
