#!/usr/bin/env node
// Compiles src/ to dist/ only when a source changed since the last good build, so `npm start`
// (prestart) costs a stat of each source file instead of a TypeScript compile, and `npm ci`
// (prepare) leaves a built board behind. `--force` always compiles (npm run build). Where
// TypeScript is not installed (npm ci --omit=dev) an existing dist/ is used as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newestMtime(target) {
  const stat = statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted or renamed file changes its folder's mtime
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function tscPath() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** The newest input mtime the last good build started from (a file changed during it is newer). */
function builtFrom() {
  try {
    return Number(JSON.parse(readFileSync(stamp, 'utf8')).newest) || 0;
  } catch {
    return 0;
  }
}

const newest = Math.max(...inputs.map((i) => newestMtime(path.join(root, i))));
if (!process.argv.includes('--force') && newest <= builtFrom()) process.exit(0);
const tsc = tscPath();
if (!tsc) {
  if (existsSync(path.join(root, 'dist', 'main.js'))) process.exit(0);
  process.stderr.write('build: TypeScript is not installed and dist/ is missing: run "npm ci" (with dev dependencies).\n');
  process.exit(1);
}
process.stderr.write('build: compiling TypeScript into dist/\n');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stamp, `${JSON.stringify({ newest, builtAt: new Date().toISOString() })}\n`);
