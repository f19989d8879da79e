import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeKey,
  fingerprintOf,
  fingerprintOfKeyBlob,
  MAX_PUBLIC_KEY_TEXT,
  parsePublicKey,
} from '../../src/keys/openssh.js';

/** Keys made by OpenSSH itself, so the expected fingerprints come from ssh-keygen, not from us. */
const KINDS = [
  { name: 'ed25519', args: ['-t', 'ed25519'], algo: 'ssh-ed25519', label: 'ED25519' },
  { name: 'rsa', args: ['-t', 'rsa', '-b', '2048'], algo: 'ssh-rsa', label: 'RSA' },
  { name: 'ecdsa256', args: ['-t', 'ecdsa', '-b', '256'], algo: 'ecdsa-sha2-nistp256', label: 'ECDSA' },
  { name: 'ecdsa384', args: ['-t', 'ecdsa', '-b', '384'], algo: 'ecdsa-sha2-nistp384', label: 'ECDSA' },
  { name: 'ecdsa521', args: ['-t', 'ecdsa', '-b', '521'], algo: 'ecdsa-sha2-nistp521', label: 'ECDSA' },
] as const;

let dir: string;
const file = (name: string) => path.join(dir, name);
const read = (name: string) => fs.readFileSync(file(name), 'utf8');

