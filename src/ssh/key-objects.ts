/**
 * Signatures made and checked with Node KeyObjects made once. ssh2's own ParsedKey.sign and
 * .verify hand Node the key as PEM text, which Node parses again on every call: when a crowd
 * arrives that was ~0.25 ms of a worker per handshake (the host key's signature) and ~0.35 ms per
 * key login (the caller's), more than the signatures themselves.
 *
 * The hash is the key type's own (ed25519 hashes inside, ECDSA by its curve) unless ssh2 names one,
 * as it does for rsa-sha2-256 and -512. An RSA key with no hash named would be ssh-rsa's SHA-1,
 * which the board neither makes nor accepts.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import ssh2, { type ParsedKey } from 'ssh2';

/** The hash each key type signs with unless the request names one. */
const OWN_HASH: Readonly<Record<string, string | null>> = {
  'ssh-ed25519': null,
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
};

/** Key types signed or checked here; others are left to ssh2 (host keys) or refused (logins). */
function handled(type: string): boolean {
  return type in OWN_HASH || type === 'ssh-rsa';
}

function hashFor(type: string, named: string | undefined): string | null | undefined {
  return named ?? OWN_HASH[type];
}

function parsed(key: Buffer): ParsedKey | undefined {
  const result = ssh2.utils.parseKey(key);
  return result instanceof Error || Array.isArray(result) || !handled(result.type) ? undefined : result;
}

function keyObject(make: () => KeyObject): KeyObject | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

// --- The host keys ---

/**
 * A host key for ssh2's `hostKeys`: ssh2's own parsed key with sign() replaced (ssh2 takes an
 * already parsed key as it is, in its { key } form, and only calls sign() on it), or the PEM as it
 * is when it is not one signed here.
 */
export function signingHostKey(pem: Buffer): { key: ParsedKey } | Buffer {
  const key = parsed(pem);
  const privateKey = key && keyObject(() => createPrivateKey(key.getPrivatePEM()));
  if (!key || !privateKey) return pem; // ssh2 reports it as it always has
  const fast: ParsedKey = Object.create(key);
  // ssh2 takes an Error returned (not thrown) as a failed signature, as from its own sign().
  fast.sign = ((data: Buffer, algo?: string) => {
    const hash = hashFor(key.type, algo);
    if (hash === undefined) return new Error('no hash named for an RSA signature (SHA-1 is not made)');
    try {
      return sign(hash, data, privateKey);
    } catch (err) {
      return err as Error;
    }
  }) as ParsedKey['sign'];
  return { key: fast };
}

// --- The callers' keys ---

/** What ssh2 hands the auth handler for a public-key request. */
export interface SignedRequest {
  key: { algo: string; data: Buffer };
  /** The signed data; absent for a query ("would this key do?"). */
  blob?: Buffer;
  signature?: Buffer;
  /** Named by rsa-sha2-256 and -512 requests. */
  hashAlgo?: string;
}

/** Callers' keys kept; past this the oldest goes. A board's regular callers fit, a flood of made-up keys cannot grow it. */
const KEPT_KEYS = 2048;

/** By the key's blob (base64): its KeyObject and type, or null for a blob that is no key taken here. */
const checkers = new Map<string, { key: KeyObject; type: string } | null>();

/** Whether the request's signature is one the key made. ssh2 has already turned an ECDSA signature into DER. */
export function verifySignature(request: SignedRequest): boolean {
  const { blob, signature } = request;
  if (!blob || !signature) return false;
  const checker = checkerFor(request.key.data);
  if (!checker) return false;
  const hash = hashFor(checker.type, request.hashAlgo);
  if (hash === undefined) return false;
  try {
    return verify(hash, blob, checker.key, signature);
  } catch {
    return false;
  }
}

function checkerFor(data: Buffer): { key: KeyObject; type: string } | null {
  const id = data.toString('base64');
  let checker = checkers.get(id);
  if (checker === undefined) {
    checker = makeChecker(data);
    if (checkers.size >= KEPT_KEYS) checkers.delete(checkers.keys().next().value!);
    checkers.set(id, checker);
  }
  return checker;
}

function makeChecker(data: Buffer): { key: KeyObject; type: string } | null {
  const key = parsed(data);
  const publicKey = key && keyObject(() => createPublicKey(key.getPublicPEM()));
  return key && publicKey ? { key: publicKey, type: key.type } : null;
}
