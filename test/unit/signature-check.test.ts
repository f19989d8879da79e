/**
 * The check of a public-key login's signature: it must answer exactly as ssh2's own check does for
 * every key type the board takes, the first time and from its kept keys, and refuse SHA-1.
 */
import { randomBytes } from 'node:crypto';
import ssh2, { type ParsedKey } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/keys/generate.js';
import { verifySignature, type SignedRequest } from '../../src/ssh/signature-check.js';

const { utils } = ssh2;

function parsed(text: string): ParsedKey {
  const key = utils.parseKey(text);
  if (key instanceof Error || Array.isArray(key)) throw new Error('unreadable test key');
  return key;
}

/** A key of each kind, with the hash its requests name (only rsa-sha2-* name one). */
const KINDS: Array<{ name: string; make: () => string; hashAlgo?: string }> = [
  { name: 'ed25519', make: () => generateKeyPair('ed25519').private },
  { name: 'ecdsa P-256', make: () => utils.generateKeyPairSync('ecdsa', { bits: 256 }).private },
  { name: 'ecdsa P-384', make: () => utils.generateKeyPairSync('ecdsa', { bits: 384 }).private },
  { name: 'ecdsa P-521', make: () => utils.generateKeyPairSync('ecdsa', { bits: 521 }).private },
  { name: 'rsa-sha2-256', make: () => utils.generateKeyPairSync('rsa', { bits: 2048 }).private, hashAlgo: 'sha256' },
  { name: 'rsa-sha2-512', make: () => utils.generateKeyPairSync('rsa', { bits: 2048 }).private, hashAlgo: 'sha512' },
];

function signed(key: ParsedKey, data: Buffer, hashAlgo?: string): SignedRequest {
  const signature = key.sign(data, hashAlgo);
  if (signature instanceof Error) throw signature;
  return { key: { algo: key.type, data: key.getPublicSSH() }, blob: data, signature, ...(hashAlgo && { hashAlgo }) };
}

describe('signature check', () => {
  it.each(KINDS)('answers as ssh2 does for $name, first and from its kept key', ({ make, hashAlgo }) => {
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
  });

  it('refuses an RSA signature made with SHA-1 (ssh-rsa), though it is valid', () => {
    const key = parsed(utils.generateKeyPairSync('rsa', { bits: 2048 }).private);
    const data = randomBytes(64);
    const sha1 = signed(key, data, 'sha1');
    expect(key.verify(data, sha1.signature!, 'sha1')).toBe(true);
    expect(verifySignature({ ...sha1, hashAlgo: undefined })).toBe(false);
  });

  it('refuses a query without a signature, a key blob nobody can read and a garbled signature', () => {
    const key = parsed(generateKeyPair('ed25519').private);
    const good = signed(key, randomBytes(32));
    expect(verifySignature({ key: good.key })).toBe(false);
    expect(verifySignature({ ...good, key: { algo: 'ssh-ed25519', data: randomBytes(51) } })).toBe(false);
    expect(verifySignature({ ...good, signature: randomBytes(7) })).toBe(false);
  });
});
