/**
 * BoardMetrics kept in a prom-client registry of the board's own (never the library's global one,
 * so two boards in one process — tests — do not share counters), plus prom-client's default
 * process metrics: event-loop lag, heap and resident memory, CPU, open handles.
 *
 * A board with workers has one such registry per process, merged by the primary at each scrape
 * (./aggregate.ts): counters and histograms add up over the processes; the state gauges are
 * registered only where the board's state is known as a whole (the primary), so they are never
 * counted twice; and each process's default metrics carry a `process` label, so memory and
 * event-loop lag stay per process instead of being added together.
 */
import client from 'prom-client';
import { LOGIN_FAILURES, REFUSAL_REASONS, type BoardMetrics, type BoardState } from './board-metrics.js';

export interface PrometheusMetrics {
  metrics: BoardMetrics;
  registry: client.Registry;
}

/** Fan-out buckets (seconds): a line to a handful of screens takes well under a millisecond; to hundreds, tens of ms. */
const FAN_OUT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface MetricsParts {
  /** The board's state gauges; left out in a worker, which knows only its own share. */
  state?: BoardState;
  /** Labels this process's default metrics (`primary`, `worker1`, …) when there are several. */
  process?: string;
}

export function createPrometheusMetrics(parts: MetricsParts): PrometheusMetrics {
  const registry = new client.Registry();
  const registers = [registry];
  const labels = parts.process === undefined ? undefined : { process: parts.process };
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10, labels });

  const gauge = (name: string, help: string, read: () => number | Promise<number>) =>
    new client.Gauge({
      name,
      help,
      registers,
      async collect() {
        this.set(await read());
      },
    });
  const state = parts.state;
  if (state) {
    gauge('bbs_connections', 'TCP connections open, in any state (logging in, registering, on a node).', state.connections);
    gauge('bbs_nodes_in_use', 'Nodes (lines) held by callers.', state.nodesInUse);
    gauge('bbs_nodes', 'Nodes the board has (connection.max_nodes).', state.nodeCount);
    gauge('bbs_room_members', 'Callers in the teleconference.', state.roomMembers);
  }

  const counter = (name: string, help: string, label: string) => new client.Counter({ name, help, labelNames: [label], registers });
  const refused = counter('bbs_connections_refused_total', 'Connections or callers turned away, by reason.', 'reason');
  const failedLogins = counter(
    'bbs_login_failures_total',
    'Failed logins: wrong password, tried while locked out, or cut off after too many attempts.',
    'reason',
  );
  const lines = counter('bbs_room_messages_total', 'Messages to the teleconference, by kind; rate() gives lines per second.', 'kind');
  const fanOut = new client.Histogram({
    name: 'bbs_fanout_seconds',
    help: 'From a room message reaching the board to the screen renders it started having run.',
    buckets: FAN_OUT_BUCKETS,
    registers,
  });
  // Zeros from the start, so a dashboard's rate() has a series before the first event.
  for (const reason of REFUSAL_REASONS) refused.inc({ reason }, 0);
  for (const reason of LOGIN_FAILURES) failedLogins.inc({ reason }, 0);
  for (const kind of ['public', 'action']) lines.inc({ kind }, 0);

  return {
    registry,
    metrics: {
      connectionRefused: (reason) => refused.inc({ reason }),
      loginFailed: (reason) => failedLogins.inc({ reason }),
      roomMessage: (kind) => lines.inc({ kind }),
      fanOut: (seconds) => fanOut.observe(seconds),
    },
  };
}
