/**
 * The colours a handle can be shown in, by name. A handle's colour belongs to its messages (the
 * same for every viewer), so rows can still be drawn once per screen shape: by default a stable
 * colour picked from the handle itself, or the one its owner chose with /color. How each name
 * looks on a terminal is ui/'s business; every one is readable on dark and on light backgrounds.
 */
export const HANDLE_COLORS = ['red', 'orange', 'brown', 'green', 'teal', 'blue', 'purple', 'magenta'] as const;

export type HandleColor = (typeof HANDLE_COLORS)[number];

export function isHandleColor(name: unknown): name is HandleColor {
  return typeof name === 'string' && (HANDLE_COLORS as readonly string[]).includes(name);
}

/**
 * The handle's own colour when its owner chose none: FNV-1a of the lower-cased handle over the
 * palette, so it is the same on every screen, every process and every call.
 */
export function defaultHandleColor(handle: string): HandleColor {
  let hash = 0x811c9dc5;
  for (const ch of handle.toLowerCase()) {
    hash ^= ch.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return HANDLE_COLORS[hash % HANDLE_COLORS.length]!;
}

/** The colour a message from `handle` is shown in: the chosen one if valid, else the default. */
export function handleColorOf(handle: string, chosen: unknown): HandleColor {
  return isHandleColor(chosen) ? chosen : defaultHandleColor(handle);
}
