/**
 * Reading SSH public keys that people paste or point us at, and naming keys by their fingerprint
 * the way `ssh-keygen -lf` does (`SHA256:` + unpadded base64 of the SHA-256 of the key blob), so a
 * sysop can compare what the board shows with what their own tools print. Parsing is ssh2's; the
 * refusals (private keys, certificates, DSA, several keys at once) and their wording are ours.
 * It sits below ssh/ (host keys, publickey auth), store/ (bound keys) and the CLI, and imports
 * none of them, so each can use it without an arrow pointing back up.
 */
import { createHash, createPublicKey } from 'node:crypto';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { cleanText } from '../chat/safe-text.js';

export interface PublicKey {
  /** The key type as ssh2 reports it in publickey auth: ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256 … */
  algo: string;
  /** The SSH wire-format public key: what a client sends, and what the fingerprint is taken of. */
  blob: Buffer;
  /** The free text after the key, cleaned of control characters; may be empty. */
  comment: string;
  fingerprint: string;
}

export type ParsePublicKeyResult = { ok: true; key: PublicKey } | { ok: false; error: string };

/** A 16384-bit RSA public key line is under 3 KiB; anything much longer is not one key. */
export const MAX_PUBLIC_KEY_TEXT = 16 * 1024;
const MAX_COMMENT_LENGTH = 100;

const EXAMPLE = 'one line like "ssh-ed25519 AAAAC3Nz… you@host"';
const PRIVATE_KEY_MARKERS = [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, /^PuTTY-User-Key-File-/m];
const RFC4716_BEGIN = '---- BEGIN SSH2 PUBLIC KEY ----';
const RFC4716_END = '---- END SSH2 PUBLIC KEY ----';

/**
 * One public key: an OpenSSH line (`ssh-ed25519 AAAA… comment`; rsa and ecdsa too) or an RFC 4716
 * block as PuTTYgen exports it. Never throws; every refusal is a sentence for the person who gave it.
 */
export function parsePublicKey(text: string): ParsePublicKeyResult {
  if (text.length > MAX_PUBLIC_KEY_TEXT) return refuse(`That is too long to be a public key. Give ${EXAMPLE}.`);
  const trimmed = text.trim();
  if (trimmed === '') return refuse(`No key given. Give ${EXAMPLE}.`);
  if (PRIVATE_KEY_MARKERS.some((marker) => marker.test(trimmed))) return refusePrivate();
  const line = trimmed.startsWith(RFC4716_BEGIN) ? fromRfc4716(trimmed) : trimmed;
  if (line === undefined) return refuse(`That SSH2 public key block is damaged. Give ${EXAMPLE}.`);
  if (/[\r\n]/.test(line)) {
    return refuse('That is more than one line. Give one public key at a time (one line of the .pub file).');
  }
  if (line.startsWith('sk-')) return refuse('Security-key (FIDO) keys are not supported. Please use an ed25519 key.');
  const parsed = parseWithSsh2(line);
  if (parsed === undefined) return refuse(`That is not a public key I can read. Give ${EXAMPLE}.`);
  if (parsed.isPrivateKey()) return refusePrivate();
  if (parsed.type.includes('-cert-')) return refuse('That is a certificate. Give the plain public key.');
  if (parsed.type === 'ssh-dss') return refuse('DSA keys are no longer safe. Please use an ed25519 key.');
  const blob = parsed.getPublicSSH();
  return {
    ok: true,
    key: { algo: parsed.type, blob, comment: cleanKeyComment(parsed.comment), fingerprint: fingerprintOf(blob) },
  };
}

/** `SHA256:<base64 without padding>` of a key blob, exactly as `ssh-keygen -lf` prints it. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The fingerprint of the key ssh2 hands to publickey auth (`ctx.key`: `data` is the blob), or of a bare blob. */
export function fingerprintOfKeyBlob(key: Buffer | { data: Buffer }): string {
  return fingerprintOf(Buffer.isBuffer(key) ? key : key.data);
}

export interface KeyDescription {
  /** Size in bits as ssh-keygen reports it: 256 for ed25519, the modulus for RSA, the curve for ECDSA. */
  bits: number;
  fingerprint: string;
  /** ED25519, RSA, ECDSA or DSA — the label in parentheses at the end of `ssh-keygen -lf`. */
  label: string;
  comment: string;
}

/**
 * Describes a key file's content (private or public, e.g. a host key) for a fingerprint listing.
 * Undefined when ssh2 cannot read it (or it is encrypted).
 */
export function describeKey(text: string | Buffer): KeyDescription | undefined {
  const parsed = parseWithSsh2(text);
  if (parsed === undefined) return undefined;
  const blob = parsed.getPublicSSH();
  return {
    bits: keyBits(parsed),
    fingerprint: fingerprintOf(blob),
    label: keyLabel(parsed.type),
    comment: cleanKeyComment(parsed.comment),
  };
}

/**
 * An RFC 4716 block (what PuTTYgen saves) as an OpenSSH line. ssh2 reads such blocks only for RSA
 * and DSA keys, so we unwrap them ourselves: header lines (`Tag: value`, continued by a trailing
 * backslash) and then the base64 of the very blob an OpenSSH line carries.
 */
function fromRfc4716(text: string): string | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines.at(-1) !== RFC4716_END) return undefined;
  let comment = '';
  let data = '';
  let continued = false;
  for (const line of lines.slice(1, -1)) {
    const header = /^([\x21-\x39\x3B-\x7E]{1,64}): (.*)$/.exec(line);
    if (continued || header) {
      if (header?.[1]?.toLowerCase() === 'comment') comment = (header[2] ?? '').replace(/^"(.*)"$/, '$1');
      continued = line.endsWith('\\');
    } else if (/^[A-Za-z0-9+/=]+$/.test(line)) {
      data += line;
    } else {
      return undefined;
    }
  }
  const blob = Buffer.from(data, 'base64');
  const typeLength = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type = blob.subarray(4, 4 + typeLength).toString('latin1');
  if (!/^[a-z0-9@.-]{1,64}$/.test(type)) return undefined;
  return `${type} ${data} ${comment}`.trim();
}

function parseWithSsh2(text: string | Buffer): ParsedKey | undefined {
  try {
    const parsed: unknown = ssh2.utils.parseKey(text);
    // ssh2 gives an array for a file holding several keys, an Error for anything it cannot read.
    if (parsed instanceof Error || Array.isArray(parsed) || typeof parsed !== 'object' || parsed === null) {
      return undefined;
    }
    return parsed as ParsedKey;
  } catch {
    return undefined;
  }
}

function keyBits(key: ParsedKey): number {
  const curve = /nistp(\d+)/.exec(key.type);
  if (curve) return Number(curve[1]);
  if (key.type.includes('ed25519')) return 256;
  const details = createPublicKey(key.getPublicPEM()).asymmetricKeyDetails;
  return details?.modulusLength ?? 0;
}

function keyLabel(type: string): string {
  if (type.includes('ed25519')) return 'ED25519';
  if (type.startsWith('ecdsa-')) return 'ECDSA';
  if (type.includes('rsa')) return 'RSA';
  if (type.includes('dss')) return 'DSA';
  return type.toUpperCase();
}

/** Comments are shown in listings: cleaned as a chat line is. */
export function cleanKeyComment(comment: string): string {
  return cleanText(comment, MAX_COMMENT_LENGTH);
}

function refusePrivate(): ParsePublicKeyResult {
  return refuse('That is a private key. Give the public key (the .pub file).');
}

function refuse(error: string): ParsePublicKeyResult {
  return { ok: false, error };
}
