/**
 * Logs refused and dropped connections once per address and reason per interval, with a count,
 * instead of one line each: a flood of connections must not become a flood of log lines. The
 * first refusal of an interval is logged at once (so fail2ban and people see it promptly), with
 * the address in the field "ip" and that connection's port in "port"; the rest of the interval is
 * summed and logged when it ends. Every refusal is counted (onRefused: the metrics), logged or not.
 */
import type { Logger } from 'pino';
import type { RefusalCode } from './admission.js';
import { plainAddress } from './address.js';

/** Distinct (address, reason) pairs counted at once; past it, further pairs are summed as one. */
const MAX_TRACKED = 10_000;
const OVERFLOW_ADDRESS = '(many)';

export interface RefusalLog {
  note(address: string, port: number | undefined, reason: RefusalCode): void;
  /** Log what is pending now (shutdown). */
  flush(): void;
  close(): void;
}

export function createRefusalLog(log: Logger, intervalMs: number, onRefused: (reason: RefusalCode) => void = () => undefined): RefusalLog {
  const pending = new Map<string, { ip: string; reason: RefusalCode; count: number }>();
  const seen = new Set<string>();

  function flush(): void {
    for (const { ip, reason, count } of pending.values()) {
      if (count > 0) log.warn({ ip, reason, count, intervalMs }, 'connections refused');
    }
    pending.clear();
    seen.clear();
  }
  const timer = setInterval(flush, intervalMs);
  timer.unref();

  return {
    note(address, port, reason) {
      onRefused(reason);
      const ip = plainAddress(address);
      let key = `${reason}|${ip}`;
      if (!seen.has(key) && seen.size >= MAX_TRACKED) key = `${reason}|${OVERFLOW_ADDRESS}`;
      if (!seen.has(key)) {
        seen.add(key);
        const shown = key.slice(reason.length + 1);
        // The port only when the line names one connection's own address.
        log.warn({ ip: shown, ...(shown === ip && { port }), reason, count: 1 }, 'connection refused');
        pending.set(key, { ip: shown, reason, count: 0 });
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
