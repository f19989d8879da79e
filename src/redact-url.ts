/**
 * A URL made fit for a log line or an error message: a password in it, or in its query string
 * (where some clients also read one), becomes ***. Anything that is not a URL is not shown at all,
 * as it may hold a password in a form we cannot see.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    // Without a host (redis:/:pass@db) the URL parser never reached a password to find.
    if (!parsed.host && url.includes('@')) return 'the configured URL';
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
