/**
 * The board's host keys as the CLI sees them: `bbs keys` prints their fingerprints (as
 * `ssh-keygen -lf` does, so a sysop can publish what callers should see) and `bbs doctor` checks them.
 * `bbs keys --generate` first makes the missing ones, as the board's first start would: how a
 * shared keys volume is filled once before several instances mount it read-only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliIo } from './cli.js';
import { describeKey } from './keys/openssh.js';
import { loadHostKeys } from './ssh/host-keys.js';

export const HOST_KEY_FILE = /^ssh_host_.+_key$/;

/** The host key files in `dir`, sorted; none when the folder is missing. */
export function hostKeyFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => HOST_KEY_FILE.test(f)).sort();
  } catch {
    return [];
  }
}

/** Makes the keys missing from `dir` (none when all are there), then lists them all. */
export function generateHostKeys(dir: string, io: CliIo): number {
  try {
    const { generated } = loadHostKeys(dir, { generate: true });
    for (const file of generated) io.stderr.write(`bbs: made ${file}\n`);
  } catch (err) {
    io.stderr.write(`bbs: ${(err as Error).message}\n`);
    return 1;
  }
  return listHostKeys(dir, io);
}

/** Host keys as `ssh-keygen -lf` shows them, so a sysop can publish the fingerprints callers should see. */
export function listHostKeys(dir: string, io: CliIo): number {
  const files = hostKeyFiles(dir);
  if (files.length === 0) {
    io.stderr.write(`bbs: No host keys in ${dir} yet. The board makes them when it first starts.\n`);
    return 1;
  }
  let status = 0;
  for (const file of files) {
    const full = path.join(dir, file);
    try {
      const key = describeKey(readFileSync(full));
      if (key) {
        io.stdout.write(`${key.bits} ${key.fingerprint} ${file} (${key.label})\n`);
      } else {
        status = 1;
        io.stderr.write(`bbs: ${full} is not a key that can be read (encrypted or damaged?).\n`);
      }
    } catch (err) {
      status = 1;
      io.stderr.write(`bbs: Cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    }
  }
  return status;
}
