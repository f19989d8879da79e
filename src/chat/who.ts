/**
 * What /who and /whois say, as plain lines: who is here, on which node, away or idle for how long,
 * and who is a sysop. Pure: times come in as numbers.
 */
import type { Participant } from './chat-manager.js';
import type { AccountCard } from './directory.js';

/** Idle for less than this is not worth saying. */
const IDLE_WORTH_SAYING_MS = 2 * 60_000;

/** "In the room (2):" then one line per participant: "  alice  node 1  sysop  idle 5m". */
export function whoLines(participants: readonly Participant[], now: number): string[] {
  const width = Math.max(0, ...participants.map((p) => p.handle.length));
  return [
    `In the room (${participants.length}):`,
    ...participants.map((p) => `  ${[p.handle.padEnd(width), ...presenceNotes(p, now)].join('  ')}`.trimEnd()),
  ];
}

/** Node, sysop, away (with reason and how long) or idle (from `idleFloor` on), pager off, muted. */
function presenceNotes(p: Participant, now: number, idleFloor = IDLE_WORTH_SAYING_MS): string[] {
  const notes: string[] = [];
  if (p.node !== undefined) notes.push(`node ${p.node}`);
  if (p.sysop) notes.push('sysop');
  const idle = now - (p.lastActiveAt ?? p.joinedAt);
  if (p.away) notes.push(`away ${formatAgo(now - p.away.since)}${p.away.reason ? `: ${p.away.reason}` : ''}`);
  else if (idle >= idleFloor) notes.push(`idle ${formatAgo(idle)}`);
  if (p.pagerOff) notes.push('pager off');
  if (p.mutedUntil !== undefined && p.mutedUntil > now) notes.push('muted');
  return notes;
}

/** Everything known about an account, and where they are if they are in the room. */
export function whoisLines(card: AccountCard, here: Participant | undefined, now: number): string[] {
  const role = card.sysop ? ' (sysop)' : '';
  const lines = [`${card.handle}${role}: account since ${formatUtc(card.createdAt)}.`];
  if (here) {
    const notes = presenceNotes(here, now, 0).join(', ');
    lines.push(`  In the room since ${formatUtc(here.joinedAt)} (${formatAgo(now - here.joinedAt)}), ${notes}.`);
  } else {
    const last = card.lastCallAt === null ? 'never called' : `last call ${formatUtc(card.lastCallAt)} (${formatAgo(now - card.lastCallAt)} ago)`;
    lines.push(`  Not in the room; ${last}.`);
  }
  return lines;
}

/** "Last callers:" then "  alice  2026-12-01 10:26 UTC  for 12m" (or "still on"). */
export function lastLines(calls: ReadonlyArray<{ handle: string; startedAt: number; endedAt: number | null }>): string[] {
  if (calls.length === 0) return ['No one has called yet.'];
  const width = Math.max(...calls.map((c) => c.handle.length));
  return [
    'Last callers:',
    ...calls.map((c) => {
      const length = c.endedAt === null ? 'still on' : `for ${formatAgo(c.endedAt - c.startedAt)}`;
      return `  ${c.handle.padEnd(width)}  ${formatUtc(c.startedAt)}  ${length}`;
    }),
  ];
}

/** "Accounts (N):" then a line per account: role, in the room, or last call; at most `limit` listed. */
export function usersLines(accounts: readonly AccountCard[], inRoom: (handle: string) => boolean, limit: number): string[] {
  const shown = accounts.slice(0, limit);
  const width = Math.max(0, ...shown.map((a) => a.handle.length));
  const lines = shown.map((a) => {
    const where = inRoom(a.handle) ? 'in the room' : a.lastCallAt === null ? 'never called' : `last call ${formatUtc(a.lastCallAt)}`;
    return `  ${a.handle.padEnd(width)}  ${a.sysop ? 'sysop  ' : ''}${where}`;
  });
  const more = accounts.length > limit ? [`  … and ${accounts.length - limit} more`] : [];
  return [`Accounts (${accounts.length}):`, ...lines, ...more];
}

/** "0m", "12m", "3h 05m", "2d 4h". */
export function formatAgo(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** "2026-05-01 14:03 UTC": the board serves callers in every time zone. */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "1 minute", "3 minutes": a mute's length, rounded up. */
export function minutes(ms: number): string {
  const n = Math.max(1, Math.ceil(ms / 60_000));
  return n === 1 ? '1 minute' : `${n} minutes`;
}
