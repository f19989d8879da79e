/**
 * Everyone hangs up: does the board give everything back? It should log one "session end" per
 * caller, its JS heap after a full collection should be back at the same size after every round
 * of callers (RSS need not be: V8 and the allocator keep pages), and the next caller should get
 * node 1 in an empty room — proof that nodes and seats were freed.
 */
import { performance } from 'node:perf_hooks';
import type { BoardProcess } from '../board-process.js';
import { BenchCaller } from '../caller.js';
import type { Crowd } from '../crowd.js';
import { delay, SETTLE_MS, waitUntil } from '../timing.js';

const ENDED_TIMEOUT_MS = 30_000;

export interface HangUp {
  callers: number;
  /** "session end" lines the board logged for them. */
  ended: number;
  /** Hang-up → the board has logged every session's end. */
  endedMs: number;
  rssKb: number;
  /** V8 heap in use after a full garbage collection, in KiB. */
  heapKb: number;
  /** What the next caller's title bar said, e.g. "Node 1 | bench207 | 1 in room". */
  nextTitle: string;
}

export async function hangUpAll(board: BoardProcess, crowd: Crowd): Promise<HangUp> {
  const callers = crowd.size;
  // Callers who hung up earlier (the timed logins, the stalled caller) must have been counted first.
  await waitUntil(() => board.logCount('session end') >= board.logCount('on node') - callers, ENDED_TIMEOUT_MS);
  const endedBefore = board.logCount('session end');
  const started = performance.now();
  await crowd.hangUp();
  await waitUntil(() => board.logCount('session end') - endedBefore >= callers, ENDED_TIMEOUT_MS);
  const endedMs = performance.now() - started;
  const ended = board.logCount('session end') - endedBefore;
  await delay(SETTLE_MS);
  const rssKb = board.memory().rssKb;
  const heapKb = (await board.heap({ collect: true })).usedKb;
  return { callers, ended, endedMs, rssKb, heapKb, nextTitle: await nextCallersTitle(board.port, crowd) };
}

async function nextCallersTitle(port: number, crowd: Crowd): Promise<string> {
  const account = crowd.takeAccount();
  const { caller } = await BenchCaller.connect({ port, handle: account.handle, privateKey: account.privateKey, localAddress: account.localAddress });
  const title = ((await caller.screen()).split('\n')[0] ?? '').trim();
  await caller.close();
  // The board's name, then the right-hand pieces; keep the pieces.
  return title.slice(title.indexOf('Node')).trim();
}
