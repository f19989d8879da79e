/**
 * Signatures made and checked with kept Node KeyObjects: for every key type the board takes, they
 * must be exactly what ssh2's own keys make and accept, the first time and from a kept key, and
 * no SHA-1 signature is ever made or accepted.
 */
import { randomBytes } from 'node:crypto';
import ssh2, { type ParsedKey } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/keys/generate.js';
import { signingHostKey, verifySignature, type SignedRequest } from '../../src/ssh/key-objects.js';

const { utils } = ssh2;

/** A key of each kind, with the hashes ssh2 names for it (only rsa-sha2-256 and -512 name one). */
const KINDS: Array<{ name: string; make: () => string; hashes: Array<string | undefined> }> = [
  { name: 'ed25519', make: () => generateKeyPair('ed25519').private, hashes: [undefined] },
  { name: 'ecdsa P-256', make: () => utils.generateKeyPairSync('ecdsa', { bits: 256 }).private, hashes: [undefined] },
  { name: 'ecdsa P-384', make: () => utils.generateKeyPairSync('ecdsa', { bits: 384 }).private, hashes: [undefined] },
  { name: 'ecdsa P-521', make: () => utils.generateKeyPairSync('ecdsa', { bits: 521 }).private, hashes: [undefined] },
  { name: 'rsa', make: () => utils.generateKeyPairSync('rsa', { bits: 2048 }).private, hashes: ['sha256', 'sha512'] },
];

const rsaKey = () => utils.generateKeyPairSync('rsa', { bits: 2048 }).private;

function parsed(text: string): ParsedKey {
  const key = utils.parseKey(text);
  if (key instanceof Error || Array.isArray(key)) throw new Error('unreadable test key');
  return key;
}

function signed(key: ParsedKey, data: Buffer, hashAlgo?: string): SignedRequest {
  const signature = key.sign(data, hashAlgo);
  if (signature instanceof Error) throw signature;
  return { key: { algo: key.type, data: key.getPublicSSH() }, blob: data, signature, ...(hashAlgo && { hashAlgo }) };
}

function hostKey(pem: string): ParsedKey {
  const made = signingHostKey(Buffer.from(pem));
  if (Buffer.isBuffer(made)) throw new Error('not made into a signing key');
  return made.key;
}

describe('checking a caller’s signature', () => {
  it.each(KINDS)('answers as ssh2 does for $name, first and from its kept key', ({ make, hashes }) => {
    for (const hashAlgo of hashes) {
      const key = parsed(make());
      const other = parsed(make());
      const data = randomBytes(100);
      const good = signed(key, data, hashAlgo);
      const tampered = { ...good, blob: Buffer.concat([data, Buffer.from('x')]) };
      const otherKeys = { ...signed(other, data, hashAlgo), key: good.key };
      for (const request of [good, good, tampered, otherKeys, good]) {
        expect(verifySignature(request)).toBe(key.verify(request.blob!, request.signature!, hashAlgo) === true);
      }
      expect(verifySignature(good)).toBe(true);
      expect(verifySignature(tampered)).toBe(false);
    }
  });

  it('refuses an RSA signature made with SHA-1 (ssh-rsa), though it is valid', () => {
    const key = parsed(rsaKey());
    const data = randomBytes(64);
    const sha1 = signed(key, data, 'sha1');
    expect(key.verify(data, sha1.signature!, 'sha1')).toBe(true);
    expect(verifySignature({ ...sha1, hashAlgo: undefined })).toBe(false);
  });

  it('refuses a query without a signature, a key blob nobody can read and a garbled signature', () => {
    const good = signed(parsed(generateKeyPair('ed25519').private), randomBytes(32));
    expect(verifySignature({ key: good.key })).toBe(false);
    expect(verifySignature({ ...good, key: { algo: 'ssh-ed25519', data: randomBytes(51) } })).toBe(false);
    expect(verifySignature({ ...good, signature: randomBytes(7) })).toBe(false);
  });
});

describe('host keys', () => {
  it.each(KINDS)("sign as ssh2's own $name key would, checked by ssh2", ({ make, hashes }) => {
    const text = make();
    const own = parsed(text);
    const fast = hostKey(text);
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

  it('never make an SHA-1 (ssh-rsa) signature', () => {
    expect(hostKey(rsaKey()).sign(randomBytes(32))).toBeInstanceOf(Error);
  });

  it('are taken by an ssh2 server', () => {
    const keys = [generateKeyPair('ed25519').private, rsaKey()];
    expect(() => new ssh2.Server({ hostKeys: keys.map((k) => signingHostKey(Buffer.from(k))) })).not.toThrow();
  });
});
