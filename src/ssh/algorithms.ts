/**
 * The algorithms the board offers, in two sets chosen by `server.algorithms`:
 * - `compatible` (default): what OpenSSH's own server offers, minus everything built on SHA-1 and
 *   minus what ssh2 cannot do as a server (group exchange, umac), so older PuTTY, dropbear, libssh
 *   and embedded clients get in. ssh-audit reports no fail for it.
 * - `modern`: only what ssh-audit 2.5.0 passes without a warning (ETM MACs, no NIST curves).
 *
 * Two facts about ssh2 1.17 shape this file:
 * 1. ssh2 builds the host-key list from the keys it is given and always appends `ssh-rsa` (SHA-1
 *    signatures) for an RSA key, whatever `serverHostKey` says. So each connection's offer is
 *    replaced by one built here, before ssh2 sends its KEXINIT (it sends it right after emitting
 *    'connection'), and no SHA-1 host-key signature can ever be negotiated.
 * 2. ssh2 drops the packet that follows a KEXINIT with first_kex_packet_follows set even when the
 *    client guessed right: it compares the client's first kex name with `remote.kex[0]` after
 *    overwriting `remote.kex` with the chosen name, so it compares against one character. dropbear
 *    always guesses, guesses right against a server whose first kex and host-key names are its own
 *    (curve25519-sha256, ssh-ed25519), and then waits forever for an answer to the dropped packet.
 *    Our lists therefore start with names no guessing client puts first (curve25519-sha256@libssh.org,
 *    rsa-sha2-512): by RFC 4253 §7 such a guess is wrong, so the client sends its packet again after
 *    our KEXINIT — the one ssh2 does read. Negotiation follows the client's order, so this costs nothing.
 */
import { createRequire } from 'node:module';
import type { Connection } from 'ssh2';

export type AlgorithmSetName = 'compatible' | 'modern';

export interface AlgorithmSet {
  kex: string[];
  serverHostKey: string[];
  cipher: string[];
  hmac: string[];
  compress: string[];
}

const HOST_KEYS = ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-ed25519'];
const AEAD_AND_CTR = [
  'chacha20-poly1305@openssh.com',
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
];
const ETM_MACS = ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com'];

export const ALGORITHM_SETS: Readonly<Record<AlgorithmSetName, Readonly<AlgorithmSet>>> = {
  compatible: {
    kex: [
      'curve25519-sha256@libssh.org',
      'curve25519-sha256',
      'diffie-hellman-group16-sha512',
      'diffie-hellman-group18-sha512',
      'diffie-hellman-group14-sha256',
    ],
    serverHostKey: HOST_KEYS,
    cipher: AEAD_AND_CTR,
    hmac: [...ETM_MACS, 'hmac-sha2-256', 'hmac-sha2-512'],
    compress: ['none'],
  },
  modern: {
    kex: ['curve25519-sha256@libssh.org', 'curve25519-sha256', 'diffie-hellman-group16-sha512', 'diffie-hellman-group18-sha512'],
    serverHostKey: HOST_KEYS,
    cipher: AEAD_AND_CTR,
    hmac: ETM_MACS,
    compress: ['none'],
  },
};

/** ssh2's strict-KEX marker (the Terrapin fix): ssh2 appends it to its own offer, so ours must too. */
const STRICT_KEX_MARKER = 'kex-strict-s-v00@openssh.com';

interface KexInitClass {
  new (lists: unknown): unknown;
}
// ssh2 exports no way to set the offer; KexInit is the class it builds its own with.
const { KexInit } = createRequire(import.meta.url)('ssh2/lib/protocol/kex.js') as { KexInit: KexInitClass };

/**
 * The offer one connection gets: the set's lists, host keys limited to the key types we hold.
 * Built once per board and shared, as ssh2 shares its own.
 */
export function createOffer(set: Readonly<AlgorithmSet>, hostKeyTypes: ReadonlyArray<'ed25519' | 'rsa'>): unknown {
  const held = (name: string) => (name === 'ssh-ed25519' ? hostKeyTypes.includes('ed25519') : hostKeyTypes.includes('rsa'));
  const directional = { cipher: [...set.cipher], mac: [...set.hmac], compress: [...set.compress], lang: [] };
  return new KexInit({
    kex: [...set.kex, STRICT_KEX_MARKER],
    serverHostKey: set.serverHostKey.filter(held),
    cs: directional,
    sc: directional,
  });
}

/**
 * Puts our offer on a connection ssh2 has just announced. Throws when ssh2's insides have moved
 * (a new ssh2 version): the board must not quietly fall back to an offer with SHA-1 in it.
 */
export function applyOffer(client: Connection, offer: unknown): void {
  const protocol = (client as unknown as { _protocol?: { _offer?: unknown; _kexinit?: unknown } })._protocol;
  if (!protocol || !('_offer' in protocol) || protocol._kexinit !== undefined) {
    throw new Error('ssh2 internals changed: cannot set the algorithm offer before KEXINIT');
  }
  protocol._offer = offer;
}
