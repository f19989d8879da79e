/**
 * useRedisBoard(): for a test file about instances on one Redis. It starts one real redis-server
 * for the file and empties it after each test (stopped and started again, as after a restart);
 * start() runs the instances a test needs on it, and call()/enter() connect real ssh2 callers to
 * one of them. After each test the callers hang up and the instances stop (failing the test on
 * any error-level line they logged).
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { connectCaller, type Caller } from './caller.js';
import { startInstances, type Instances, type InstancesOptions } from './instances.js';
import { startRedis, type TestRedis } from './redis.js';

export interface RedisBoardTest {
  /** The file's redis-server (set once the file's tests run). */
  readonly redis: TestRedis;
  start(options: Omit<InstancesOptions, 'redisUrl' | 'password'>): Promise<Instances>;
  /** A caller connected and logged in to instance `index`. */
  call(index: number, handle: string): Promise<Caller>;
  /** A caller who got a seat in the room through instance `index`. */
  enter(index: number, handle: string): Promise<Caller>;
}

export function useRedisBoard(password: string, waitMs: number): RedisBoardTest {
  let redis: TestRedis | undefined;
  let board: Instances | undefined;
  const callers: Caller[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });
  afterEach(async () => {
    for (const caller of callers.splice(0)) caller.client.destroy();
    await board?.close();
    board = undefined;
    await redis!.stop();
    await redis!.start();
  });

  async function call(index: number, handle: string): Promise<Caller> {
    const caller = await connectCaller(board!.list[index]!.port, { username: handle, password });
    caller.client.on('error', () => undefined);
    callers.push(caller);
    return caller;
  }

  return {
    get redis() {
      return redis!;
    },
    async start(options) {
      board = await startInstances({ ...options, redisUrl: redis!.url, password });
      return board;
    },
    call,
    async enter(index, handle) {
      const caller = await call(index, handle);
      await caller.waitFor(`*** ${handle} has joined the chat ***`, waitMs);
      return caller;
    },
  };
}
