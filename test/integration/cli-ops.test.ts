/**
 * The sysop's operations commands against a real board: `bbs doctor` (one line per check) and
 * `bbs backup` (a consistent copy taken while the board runs, which a new board can start from).
 */
import { chmodSync, copyFileSync, cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { runCli } from '../../src/cli.js';
import { openDatabase } from '../../src/store/db.js';
import { createPasswordHasher } from '../../src/store/passwords.js';
import { SqliteUserStore } from '../../src/store/users.js';
import { PASSWORD, useRoom } from '../helpers/room.js';

const room = useRoom();
let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(path.join(os.tmpdir(), 'bbs-ops-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

async function bbs(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { env, cwd, stdin: Readable.from([]), stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** `status name` of each line doctor printed. */
const verdicts = (stdout: string) => stdout.trimEnd().split('\n').map((line) => line.split(/\s+/).slice(0, 2).join(' '));

/** The variables that point the CLI at a test board. */
function envFor(board: { dataDir: string; keysDir: string; port: number }): NodeJS.ProcessEnv {
  return { BBS_DATA_DIR: board.dataDir, BBS_KEYS_DIR: board.keysDir, BBS_HOST: '127.0.0.1', BBS_PORT: String(board.port) };
}

describe('bbs doctor', () => {
  it('finds a running board healthy: one line per check', async () => {
    const board = await room.start();
    const run = await bbs(['doctor'], envFor(board));
    expect(verdicts(run.stdout)).toEqual(['ok config', 'ok keys', 'ok database', 'ok port', 'ok node']);
    expect(run.stdout).toContain(`the board answers on 127.0.0.1:${board.port}`);
    expect(run.code).toBe(0);
  });

  it('a new install: no keys or database yet (warnings), the port free', async () => {
    const env = { BBS_DATA_DIR: path.join(cwd, 'data'), BBS_KEYS_DIR: path.join(cwd, 'keys'), BBS_HOST: '127.0.0.1', BBS_PORT: '0' };
    const run = await bbs(['doctor'], env);
    expect(verdicts(run.stdout)).toEqual(['ok config', 'warn keys', 'warn database', 'ok port', 'ok node']);
    expect(run.code).toBe(0);
  });

  it('fails what would stop or endanger the board: open keys, a damaged database, a port taken', async () => {
    const keysDir = path.join(cwd, 'keys');
    cpSync(inject('hostKeysDir'), keysDir, { recursive: true });
    chmodSync(path.join(keysDir, 'ssh_host_ed25519_key'), 0o644);
    openDatabase(path.join(cwd, 'data')).close();
    const file = path.join(cwd, 'data', 'bbs.sqlite');
    const bytes = statSync(file).size;
    writeFileSync(file, Buffer.alloc(bytes, 0x41));
    const other = net.createServer((socket) => socket.end('HTTP/1.0 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const port = (other.address() as net.AddressInfo).port;
      const run = await bbs(['doctor'], { BBS_DATA_DIR: path.join(cwd, 'data'), BBS_KEYS_DIR: keysDir, BBS_HOST: '127.0.0.1', BBS_PORT: String(port) });
      expect(verdicts(run.stdout)).toEqual(['ok config', 'FAIL keys', 'FAIL database', 'FAIL port', 'ok node']);
      expect(run.stdout).toContain('ssh_host_ed25519_key is readable by others');
      expect(run.stdout).toContain('taken by another program ("HTTP/1.0 400 Bad Request")');
      expect(run.code).toBe(1);
    } finally {
      other.close();
    }
  });

  it('a bad config is one failed check, with the message that names the key', async () => {
    writeFileSync(path.join(cwd, 'config.yaml'), 'chat:\n  capasity: 3\n');
    const run = await bbs(['doctor'], {});
    expect(verdicts(run.stdout)).toEqual(['FAIL config', 'ok node']);
    expect(run.stdout).toMatch(/^FAIL {2}config {4}Invalid configuration \(.*config\.yaml\): chat\.capasity: unknown key/m);
    expect(run.code).toBe(1);
  });
});

describe('bbs backup', () => {
  it('copies the database while the board runs, and a board started on the copy has the accounts', async () => {
    const board = await room.start();
    await room.addUsers(['alice', 'bob']);
    const alice = await room.enter('alice');
    alice.type('said before the backup\r');
    await alice.sees('alice: said before the backup');

    const target = path.join(cwd, 'backup.sqlite');
    const run = await bbs(['backup', target], envFor(board));
    expect(run).toEqual({
      code: 0,
      stdout: `Backed up ${path.join(board.dataDir, 'bbs.sqlite')} to ${target} (${run.stdout.match(/\((\d+) pages/)?.[1]} pages, checked).\n`,
      stderr: `bbs: database ${path.join(board.dataDir, 'bbs.sqlite')} (BBS_DATA_DIR)\n`,
    });
    expect(statSync(target).mode & 0o777).toBe(0o600);

    // Restore as the README says: the copy becomes bbs.sqlite in a data folder, then the board starts.
    const restored = path.join(cwd, 'restored');
    openDatabase(restored).close();
    rmSync(path.join(restored, 'bbs.sqlite'));
    copyFileSync(target, path.join(restored, 'bbs.sqlite'));
    const second = await room.start({}, { dataDir: restored });
    expect((await second.board.users.list()).map((u) => u.handle)).toEqual(['alice', 'bob']);
    expect(second.board.room.recentHistory().some((m) => m.kind === 'public' && m.text === 'said before the backup')).toBe(true);
    const users = new SqliteUserStore(openDatabase(restored), createPasswordHasher({ maxConcurrent: 1 }));
    expect(await users.verifyPassword('alice', PASSWORD)).toBeDefined();
  });

  it('never overwrites a file, and needs exactly one file name', async () => {
    const board = await room.start();
    writeFileSync(path.join(cwd, 'taken.sqlite'), 'precious');
    expect(await bbs(['backup', 'taken.sqlite'], envFor(board))).toMatchObject({ code: 1, stderr: expect.stringContaining('already exists') });
    expect((await bbs(['backup'], envFor(board))).code).toBe(2);
  });
});
