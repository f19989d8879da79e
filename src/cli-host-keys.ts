/**
 * The board's host keys as the CLI sees them: `bbs keys` prints their fingerprints (as
 * `ssh-keygen -lf` does, so a sysop can publish what callers should see) and `bbs doctor` checks them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliIo } from './cli.js';
import { describeKey } from './keys/openssh.js';

export const HOST_KEY_FILE = /^ssh_host_.+_key$/;

/** The host key files in `dir`, sorted; none when the folder is missing. */
export function hostKeyFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => HOST_KEY_FILE.test(f)).sort();
  } catch {
    return [];
  }
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
