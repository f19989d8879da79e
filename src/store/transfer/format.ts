/**
 * The portable file `bbs export` writes and `bbs import` reads: a whole board, whichever database
 * it came from. JSON lines, so a large call log streams and a damaged line is named by number:
 *
 *   {"format":"ssh-bbs-export","version":1,"exported_at":…,"source":"sqlite","counts":{"users":2,…}}
 *   {"t":"users","r":{"id":1,"handle":"Alice","password_hash":"$argon2id$…",…}}
 *   …
 *
 * The header comes first and counts every table, so a file cut short is noticed. Tables follow in
 * TABLES order (users before every row that points at one), each by id, so an import can remap
 * ids as it goes and keeps the order of history, waiting messages and the logs. Times are
 * milliseconds since the epoch; key blobs are base64; stored messages are the JSON text kept.
 */
import { z } from 'zod';
import { isValidHandle } from '../../chat/text.js';

export const EXPORT_FORMAT = 'ssh-bbs-export';
export const EXPORT_VERSION = 1;

const id = z.number().int().positive();
const time = z.number().int();
const text = z.string();

/** Every table, in the order the file holds them. */
export const RECORDS = {
  users: z.strictObject({
    id,
    // Handles reach other callers' terminals and name accounts: only what registration accepts.
    handle: text.refine(isValidHandle, 'not a handle the board accepts (2-16 letters, digits, "_" or "-")'),
    password_hash: text,
    role: z.enum(['user', 'sysop']),
    banned: z.boolean(),
    created_at: time,
    last_login_at: time.nullable(),
    pager_off: z.boolean(),
    ban_reason: text.nullable(),
    ban_until: time.nullable(),
    banned_by: text.nullable(),
    time_zone: text.nullable(),
    handle_color: text.nullable(),
  }),
  user_keys: z.strictObject({ id, user_id: id, algo: text, blob: z.base64(), fingerprint: text, comment: text, created_at: time }),
  ignores: z.strictObject({ user_id: id, ignored_id: id }),
  calls: z.strictObject({
    id,
    user_id: id,
    node: z.number().int(),
    remote: text,
    started_at: time,
    ended_at: time.nullable(),
    seen_at: time.nullable(),
  }),
  waiting_messages: z.strictObject({ id, to_id: id, from_id: id, at: time, json: text }),
  kick_requests: z.strictObject({ id, user_id: id, at: time, by: text, reason: text }),
  sysop_log: z.strictObject({ id, at: time, actor: text, action: text, target: text, detail: text }),
  chat_history: z.strictObject({ id, at: time, json: text }),
} as const;

export type TableName = keyof typeof RECORDS;
export type Records = { [T in TableName]: z.infer<(typeof RECORDS)[T]> };
export type Counts = Record<TableName, number>;

export const TABLES = Object.keys(RECORDS) as TableName[];

/** The columns of each table that hold a user's id, remapped on import. */
export const USER_REFERENCES: { [T in TableName]: ReadonlyArray<keyof Records[T]> } = {
  users: [],
  user_keys: ['user_id'],
  ignores: ['user_id', 'ignored_id'],
  calls: ['user_id'],
  waiting_messages: ['to_id', 'from_id'],
  kick_requests: ['user_id'],
  sysop_log: [],
  chat_history: [],
};

export const HEADER = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  version: z.number().int(),
  exported_at: time,
  source: z.enum(['sqlite', 'postgres']),
  counts: z.strictObject(Object.fromEntries(TABLES.map((t) => [t, z.number().int().min(0)])) as Record<TableName, z.ZodNumber>),
});

export type Header = z.infer<typeof HEADER>;

export const LINE = z.strictObject({ t: z.enum(TABLES as [TableName, ...TableName[]]), r: z.unknown() });

export function emptyCounts(): Counts {
  return Object.fromEntries(TABLES.map((t) => [t, 0])) as Counts;
}

/** "users 3, user_keys 2, …": the summary both commands print. */
export function describeCounts(counts: Counts): string {
  return TABLES.map((t) => `${t} ${counts[t]}`).join(', ');
}