/** `ssh-keygen -lf` → { bits, fingerprint, label }. */
function keygenFingerprint(name: string) {
  const out = execFileSync('ssh-keygen', ['-lf', file(name)], { encoding: 'utf8' }).trim();
  const match = /^(\d+) (SHA256:\S+) .*\((\w+)\)$/.exec(out);
  if (!match) throw new Error(`unexpected ssh-keygen output: ${out}`);
  return { bits: Number(match[1]), fingerprint: match[2], label: match[3] };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bbs-public-keys-'));
  for (const kind of KINDS) {
    execFileSync('ssh-keygen', ['-q', ...kind.args, '-N', '', '-C', `${kind.name}@test`, '-f', file(kind.name)]);
  }
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '', '-f', file('pem')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret phrase', '-f', file('encrypted')]);
  execFileSync('ssh-keygen', ['-q', '-s', file('ed25519'), '-I', 'test-cert', '-n', 'bob', file('ecdsa256.pub')]);
  fs.writeFileSync(file('ed25519.rfc4716'), execFileSync('ssh-keygen', ['-e', '-f', file('ed25519.pub')]));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('parsePublicKey', () => {
  it.each(KINDS)('reads an OpenSSH $name public key with the fingerprint ssh-keygen prints', (kind) => {
    const line = read(`${kind.name}.pub`);
    const result = parsePublicKey(line);
    if (!result.ok) throw new Error(result.error);
    expect(result.key.algo).toBe(kind.algo);
    expect(result.key.comment).toBe(`${kind.name}@test`);
    expect(result.key.blob.equals(Buffer.from(line.split(' ')[1] ?? '', 'base64'))).toBe(true);
    expect(result.key.fingerprint).toBe(keygenFingerprint(`${kind.name}.pub`).fingerprint);
    expect(fingerprintOf(result.key.blob)).toBe(result.key.fingerprint);
  });

  it.each(['ed25519', 'rsa', 'ecdsa384'])('reads the RFC 4716 block PuTTYgen saves (%s) as the same key', (name) => {
    const rfc4716 = execFileSync('ssh-keygen', ['-e', '-f', file(`${name}.pub`)], { encoding: 'utf8' });
    const result = parsePublicKey(rfc4716);
    if (!result.ok) throw new Error(result.error);
    expect(result.key.fingerprint).toBe(keygenFingerprint(`${name}.pub`).fingerprint);
    expect(result.key.comment).toMatch(/converted by .* from OpenSSH/);
  });

  it('refuses a damaged RFC 4716 block', () => {
    const damaged = read('ed25519.rfc4716').replace(/^AAAA/m, '!!!!');
    expect(parsePublicKey(damaged)).toEqual({ ok: false, error: expect.stringContaining('damaged') });
  });

  it('accepts a key without a comment and with surrounding white space', () => {
    const [algo, base64] = read('ed25519.pub').split(' ');
    const result = parsePublicKey(`\n  ${algo} ${base64}  \r\n`);
    expect(result).toMatchObject({ ok: true, key: { algo: 'ssh-ed25519', comment: '' } });
  });

  it('cleans control and format characters out of the comment', () => {
    const [algo, base64] = read('ed25519.pub').split(' ');
    const result = parsePublicKey(`${algo} ${base64} evil\x1b[31mred\u202Eright\x07`);
    expect(result).toMatchObject({ ok: true, key: { comment: 'evilredright' } });
  });

  const privateKey = 'That is a private key. Give the public key (the .pub file).';
  it.each([
    ['an OpenSSH private key', 'ed25519', privateKey],
    ['a PEM private key', 'pem', privateKey],
    ['an encrypted private key', 'encrypted', privateKey],
    ['a certificate', 'ecdsa256-cert.pub', 'That is a certificate. Give the plain public key.'],
  ])('refuses %s', (_what, name, error) => {
    expect(parsePublicKey(read(name))).toEqual({ ok: false, error });
  });

  it('refuses DSA keys', () => {
    // ssh-dss blob: string "ssh-dss", then mpints p, q, g, y (tiny but well-formed).
    const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    const blob = Buffer.concat([field(Buffer.from('ssh-dss')), ...[1, 2, 3, 4].map((n) => field(Buffer.from([n])))]);
    const result = parsePublicKey(`ssh-dss ${blob.toString('base64')} old@key`);
    expect(result).toEqual({ ok: false, error: 'DSA keys are no longer safe. Please use an ed25519 key.' });
  });

  it('refuses several keys at once', () => {
    const result = parsePublicKey(`${read('ed25519.pub')}${read('rsa.pub')}`);
    expect(result).toEqual({ ok: false, error: expect.stringContaining('more than one line') });
  });

  it.each([
    ['empty text', '', 'No key given'],
    ['white space', '  \n\t', 'No key given'],
    ['a word', 'hello', 'not a public key I can read'],
    ['bad base64', 'ssh-ed25519 !!!! me@host', 'not a public key I can read'],
    ['a truncated key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI me@host', 'not a public key I can read'],
    ['a wrong type prefix', 'ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIBYr1Xy4SnRkJAH5S8BAc3fN+ZtQjMxLHr2pDT0UD4G0', 'not a public key'],
    ['authorized_keys options', 'from="10.0.0.1" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBYr', 'not a public key I can read'],
    ['a security key', 'sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t me@host', 'FIDO'],
    ['text that is too long', 'ssh-ed25519 ' + 'A'.repeat(MAX_PUBLIC_KEY_TEXT), 'too long'],
  ])('refuses %s with a sentence', (_what, text, error) => {
    const result = parsePublicKey(text);
    expect(result).toEqual({ ok: false, error: expect.stringContaining(error) });
  });
});

describe('fingerprintOfKeyBlob', () => {
  it('takes the key as ssh2 hands it to auth, or the bare blob', () => {
    const result = parsePublicKey(read('ed25519.pub'));
    if (!result.ok) throw new Error(result.error);
    const { algo, blob, fingerprint } = result.key;
    const ctxKey = { algo, data: blob }; // the shape of ssh2's PublicKeyAuthContext.key
    expect(fingerprintOfKeyBlob(ctxKey)).toBe(fingerprint);
    expect(fingerprintOfKeyBlob(blob)).toBe(fingerprint);
  });
});

describe('describeKey', () => {
  it.each([...KINDS.map((k) => k.name), 'pem'])('describes the private key %s as ssh-keygen -lf does', (name) => {
    const described = describeKey(fs.readFileSync(file(name)));
    const { bits, fingerprint, label } = keygenFingerprint(name);
    expect(described).toMatchObject({ bits, fingerprint, label });
  });

  it('gives undefined for what it cannot read', () => {
    expect(describeKey('not a key')).toBeUndefined();
    expect(describeKey(fs.readFileSync(file('encrypted')))).toBeUndefined();
  });
});
