import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../src/config.js';

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
    expect(config.server).toEqual({ host: '0.0.0.0', port: 2222, keys_dir: path.join(dir, 'keys'), data_dir: path.join(dir, 'data'), algorithms: 'compatible' });
    expect(config.connection.max_nodes).toBe(16);
    expect(config.chat.capacity).toBe(32);
    expect(config.chat.history).toBe(50);
    expect(config.chat.max_message_length).toBe(500);
    expect(config.auth).toMatchObject({ max_login_attempts: 5, lockout_minutes: 15, sysop_handles: ['SysOp'] });
    expect(Object.isFrozen(config.server)).toBe(true);
  });

  it('the committed config.yaml is valid and matches the defaults', () => {
    const committed = loadConfig({ env: { BBS_CONFIG: path.resolve('config.yaml') }, cwd: dir });
    const defaults = loadConfig({ env: {}, cwd: path.resolve('.') });
    expect({ ...committed, server: undefined }).toEqual({ ...defaults, server: undefined });
    expect(committed.server.port).toBe(2222);
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

  it('a bad BBS_PORT is named', () => {
    expect(problems(() => loadConfig({ env: { BBS_PORT: 'abc' }, cwd: dir }))[0]).toMatch(/^server\.port: /);
  });
});
