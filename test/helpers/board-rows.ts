/**
 * A board with a row in every table, written straight into a SQLite file (so it holds what no
 * command makes by itself: a deleted account's gap in the ids, a key blob, a pending kick), and an
 * export file made comparable: every user id replaced by the handle, row ids dropped. Two boards
 * whose normalized exports are equal hold the same things in the same order.
 */
import { readFileSync } from 'node:fs';
import type { Database } from '../../src/store/db.js';

export function fillBoard(db: Database): void {
  const user = db.prepare(
    `INSERT INTO users (handle, password_hash, role, banned, created_at, last_login_at, pager_off, ban_reason, ban_until, banned_by, time_zone, handle_color)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const alice = Number(user.run('Alice', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', 'sysop', 0, 1000, 5000, 1, null, null, null, 'Europe/Berlin', 'magenta').lastInsertRowid);
  const gone = Number(user.run('Gone', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$Z29uZQ', 'user', 0, 1100, null, 0, null, null, null, null, null).lastInsertRowid);
  const bob = Number(user.run('bob', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$Ym9i', 'user', 1, 1200, 6000, 0, 'spam "links"', 9_000_000_000_000, 'Alice', null, null).lastInsertRowid);
  const carol = Number(user.run('Carol', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$Y2Fyb2w', 'user', 0, 1300, null, 0, null, null, null, 'UTC', null).lastInsertRowid);
  db.prepare('DELETE FROM users WHERE id = ?').run(gone);

  const key = db.prepare('INSERT INTO user_keys (user_id, algo, blob, fingerprint, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  key.run(alice, 'ssh-ed25519', Buffer.from([0, 0, 0, 11, 0xff, 0x00, 0x7f, 1, 2, 3]), 'SHA256:alicekey', 'alice@home', 2000);
  key.run(carol, 'ssh-rsa', Buffer.alloc(3000, 0xab), 'SHA256:carolkey', '', 2100);

  const ignore = db.prepare('INSERT INTO ignores (user_id, ignored_id) VALUES (?, ?)');
  ignore.run(carol, bob);
  ignore.run(alice, bob);

  const call = db.prepare('INSERT INTO calls (user_id, node, remote, started_at, ended_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)');
  call.run(alice, 1, '127.0.0.1', 5000, 5600, 5500);
  call.run(bob, 2, '::1', 6000, null, null);
  call.run(alice, 1, '10.0.0.7', 7000, null, 7100);

  const waiting = db.prepare('INSERT INTO waiting_messages (to_id, from_id, at, json) VALUES (?, ?, ?, ?)');
  waiting.run(carol, alice, 8000, JSON.stringify({ kind: 'direct', from: 'Alice', to: 'Carol', text: 'hi ünïcode ✓', at: 8000 }));
  waiting.run(carol, bob, 8100, JSON.stringify({ kind: 'page', from: 'bob', to: 'Carol', text: 'ring', at: 8100 }));

  db.prepare('INSERT INTO kick_requests (user_id, at, by, reason) VALUES (?, ?, ?, ?)').run(bob, 8200, 'Alice', 'flooding');
  const action = db.prepare('INSERT INTO sysop_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)');
  action.run(8300, 'Alice', 'ban', 'bob', 'spam "links"');
  action.run(8400, 'cli', 'delete', 'Gone', '');

  const line = db.prepare('INSERT INTO chat_history (at, json) VALUES (?, ?)');
  for (const [at, text] of [[9000, 'first'], [9001, 'second\\with "quotes"'], [9002, 'third 🎉']] as const) {
    line.run(at, JSON.stringify({ kind: 'public', from: 'Alice', text, at }));
  }
}

const USER_FIELDS: Record<string, string[]> = {
  user_keys: ['user_id'],
  ignores: ['user_id', 'ignored_id'],
  calls: ['user_id'],
  waiting_messages: ['to_id', 'from_id'],
  kick_requests: ['user_id'],
};

/** The export's rows by table, ids gone and user ids turned into handles; the header's counts kept. */
export function normalizedExport(file: string): { counts: unknown; tables: Record<string, unknown[]> } {
  const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { t: string; r: Record<string, unknown> });
  const handles = new Map<unknown, unknown>();
  const tables: Record<string, unknown[]> = {};
  for (const { t, r } of lines) {
    if (t === 'users') handles.set(r.id, r.handle);
    const row = { ...r };
    delete row.id;
    for (const field of USER_FIELDS[t] ?? []) row[field] = handles.get(row[field]);
    (tables[t] ??= []).push(row);
  }
  return { counts: (header as unknown as { counts: unknown }).counts, tables };
}
