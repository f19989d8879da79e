/**
 * Rules for handles. Pure: no I/O. What text may reach a terminal is decided in safe-text.ts.
 */

/** 2-16 letters, digits, "_" or "-". ASCII only, so handles look the same on every terminal. */
const HANDLE_PATTERN = /^[A-Za-z0-9_-]{2,16}$/;

/** Handles nobody may register for themselves (besides the configured sysop handles). */
export const RESERVED_HANDLES: readonly string[] = ['new', 'guest', 'root', 'admin', 'sysop'];

export function isValidHandle(handle: string): boolean {
  return HANDLE_PATTERN.test(handle);
}

/**
 * Why a newcomer may not take this handle, or undefined when they may. `reserved` adds to
 * RESERVED_HANDLES (the board's sysop handles); comparison ignores case.
 */
export function handleProblem(handle: string, reserved: readonly string[] = []): string | undefined {
  if (handle.length < 2) return 'Handles are at least 2 characters long.';
  if (handle.length > 16) return 'Handles are at most 16 characters long.';
  if (!isValidHandle(handle)) return 'Handles may use only letters, digits, "_" and "-".';
  const lower = handle.toLowerCase();
  if ([...RESERVED_HANDLES, ...reserved].some((r) => r.toLowerCase() === lower)) {
    return `The handle "${handle}" is reserved. Please choose another.`;
  }
  return undefined;
}
