import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, parseListen } from '../../src/config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('runs on embedded defaults when there is no config.yaml', () => {
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config.server).toEqual({ host: '0.0.0.0', port: 2222, keys_dir: path.join(dir, 'keys'), data_dir: path.join(dir, 'data'), workers: 'auto', algorithms: 'compatible' });
    expect(config.connection.max_nodes).toBe(16);
    expect(config.chat.capacity).toBe(32);
    expect(config.chat.history).toBe(50);
    expect(config.chat.max_message_length).toBe(500);
    expect(config.auth).toMatchObject({ max_login_attempts: 5, lockout_minutes: 15, sysop_handles: ['SysOp'] });
    expect(Object.isFrozen(config.server)).toBe(true);
  });

  it('room.redis is off by default and takes a redis URL or a socket path, from the file or BBS_REDIS_URL', () => {
    expect(loadConfig({ env: {}, cwd: dir }).room).toEqual({ heartbeat_seconds: 5 });
    expect(loadConfig({ env: { BBS_REDIS_URL: 'redis://10.0.0.5:6379/2' }, cwd: dir }).room.redis).toBe('redis://10.0.0.5:6379/2');
    expect(parseConfig({ room: { redis: '/run/redis/redis.sock' } }).room.redis).toBe('/run/redis/redis.sock');
    expect(problems(() => loadConfig({ env: { BBS_REDIS_URL: 'localhost:6379' }, cwd: dir }))).toEqual([
      'BBS_REDIS_URL="localhost:6379" (room.redis): must be a redis:// or rediss:// URL, or the absolute path of a unix socket',
    ]);
    expect(problems(() => parseConfig({ room: { heartbeat_seconds: 0 } }))[0]).toMatch(/^room\.heartbeat_seconds: /);
  });

  it('store.postgres is off by default and takes a postgres URL, from the file or BBS_DATABASE_URL', () => {
    expect(loadConfig({ env: {}, cwd: dir }).store).toEqual({ pool_size: 10, connect_timeout_seconds: 5, statement_timeout_seconds: 15 });
    const url = 'postgres://bbs:secret@db.internal:5432/bbs?sslmode=require';
    expect(loadConfig({ env: { BBS_DATABASE_URL: url }, cwd: dir }).store.postgres).toBe(url);
    expect(parseConfig({ store: { postgres: 'postgresql://db/bbs', pool_size: 3 } }).store).toMatchObject({ postgres: 'postgresql://db/bbs', pool_size: 3 });
    expect(problems(() => parseConfig({ store: { postgres: 'mysql://db/bbs' } }))).toEqual(['store.postgres: must be a postgres:// or postgresql:// URL']);
  });

  it('names a bad BBS_DATABASE_URL or BBS_REDIS_URL without the password in it', () => {
    const bad = { BBS_DATABASE_URL: 'postgres ://bbs:hunter22@db/bbs', BBS_REDIS_URL: 'redis:/:hunter23@db' };
    const found = problems(() => loadConfig({ env: bad, cwd: dir }));
    expect(found).toHaveLength(2);
    expect(found.join('\n')).not.toMatch(/hunter2/);
    expect(found).toContain('BBS_DATABASE_URL="the configured URL" (store.postgres): must be a postgres:// or postgresql:// URL');
    const withPassword = problems(() => loadConfig({ env: { BBS_DATABASE_URL: 'mysql://bbs:hunter22@db/bbs' }, cwd: dir }));
    expect(withPassword).toEqual(['BBS_DATABASE_URL="mysql://bbs:***@db/bbs" (store.postgres): must be a postgres:// or postgresql:// URL']);
  });

  it('the committed config.yaml is valid and matches the defaults', () => {
    const committed = loadConfig({ env: { BBS_CONFIG: path.resolve('config.yaml') }, cwd: dir });
    const defaults = loadConfig({ env: {}, cwd: path.resolve('.') });
    expect({ ...committed, server: undefined }).toEqual({ ...defaults, server: undefined });
    expect(committed.server.port).toBe(2222);
    expect(committed.server.workers).toBe(defaults.server.workers);
  });

  it.each([
    ['BBS_WORKERS=1', { BBS_WORKERS: '1' }, 1],
    ['BBS_WORKERS=auto', { BBS_WORKERS: 'auto' }, 'auto'],
  ])('takes the worker count from %s', (_name, env, workers) => {
    expect(loadConfig({ env, cwd: dir }).server.workers).toBe(workers);
  });

  it.each([0, 65, 2.5, 'many'])('names server.workers when it is %j', (workers) => {
    expect(() => parseConfig({ server: { workers } })).toThrow(/server\.workers: /);
  });

  it('reads the file, resolving its folders from the file, then applies BBS_* overrides', () => {
    writeFileSync(path.join(dir, 'config.yaml'), 'server:\n  port: 2300\n  data_dir: ./db\nchat:\n  capacity: 4\nbbs:\n  name: Night Owl\n');
    const config = loadConfig({ env: { BBS_PORT: '2400', BBS_KEYS_DIR: '/srv/keys' }, cwd: dir });
    expect(config.server.port).toBe(2400);
    expect(config.server.data_dir).toBe(path.join(dir, 'db'));
    expect(config.server.keys_dir).toBe('/srv/keys');
    expect(config.chat.capacity).toBe(4);
    expect(config.bbs.name).toBe('Night Owl');
  });

  it('BBS_CONFIG names the file; a missing one is an error', () => {
    expect(problems(() => loadConfig({ env: { BBS_CONFIG: path.join(dir, 'nope.yaml') }, cwd: dir }))[0]).toMatch(/cannot read .*nope\.yaml: ENOENT/);
  });

  it.each([
    [{ server: { port: 'lots' } }, /^server\.port: /],
    [{ server: { port: 70000 } }, /^server\.port: /],
    [{ chat: { capasity: 3 } }, /^chat\.capasity: unknown key/],
    [{ colour: 'blue' }, /^colour: unknown key/],
    [{ connection: { max_nodes: 0 } }, /^connection\.max_nodes: /],
    [{ connection: { max_nodes: 2.5 } }, /^connection\.max_nodes: /],
    [{ auth: { sysop_handles: ['ok', 'not ok!'] } }, /^auth\.sysop_handles\.1: /],
    [{ log: { level: 'loud' } }, /^log\.level: /],
    [{ server: 'everything' }, /^server: /],
  ])('names the bad key in %j', (raw, expected) => {
    expect(problems(() => parseConfig(raw))).toEqual([expect.stringMatching(expected)]);
  });

  it('reports every problem at once', () => {
    expect(problems(() => parseConfig({ server: { port: -1 }, chat: { capacity: 'x' }, extra: 1 }))).toHaveLength(3);
  });

  it.each([
    ['server: [unclosed', /./],
    ['- a list\n- at the top', /must be a mapping/],
    ['server:\n  port: 1\nserver:\n  port: 2\n', /./],
  ])('refuses malformed YAML %j with a message', (text, expected) => {
    writeFileSync(path.join(dir, 'config.yaml'), text);
    expect(problems(() => loadConfig({ env: {}, cwd: dir })).join('\n')).toMatch(expected);
  });

  it.each([
    ['BBS_PORT', 'abc', /^BBS_PORT="abc" \(server\.port\): /],
    ['BBS_LOG_LEVEL', 'loud', /^BBS_LOG_LEVEL="loud" \(log\.level\): /],
  ])('a bad %s is reported against the variable, not the file', (name, value, expected) => {
    writeFileSync(path.join(dir, 'config.yaml'), 'server:\n  port: 2300\n');
    let error: unknown;
    try {
      loadConfig({ env: { [name]: value }, cwd: dir });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(expected)]);
    expect((error as ConfigError).message).toMatch(/^Invalid configuration \(environment\):/);
    expect((error as ConfigError).message).not.toContain('config.yaml');
  });

  it('a problem in the file and one in a variable are each reported against their source', () => {
    writeFileSync(path.join(dir, 'config.yaml'), 'chat:\n  capacity: 0\n');
    const message = (() => {
      try {
        loadConfig({ env: { BBS_PORT: '99999' }, cwd: dir });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(message).toContain(`(${path.join(dir, 'config.yaml')}, environment)`);
    expect(message).toMatch(/- chat\.capacity: /);
    expect(message).toMatch(/- BBS_PORT="99999" \(server\.port\): /);
  });

  it('a YAML syntax error shows the whole message: where, the line itself and a caret', () => {
    writeFileSync(path.join(dir, 'config.yaml'), 'server:\n  port: 2222\n bad indent: [\n');
    const [problem = ''] = problems(() => loadConfig({ env: {}, cwd: dir }));
    expect(problem).toMatch(/at line \d+, column \d+:\n/);
    expect(problem).toContain('bad indent');
    expect(problem).toContain('^');
  });

  it.each([
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464 }],
    ['[::1]:0', { host: '::1', port: 0 }],
    ['localhost:80', { host: 'localhost', port: 80 }],
  ])('metrics.listen %s is a host and a port', (listen, expected) => {
    expect(parseListen(parseConfig({ metrics: { listen } }).metrics.listen)).toEqual(expected);
  });

  it.each(['9464', '127.0.0.1', '127.0.0.1:99999', ':9464'])('metrics.listen %j is refused', (listen) => {
    expect(problems(() => parseConfig({ metrics: { listen } }))).toEqual([expect.stringMatching(/^metrics\.listen: /)]);
  });

  it('metrics are off by default, on loopback when turned on', () => {
    expect(parseConfig({}).metrics).toEqual({ enabled: false, listen: '127.0.0.1:9464' });
  });
});
