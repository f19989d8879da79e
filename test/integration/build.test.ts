/**
 * "Build once": scripts/build.js (npm's prepare and prestart) compiles src/ the first time, does
 * nothing while the sources are unchanged — so `npm start` after `npm ci` goes straight to
 * dist/main.js — and compiles again once a source file changes. Run on a copy of the sources.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function build(cwd: string): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(cwd, 'scripts', 'build.js')], { cwd, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('scripts/build.js', () => {
  it('compiles the first time, then only after a source changed', { timeout: 120_000 }, () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-build-'));
    for (const entry of ['src', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json']) {
      cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));

    expect(build(dir)).toEqual({ status: 0, stderr: expect.stringContaining('compiling TypeScript') });
    expect(existsSync(path.join(dir, 'dist', 'main.js'))).toBe(true);
    expect(build(dir)).toEqual({ status: 0, stderr: '' });

    // An edit: the file's mtime moves past what the last build started from.
    const later = new Date(statSync(path.join(dir, 'src', 'board.ts')).mtimeMs + 60_000);
    utimesSync(path.join(dir, 'src', 'board.ts'), later, later);
    expect(build(dir)).toEqual({ status: 0, stderr: expect.stringContaining('compiling TypeScript') });
    expect(build(dir)).toEqual({ status: 0, stderr: '' });
  });
});
