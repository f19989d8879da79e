/**
 * Per-caller rate limit: a token bucket. A caller may send `burst` lines at once (a pasted
 * paragraph is not punished), and the bucket refills at `perSecond` lines a second. Time comes from
 * the injected clock only, so a test moves it by hand.
 */

export interface FloodGateOptions {
  /** Lines that may be sent at once; also the most the bucket holds. */
  burst: number;
  /** Lines a second the bucket refills. */
  perSecond: number;
  /** Milliseconds; only differences matter. */
  now: () => number;
}

export interface FloodGate {
  /** True when one more line may go out now (and counts it); false when the caller must slow down. */
  take(): boolean;
  /** Milliseconds until take() would succeed (0 when it would now). */
  waitMs(): number;
}

export function createFloodGate({ burst, perSecond, now }: FloodGateOptions): FloodGate {
  let tokens = burst;
  let last = now();
  function refill(): void {
    const current = now();
    // A clock that steps backwards refills nothing, rather than draining the bucket.
    const elapsed = Math.max(0, current - last);
    last = Math.max(last, current);
    tokens = Math.min(burst, tokens + (elapsed / 1000) * perSecond);
  }
  return {
    take() {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    waitMs() {
      refill();
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / perSecond) * 1000);
    },
  };
}
