/**
 * The host keys as ssh2 takes them, each signing with a Node KeyObject made once. ssh2's own sign
 * (ParsedKey.sign) hands Node the private key as PEM text, which Node parses again for every
 * handshake: ~0.25 ms of a worker per caller when a crowd arrives, more than the signature itself.
 * Everything else about the key is ssh2's parsed key as it is (its type, public blob, …): ssh2
 * takes an already parsed key as it is, and only calls sign() on it.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import ssh2, { type ParsedKey } from 'ssh2';
import { OWN_HASH } from './signature-check.js';

/** A host key for ssh2's `hostKeys`: the parsed key (in ssh2's { key } form), or the PEM as it is when it is not one we sign. */
export function signingHostKey(pem: Buffer): { key: ParsedKey } | Buffer {
  const parsed = ssh2.utils.parseKey(pem);
  if (parsed instanceof Error || Array.isArray(parsed)) return pem; // ssh2 reports it as it always has
  const own = OWN_HASH[parsed.type];
  const privatePem = parsed.getPrivatePEM();
  if (own === undefined && parsed.type !== 'ssh-rsa') return pem;
  let key: KeyObject;
  try {
    key = createPrivateKey(privatePem);
  } catch {
    return pem;
  }
  const fast: ParsedKey = Object.create(parsed);
  // ssh2 names the hash for rsa-sha2-256 and -512; ed25519 and ECDSA sign with their own. An RSA
  // signature without a named hash would be ssh-rsa's SHA-1, which the board never makes.
  // ssh2 takes an Error returned (not thrown) as a failed signature, as from its own sign().
  fast.sign = ((data: Buffer, algo?: string) => {
    const hash = algo ?? own;
    if (hash === undefined) return new Error('no hash named for an RSA signature (SHA-1 is not made)');
    try {
      return sign(hash, data, key);
    } catch (err) {
      return err as Error;
    }
  }) as ParsedKey['sign'];
  return { key: fast };
}
