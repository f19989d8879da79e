/**
 * ssh-audit 2.5.0's verdict on both algorithm sets: `compatible` gets no fail; `modern` gets no
 * fail and no warning but the one for ssh2's strict-KEX marker, which that version does not know.
 */
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startBoard, type TestBoard } from '../helpers/board.js';
import { hasCommand } from '../helpers/commands.js';

let board: TestBoard | undefined;

afterEach(async () => {
  await board?.close();
  board = undefined;
});

/** The algorithm lines ssh-audit marks [fail] or [warn]. Asynchronous: the board answers from this process. */
function audit(port: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('ssh-audit', ['-n', '-p', String(port), '127.0.0.1'], { timeout: 20_000 }, (err, stdout) => {
      if (!stdout.includes('# key exchange algorithms')) return reject(err ?? new Error(stdout));
      resolve(stdout.split('\n').filter((line) => /^\(\w+\) .*-- \[(fail|warn)\]/.test(line)).map((line) => line.replace(/\s+/g, ' ').trim()));
    });
  });
}

describe.runIf(hasCommand('ssh-audit'))('ssh-audit', () => {
  it('finds no fail in the compatible set', async () => {
    board = await startBoard({ server: { algorithms: 'compatible' } });
    const findings = await audit(board.port);
    expect(findings.filter((line) => line.includes('[fail]'))).toEqual([]);
  });

  it('finds nothing in the modern set but the unknown strict-KEX marker', async () => {
    board = await startBoard({ server: { algorithms: 'modern' } });
    expect(await audit(board.port)).toEqual(['(kex) kex-strict-s-v00@openssh.com -- [warn] unknown algorithm']);
  });
});
