/**
 * Checks the signature a caller made to prove they hold a key. ssh2's own check (ParsedKey.verify)
 * parses the key blob and hands Node the key as PEM text, which Node parses again on every call:
 * when a crowd arrives that was ~0.35 ms of a worker per key login, more than the check itself.
 * Here a key becomes a Node KeyObject once and is kept by its blob (a bounded number of keys), so
 * each later login with it costs only the check. ssh2 has already turned an ECDSA signature into
 * the DER form Node's verify expects.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import ssh2 from 'ssh2';

/** What ssh2 hands the auth handler for a public-key request. */
export interface SignedRequest {
  key: { algo: string; data: Buffer };
  /** The signed data; absent for a query ("would this key do?"). */
  blob?: Buffer;
  signature?: Buffer;
  /** Named by rsa-sha2-256 and -512 requests; other key types sign with their own hash. */
  hashAlgo?: string;
}

/** The hash each key type signs with unless the request names one; ed25519 hashes inside. */
export const OWN_HASH: Readonly<Record<string, string | null>> = {
  'ssh-ed25519': null,
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
};

/** Keys kept; past this the oldest goes. A board's regular callers fit, a flood of made-up keys cannot grow it. */
const KEPT_KEYS = 2048;

interface Checker {
  key: KeyObject;
  type: string;
}

const checkers = new Map<string, Checker | null>();

export function verifySignature(request: SignedRequest): boolean {
  const { blob, signature } = request;
  if (!blob || !signature) return false;
  const checker = checkerFor(request.key.data);
  if (!checker) return false;
  const hash = request.hashAlgo ?? OWN_HASH[checker.type];
  // A type with no hash of its own and none named (ssh-rsa's SHA-1): never accepted.
  if (hash === undefined) return false;
  try {
    return verify(hash, blob, checker.key, signature);
  } catch {
    return false;
  }
}

function checkerFor(data: Buffer): Checker | null {
  const id = data.toString('base64');
  let checker = checkers.get(id);
  if (checker === undefined) {
    checker = makeChecker(data);
    if (checkers.size >= KEPT_KEYS) checkers.delete(checkers.keys().next().value!);
    checkers.set(id, checker);
  }
  return checker;
}

function makeChecker(data: Buffer): Checker | null {
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error || Array.isArray(parsed)) return null;
  try {
    return { key: createPublicKey(parsed.getPublicPEM()), type: parsed.type };
  } catch {
    return null;
  }
}
