/**
 * Which Node.js versions the board can run on. better-sqlite3 12 (the newest that still supports
 * Node 20) derives its objects from node::ObjectWrap, and from Node 24.19 on ObjectWrap's
 * destructor asserts that a JS environment is current: a statement collected by a background GC
 * aborts the whole process (nodejs/node#65446, WiseLibs/better-sqlite3#1515). better-sqlite3 13
 * fixes it but needs Node 22+ (it crashes on 20). Until Node 20 support ends, refuse to start on
 * an affected Node rather than abort at random with every caller on board.
 */

/** Why this Node.js version cannot run the board, or undefined when it can. */
export function runtimeProblem(version: string): string | undefined {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 12)) return `Node.js ${version} is too old: use Node.js 20.12 or newer (22 recommended).`;
  if (major > 24 || (major === 24 && minor >= 19)) {
    return `Node.js ${version} aborts inside the SQLite driver (better-sqlite3 12) during garbage collection: use Node.js 20 or 22.`;
  }
  return undefined;
}
