/**
 * Which Node.js versions the board can run on: the LTS lines 22 and 24 (and later). Node 20 is
 * past its end of life, and better-sqlite3 13, the SQLite driver, needs Node 22. Older drivers
 * (12) aborted the process under Node 24.19+ when a background GC collected a statement
 * (nodejs/node#65446, WiseLibs/better-sqlite3#1515); 13 is built on node-addon-api and does not.
 */
import { createRequire } from 'node:module';

/** The oldest release line, and the oldest release of it, the board runs on. */
export const OLDEST_NODE = { major: 22, minor: 12 } as const;

/** Why this Node.js version cannot run the board, or undefined when it can. */
export function runtimeProblem(version: string): string | undefined {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major < OLDEST_NODE.major || (major === OLDEST_NODE.major && minor < OLDEST_NODE.minor)) {
    return `Node.js ${version} is too old: use Node.js 22.12 or newer (24 LTS recommended).`;
  }
  return undefined;
}

/**
 * Why ssh2 runs without its native cipher binding, or undefined when it has it. ssh2 ships the
 * binding (AES-GCM, ChaCha20-Poly1305) as C++ source that its install script compiles; without a
 * compiler, or when it was compiled against another Node's headers, ssh2 silently falls back to a
 * node:crypto cipher object made for every packet, which costs the board about 40% more CPU per
 * delivered line.
 */
export function cipherBindingProblem(): string | undefined {
  const require = createRequire(import.meta.url);
  const crypto = require('ssh2/lib/protocol/crypto.js') as { bindingAvailable: boolean };
  if (crypto.bindingAvailable) return undefined;
  return (
    "ssh2's native cipher binding is not loaded, so every packet costs more CPU: " +
    'run `npm rebuild ssh2` with python3, make and g++ installed, under the Node.js that runs the board'
  );
}
