/**
 * Which Node.js versions the board can run on: the LTS lines 22 and 24 (and later). Node 20 is
 * past its end of life, and better-sqlite3 13, the SQLite driver, needs Node 22. Older drivers
 * (12) aborted the process under Node 24.19+ when a background GC collected a statement
 * (nodejs/node#65446, WiseLibs/better-sqlite3#1515); 13 is built on node-addon-api and does not.
 */

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
