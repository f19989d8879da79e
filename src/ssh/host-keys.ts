/**
 * The board's SSH host keys in keys/: ed25519 (modern clients) and RSA (old ones). Generated once,
 * on the first start, and reused ever after; an existing key that cannot be read stops start-up —
 * it is never silently replaced, because a new host key makes every caller's ssh cry "MITM".
 */
import { createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import { generateKeyPair } from '../keys/generate.js';
import { fingerprintOf } from '../keys/openssh.js';

// ssh2 is CommonJS: Node's ESM loader exposes only its default export.
const { utils } = ssh2;

export interface HostKey {
  type: 'ed25519' | 'rsa';
  file: string;
  privateKey: Buffer;
  /** SHA256:… as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  bits: number;
}

const KINDS = [
  { type: 'ed25519', file: 'ssh_host_ed25519_key', generate: () => generateReadable('ed25519') },
  { type: 'rsa', file: 'ssh_host_rsa_key', generate: () => generateReadable('rsa') },
] as const;

/** A key that ssh2 can read back, as a string; the generator's failures become a HostKeyError. */
function generateReadable(type: 'ed25519' | 'rsa'): string {
  try {
    return generateKeyPair(type).private;
  } catch (err) {
    throw new HostKeyError((err as Error).message);
  }
}

export class HostKeyError extends Error {
  readonly code = 'ERR_BBS_HOST_KEY';
}

/**
 * Reads every host key in `dir`; with `generate`, makes the missing ones first (0600 files in a
 * 0700 folder, written with O_EXCL so two processes starting at once cannot overwrite each other).
 */
/** The host keys, generated on first start; which were made and their fingerprints go to the log. */
export function loadAndLogHostKeys(dir: string, log: { info(details: object, msg: string): void }): HostKey[] {
  const { keys, generated } = loadHostKeys(dir, { generate: true });
  for (const file of generated) log.info({ file }, 'generated a new host key');
  for (const key of keys) log.info({ type: key.type, bits: key.bits, fingerprint: key.fingerprint }, 'host key');
  return keys;
}

export function loadHostKeys(dir: string, options: { generate: boolean }): { keys: HostKey[]; generated: string[] } {
  const generated: string[] = [];
  if (options.generate) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys: HostKey[] = [];
  for (const kind of KINDS) {
    const file = path.join(dir, kind.file);
    let pem = tryRead(file);
    if (pem === undefined && options.generate) {
      try {
        writeFileSync(file, kind.generate(), { mode: 0o600, flag: 'wx' });
        writeFileSync(`${file}.pub`, publicLine(file, readFileSync(file)), { mode: 0o644 });
        generated.push(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new HostKeyError(`cannot write host key ${file}: ${(err as Error).message}`);
        }
      }
      pem = tryRead(file);
    }
    if (pem === undefined) continue;
    refuseIfExposed(file);
    keys.push(describe(kind.type, file, pem));
  }
  if (keys.length === 0 && options.generate) throw new HostKeyError(`no host keys in ${dir}`);
  return { keys, generated };
}

/**
 * A private host key others can read is no longer private: refuse it, as sshd does ("UNPROTECTED
 * PRIVATE KEY FILE"), with the command that fixes it. POSIX modes only; Windows has none.
 */
function refuseIfExposed(file: string): void {
  if (process.platform === 'win32') return;
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  throw new HostKeyError(`host key ${file} can be read by others (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${file}`);
}

function tryRead(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HostKeyError(`cannot read host key ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function parsePrivate(file: string, pem: Buffer) {
  const parsed = utils.parseKey(pem);
  if (parsed instanceof Error || Array.isArray(parsed) || !parsed.isPrivateKey()) {
    throw new HostKeyError(`host key ${file} is not a usable private key (${parsed instanceof Error ? parsed.message : 'wrong format'}); fix or remove it`);
  }
  return parsed;
}

function describe(type: HostKey['type'], file: string, pem: Buffer): HostKey {
  const parsed = parsePrivate(file, pem);
  const blob = parsed.getPublicSSH();
  const fingerprint = fingerprintOf(blob);
  const details = createPublicKey(parsed.getPublicPEM()).asymmetricKeyDetails;
  const bits = type === 'ed25519' ? 256 : (details?.modulusLength ?? 0);
  return { type, file, privateKey: pem, fingerprint, bits };
}

function publicLine(file: string, pem: Buffer): string {
  const parsed = parsePrivate(file, pem);
  return `${parsed.type} ${parsed.getPublicSSH().toString('base64')} ssh-bbs host key\n`;
}
