/**
 * Durations as sysops type them: "30m", "12h", "7d", "2w" (a number and a unit). Pure; used by the
 * room's /mute and /ban and by the CLI's `user ban --for`.
 */

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** Ten years: longer is "for good" by another name, and keeps dates in range. */
const MAX_MS = 10 * 365 * 86_400_000;

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})([mhdw])$/i.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * (UNIT_MS[(match[2] ?? '').toLowerCase()] ?? 0);
  return ms > 0 && ms <= MAX_MS ? ms : undefined;
}
