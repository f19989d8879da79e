/**
 * Host keys that sign with a Node KeyObject made once: their signatures must be the ones ssh2's
 * own key would accept, for every host key type, and an RSA key must never sign with SHA-1.
 */
import { randomBytes } from 'node:crypto';
import ssh2, { type ParsedKey } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/keys/generate.js';
import { signingHostKey } from '../../src/ssh/host-key-signer.js';

const { utils } = ssh2;

const KINDS: Array<{ name: string; pem: () => string; hashes: Array<string | undefined> }> = [
  { name: 'ed25519', pem: () => generateKeyPair('ed25519').private, hashes: [undefined] },
  { name: 'ecdsa P-256', pem: () => utils.generateKeyPairSync('ecdsa', { bits: 256 }).private, hashes: [undefined] },
  { name: 'ecdsa P-384', pem: () => utils.generateKeyPairSync('ecdsa', { bits: 384 }).private, hashes: [undefined] },
  { name: 'ecdsa P-521', pem: () => utils.generateKeyPairSync('ecdsa', { bits: 521 }).private, hashes: [undefined] },
  { name: 'rsa', pem: () => utils.generateKeyPairSync('rsa', { bits: 2048 }).private, hashes: ['sha256', 'sha512'] },
];

function ssh2Key(pem: string): ParsedKey {
  const key = utils.parseKey(pem);
  if (key instanceof Error || Array.isArray(key)) throw new Error('unreadable test key');
  return key;
}

function signer(pem: string): ParsedKey {
  const made = signingHostKey(Buffer.from(pem));
  if (Buffer.isBuffer(made)) throw new Error('not made into a signing key');
  return made.key;
}

describe('host key signer', () => {
  it.each(KINDS)("signs as ssh2's own $name key would, checked by ssh2", ({ pem, hashes }) => {
    const text = pem();
    const own = ssh2Key(text);
    const fast = signer(text);
    expect(fast.type).toBe(own.type);
    expect(fast.getPublicSSH().equals(own.getPublicSSH())).toBe(true);
    for (const hash of hashes) {
      const data = randomBytes(64);
      const signature = fast.sign(data, hash);
      expect(signature).toBeInstanceOf(Buffer);
      expect(own.verify(data, signature, hash)).toBe(true);
      expect(own.verify(Buffer.concat([data, Buffer.from('x')]), signature, hash)).toBe(false);
    }
  });

  it('never makes an SHA-1 (ssh-rsa) signature', () => {
    const fast = signer(utils.generateKeyPairSync('rsa', { bits: 2048 }).private);
    expect(fast.sign(randomBytes(32))).toBeInstanceOf(Error);
  });

  it('is taken by an ssh2 server as a host key', () => {
    const keys = [generateKeyPair('ed25519').private, utils.generateKeyPairSync('rsa', { bits: 2048 }).private];
    expect(() => new ssh2.Server({ hostKeys: keys.map((k) => signingHostKey(Buffer.from(k))) })).not.toThrow();
  });
});
