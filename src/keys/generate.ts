/**
 * Key pairs in OpenSSH format, made with ssh2's generator and checked before use. The generator
 * drops a leading zero byte of an ed25519 public key, so about one key in 256 comes out malformed
 * and neither ssh2 nor anyone else can read it (mscdex/ssh2#1390, #1513): such a key is made again.
 */
import ssh2 from 'ssh2';

// ssh2 is CommonJS: Node's ESM loader exposes only its default export.
const { utils } = ssh2;

const ATTEMPTS = 20;

export interface KeyPair {
  /** The private key, OpenSSH format. */
  private: string;
  /** The public key line. */
  public: string;
}

export function generateKeyPair(type: 'ed25519' | 'rsa'): KeyPair {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const pair = type === 'rsa' ? utils.generateKeyPairSync('rsa', { bits: 3072 }) : utils.generateKeyPairSync('ed25519');
    if (readable(pair.private) && readable(pair.public)) return pair;
  }
  throw new Error(`ssh2 did not generate a readable ${type} key in ${ATTEMPTS} attempts`);
}

function readable(key: string): boolean {
  const parsed = utils.parseKey(key);
  return !(parsed instanceof Error) && !Array.isArray(parsed);
}
