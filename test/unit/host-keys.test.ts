import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadHostKeys, HostKeyError } from '../../src/ssh/host-keys.js';

let dir: string;
beforeEach(() => {
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'bbs-hostkeys-')), 'keys');
});
afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

describe('host keys', () => {
  it('generates ed25519 and RSA once, private and 0600, and reuses them', () => {
    const first = loadHostKeys(dir, { generate: true });
    expect(first.keys.map((k) => [k.type, k.bits])).toEqual([['ed25519', 256], ['rsa', 3072]]);
    expect(first.generated).toHaveLength(2);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const key of first.keys) expect(statSync(key.file).mode & 0o777).toBe(0o600);
    const again = loadHostKeys(dir, { generate: true });
    expect(again.generated).toEqual([]);
    expect(again.keys.map((k) => k.fingerprint)).toEqual(first.keys.map((k) => k.fingerprint));
  });

  it('prints fingerprints exactly as ssh-keygen -lf does', () => {
    const { keys } = loadHostKeys(dir, { generate: true });
    for (const key of keys) {
      const line = execFileSync('ssh-keygen', ['-lf', key.file], { encoding: 'utf8' });
      expect(line.split(' ')[1]).toBe(key.fingerprint);
      expect(line.split(' ')[0]).toBe(String(key.bits));
    }
  });

  it('refuses an unreadable or corrupt key and never replaces it', () => {
    loadHostKeys(dir, { generate: true });
    const file = path.join(dir, 'ssh_host_rsa_key');
    writeFileSync(file, 'garbage');
    expect(() => loadHostKeys(dir, { generate: true })).toThrow(HostKeyError);
    expect(readFileSync(file, 'utf8')).toBe('garbage');
    if (process.getuid?.() !== 0) {
      chmodSync(file, 0);
      expect(() => loadHostKeys(dir, { generate: true })).toThrow(/cannot read host key/);
    }
  });

  it('without generate, reads only what is there', () => {
    expect(loadHostKeys(dir, { generate: false }).keys).toEqual([]);
  });

  it.runIf(process.platform !== 'win32')('refuses a private host key that others can read, saying how to fix it', () => {
    const { keys } = loadHostKeys(dir, { generate: true });
    chmodSync(keys[0]!.file, 0o644);
    expect(() => loadHostKeys(dir, { generate: true })).toThrow(HostKeyError);
    expect(() => loadHostKeys(dir, { generate: true })).toThrow(`mode 0644); run: chmod 600 ${keys[0]!.file}`);
    chmodSync(keys[0]!.file, 0o600);
    expect(loadHostKeys(dir, { generate: true }).keys).toHaveLength(2);
  });
});
