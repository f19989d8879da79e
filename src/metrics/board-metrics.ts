/**
 * What the board tells its metrics, as a small interface: the front door and the session report
 * events here and never touch the Prometheus library, so a board without metrics passes
 * NO_METRICS and one split over several processes can swap in an implementation that forwards
 * the events to the primary over IPC. Counts that are state (connections, nodes, room members)
 * are not events: the metrics read them from a BoardState when scraped.
 *
 * Several processes: each worker's counters and histograms are its own and add up (prom-client's
 * AggregatorRegistry sums counters and merges histograms from every worker's registry), but the
 * state gauges must come from the one process that owns the room and the nodes, not be summed.
 */

/**
 * Why a connection or a caller was turned away or dropped: one closed set for logs and metrics.
 * The front door's (ssh/admission.ts decides them) come first, then the session's.
 */
export const FRONT_DOOR_REFUSALS = [
  'max_connections',
  'max_per_ip',
  'pre_login_per_ip',
  'pre_login_full',
  'evicted',
  'no_version',
  'registration_full',
  'registration_per_ip',
  'registration_rate',
] as const;
export type FrontDoorRefusal = (typeof FRONT_DOOR_REFUSALS)[number];
export type RefusalReason = FrontDoorRefusal | 'line_busy' | 'banned';
export const REFUSAL_REASONS: readonly RefusalReason[] = [...FRONT_DOOR_REFUSALS, 'line_busy', 'banned'];

/** A wrong password, a try while locked out, or a connection cut for too many attempts. */
export type LoginFailure = 'password' | 'publickey' | 'locked_out' | 'too_many_attempts';
export const LOGIN_FAILURES: readonly LoginFailure[] = ['password', 'publickey', 'locked_out', 'too_many_attempts'];

export interface BoardMetrics {
  connectionRefused(reason: RefusalReason): void;
  loginFailed(reason: LoginFailure): void;
  /** A message went to the room (its kind: public, action, join, …). */
  roomMessage(kind: string): void;
  /** Seconds from a room message's delivery to the renders it set off having run. */
  fanOut(seconds: number): void;
}

/** Read at each scrape (from Redis, for a primary of a board shared through it: hence promises). */
export interface BoardState {
  connections(): number;
  nodesInUse(): number | Promise<number>;
  nodeCount(): number;
  roomMembers(): number | Promise<number>;
}

export const NO_METRICS: BoardMetrics = {
  connectionRefused: () => undefined,
  loginFailed: () => undefined,
  roomMessage: () => undefined,
  fanOut: () => undefined,
};
