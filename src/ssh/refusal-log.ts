/**
 * Logs refused and dropped connections once per address and reason per interval, with a count,
 * instead of one line each: a flood of connections must not become a flood of log lines. The
 * first refusal of an interval is logged at once (so fail2ban and people see it promptly); the
 * rest of the interval is summed and logged when it ends. The address is a field of its own.
 */
import type { Logger } from 'pino';
import type { RefusalCode } from './admission.js';

/** Distinct (address, reason) pairs counted at once; past it, further pairs are summed as one. */
const MAX_TRACKED = 10_000;
const OVERFLOW_ADDRESS = '(many)';

export interface RefusalLog {
  note(address: string, reason: RefusalCode): void;
  /** Log what is pending now (shutdown). */
  flush(): void;
  close(): void;
}

export function createRefusalLog(log: Logger, intervalMs: number): RefusalLog {
  const pending = new Map<string, { address: string; reason: RefusalCode; count: number }>();
  const seen = new Set<string>();

  function flush(): void {
    for (const { address, reason, count } of pending.values()) {
      if (count > 0) log.warn({ address, reason, count, intervalMs }, 'connections refused');
    }
    pending.clear();
    seen.clear();
  }
  const timer = setInterval(flush, intervalMs);
  timer.unref();

  return {
    note(address, reason) {
      let key = `${reason}|${address}`;
      if (!seen.has(key) && seen.size >= MAX_TRACKED) key = `${reason}|${OVERFLOW_ADDRESS}`;
      if (!seen.has(key)) {
        seen.add(key);
        log.warn({ address: key.slice(reason.length + 1), reason, count: 1 }, 'connection refused');
        pending.set(key, { address: key.slice(reason.length + 1), reason, count: 0 });
        return;
      }
      pending.get(key)!.count += 1;
    },
    flush,
    close() {
      clearInterval(timer);
      flush();
    },
  };
}
