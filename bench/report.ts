/**
 * The printed report: one table per thing measured, times in ms as median / p95 (or p99) / max,
 * memory in MiB (the RSS of every board process summed, and their V8 heaps summed where RSS
 * cannot tell live memory from garbage). Scenarios not run print nothing.
 * It formats results; it measures nothing.
 */
import type { GcPauses } from './board-process.js';
import { DIAL_CONCURRENCY } from './crowd.js';
import { SCREEN } from './caller.js';
import { BUSY_WARM_UP_SECONDS, type BusyRoom } from './scenarios/busy-room.js';
import type { FanOut } from './scenarios/fan-out.js';
import type { TypeGrowth } from './heap-snapshot.js';
import type { HangUp } from './scenarios/hang-up.js';
import type { LoginTimes } from './scenarios/logins.js';
import type { Scrollback } from './scenarios/scrollback.js';
import type { SessionStep } from './scenarios/sessions.js';
import { STALLED_SIZE, type Chatter, type SlowCallerResult } from './scenarios/slow-caller.js';
import type { StalledCallers } from './scenarios/stalled.js';
import { renderResizeStorm, type ResizeStorm } from './scenarios/resize-storm.js';
import { formatSummary, formatTail, median, megabytes, signed, spread } from './stats.js';
import { renderTable } from './table.js';

export interface SizeResults {
  step: SessionStep;
  fanOut?: { singles: FanOut; bursts: FanOut; rounds: number; burstRounds: number; burstSize: number };
  busyRoom?: BusyRoom;
}

export interface BenchResults {
  environment: { node: string; cpus: number; cpuModel: string; platform: string; load: number; sshCrypto: boolean };
  board: { startMs: number; idleRssKb: number; idleHeapKb: number; peakServingKb: number; peakKb: number; problems: string[] };
  accounts: number;
  scenarios: string[];
  /** Why the run stopped before the end; what it had measured is printed all the same. */
  stopped?: string;
  idle: SessionStep;
  logins?: { password: LoginTimes; publickey: LoginTimes; count: number };
  sizes: SizeResults[];
  heap?: { callers: number; rows: TypeGrowth[]; totalPerCaller: number };
  stalled?: StalledCallers;
  resizeStorm?: ResizeStorm;
  slowCaller?: SlowCallerResult;
  hangUps: HangUp[];
  scrollback?: Scrollback;
  totalMs: number;
}

const MSF = 'ms: median / p95 / max';
const MS99 = 'ms: median / p99 / max';

/** "total / longest" main-thread GC time in ms, over every board process. */
function gcTimes(gc: GcPauses | undefined): string {
  return gc ? `${gc.totalMs.toFixed(0)} / ${gc.maxMs.toFixed(0)}` : '';
}

export function renderReport(r: BenchResults): string {
  return [header(r), logins(r), sessions(r), fanOut(r), busyRooms(r), stalled(r), renderResizeStorm(r.resizeStorm), heap(r), slowCaller(r), hangUps(r), scrollback(r), footer(r)]
    .filter((part) => part !== '')
    .join('\n\n');
}

function header({ environment: e, board, accounts, scenarios, stopped }: BenchResults): string {
  return [
    ...(stopped ? [`STOPPED BEFORE THE END (${stopped}): what follows is what had been measured`] : []),
    `ssh-bbs bench — Node ${e.node}, ${e.cpus} CPU (${e.cpuModel}), ${e.platform}; load average ${e.load.toFixed(2)} at the end of the run`,
    `ssh2's native cipher binding: ${e.sshCrypto ? 'loaded' : 'NOT loaded (every packet goes through node:crypto; npm rebuild ssh2 under this Node builds it)'}`,
    `board: node dist/main.js on 127.0.0.1, listening after ${board.startMs.toFixed(0)} ms; idle: RSS ${megabytes(board.idleRssKb)} MiB, JS heap ${megabytes(board.idleHeapKb)} MiB`,
    `${accounts} accounts, each with its own ed25519 key (key logins skip argon2); every caller ${SCREEN.cols}×${SCREEN.rows}, from its own 127.10.x.y address`,
    `scenarios: ${scenarios.join(', ') || 'none'} (sessions held are always measured)`,
  ].join('\n');
}

function logins({ logins: l }: BenchResults): string {
  if (!l) return '';
  return renderTable({
    title: `Logins, one at a time on an idle board (${l.count} each; ${MSF})`,
    headers: ['method', 'connect → authenticated', 'connect → teleconference'],
    rows: [
      ['password (argon2id)', formatSummary(l.password.authenticated), formatSummary(l.password.teleconference)],
      ['publickey (ed25519)', formatSummary(l.publickey.authenticated), formatSummary(l.publickey.teleconference)],
    ],
  });
}

function sessions({ idle, sizes }: BenchResults): string {
  const steps = [idle, ...sizes.map((s) => s.step)];
  return renderTable({
    title: `Sessions held (key login, ${DIAL_CONCURRENCY} dialling at once; set-up ${MSF})`,
    headers: ['sessions', 'RSS MiB', 'KiB/caller', 'KiB/session (step)', 'quiet RSS MiB', 'KiB/idle caller', 'connect → authenticated', 'connect → teleconference', 'step wall s', 'board CPU s', 'GC ms'],
    rows: steps.map((s) => [
      String(s.sessions),
      `${megabytes(s.rssKb)}${s.processes > 1 ? ` (${s.processes} proc)` : ''}`,
      s.perCallerKb === undefined ? '' : s.perCallerKb.toFixed(0),
      s.perSessionKb === undefined ? '' : s.perSessionKb.toFixed(0),
      `${megabytes(s.quietRssKb)} (${(s.quietMs / 1000).toFixed(0)} s)`,
      s.perIdleCallerKb === undefined ? '' : s.perIdleCallerKb.toFixed(0),
      formatSummary(s.authenticated),
      formatSummary(s.teleconference),
      s.wallMs ? (s.wallMs / 1000).toFixed(1) : '',
      s.cpuMs ? (s.cpuMs / 1000).toFixed(1) : '',
      gcTimes(s.gc),
    ]),
    notes: [
      'RSS: the board\'s process and every process it started, summed, after a 1.5 s settle.',
      'KiB/caller: RSS above the idle board, divided by the sessions held (their scrollbacks hold the earlier steps\' traffic).',
      'KiB/session (step): RSS growth since the previous step divided by the sessions added.',
      'quiet RSS: the lowest RSS while the board then sat quiet until V8\'s memory reducer had collected and returned pages',
      '(RSS fell 10% and held 3 s; at most 45 s; the wait in brackets). KiB/idle caller: quiet RSS above the quiet idle board, per session.',
      'GC ms: the main-thread time in garbage collection of every board process during the step, total / longest pause; the JS heap too is summed over every process.',
    ],
  });
}

function fanOut({ sizes }: BenchResults): string {
  const measured = sizes.filter((s) => s.fanOut);
  if (measured.length === 0) return '';
  const row = (n: number, label: string, x: FanOut) => [
    String(n),
    label,
    formatSummary(x.last),
    formatSummary(x.first),
    String(x.missed),
    x.cpuMsPerLine.toFixed(1),
    ((x.cpuMsPerLine * 1000) / n).toFixed(0),
    x.bytesPerCaller.toFixed(0),
    gcTimes(x.gc),
  ];
  const f = measured[0]?.fanOut as NonNullable<SizeResults['fanOut']>;
  return renderTable({
    title: `Fan-out (one sender; send → screens show it; ${MSF})`,
    headers: ['sessions', 'what', 'every screen', 'first screen', 'missed', 'board CPU ms/line', 'µs/line/screen', 'bytes/caller/line', 'GC ms'],
    rows: measured.flatMap(({ step, fanOut: x }) => [
      row(step.sessions, `1 line × ${f.rounds}`, (x as NonNullable<SizeResults['fanOut']>).singles),
      row(step.sessions, `burst of ${f.burstSize} × ${f.burstRounds}, last line`, (x as NonNullable<SizeResults['fanOut']>).bursts),
    ]),
  });
}

function busyRoomRow(label: string, b: BusyRoom): string[] {
  return [
    label,
    String(b.lines),
    formatTail(b.latency),
    b.delivery.toFixed(4),
    String(b.linesLost),
    b.cpuUsPerDelivery.toFixed(0),
    `${(b.benchCpuShare * 100).toFixed(0)}%`,
    signed((b.rssPeakKb - b.rssBeforeKb) / 1024),
    gcTimes(b.gc),
  ];
}

const BUSY_HEADERS = ['sessions', 'lines', 'latency per receiver', 'delivery', 'lines lost', 'board CPU µs/line/receiver', 'bench CPU', 'RSS peak Δ MiB', 'GC ms'];
const BUSY_NOTES = [
  'latency: sent → the line\'s marker (or a later one from its sender) visible on a receiver\'s screen, over every (line, receiver) pair.',
  'delivery: pairs seen / pairs expected, within 20 s. bench CPU: the bench\'s own CPU as a share of one core (it parses every screen).',
];

function busyRooms({ sizes }: BenchResults): string {
  const measured = sizes.filter((s) => s.busyRoom);
  if (measured.length === 0) return '';
  return renderTable({
    title: `Busy room: two senders, 5 lines a second each (${MS99})`,
    headers: BUSY_HEADERS,
    rows: measured.map(({ step, busyRoom: b }) => busyRoomRow(String(step.sessions), b as BusyRoom)),
    notes: [...BUSY_NOTES, `each run follows ${BUSY_WARM_UP_SECONDS} s of the same traffic, not measured (the first seconds also pay for collecting what the logins left).`],
  });
}

function stalled({ stalled: st }: BenchResults): string {
  if (!st) return '';
  const p99 = (b: BusyRoom) => b.latency?.p99 ?? NaN;
  const middle = (runs: BusyRoom[]) => runs.find((b) => p99(b) === median(runs.map(p99))) ?? runs[0]!;
  const percent = (from: number, to: number) => `${signed((100 * (to - from)) / from, 0)}%`;
  const perRound = st.stalled.map((b, i) => percent(p99(st.reading[i]!), p99(b))).join(', ');
  const rounds = `median run of ${st.stalled.length}`;
  const mib = (kb: number) => signed(kb / 1024);
  const atStart = st.stalled.map((b, i) => b.rssBeforeKb - st.reading[i]!.rssBeforeKb);
  const peaks = (runs: BusyRoom[]) => spread(runs.map((b) => b.rssPeakKb - b.rssBeforeKb), mib);
  const kib = (bytes: number[]) => spread(bytes.map((b) => b / 1024), (v) => v.toFixed(0));
  const others = st.reading[0]!.receivers + 1;
  return renderTable({
    title: `${st.count} of the room's callers stop reading: ${st.stalled.length} rounds of a busy-room run with them reading and one with them stalled, their windows full (${MS99})`,
    headers: BUSY_HEADERS,
    rows: [
      busyRoomRow(`${others} + ${st.count} reading (${rounds})`, middle(st.reading)),
      busyRoomRow(`${others} + ${st.count} stalled (${rounds})`, middle(st.stalled)),
    ],
    notes: [
      `latency: the other ${others} callers' only, the same callers in every run. Before each stalled run the ${st.count} flip their views until their SSH windows are full (the board holds back from then on); after it they read everything. Before each reading run they flip as long, reading.`,
      `board CPU is per line per measured receiver: in the reading runs the board draws for the ${st.count} as well.`,
      `others' p99 with them stalled: ${percent(median(st.reading.map(p99)), median(st.stalled.map(p99)))} against them reading (medians; round by round ${perRound})`,
      `windows full before the stalled runs: ${st.filled.map((f) => `${f.callers} of ${st.count} in ${(f.ms / 1000).toFixed(1)} s`).join('; ')}; ${st.connected} of ${st.count} still connected at the end`,
      `held for them: the board sent ${kib(st.heldBytes)} KiB in all, median (lowest…highest), once they read again, beyond the ${kib(st.unreadBytes)} KiB waiting in their windows (what it had held back, and a fresh screen each)`,
      `RSS with them stalled and full, against the same moment of the round with them reading: median (lowest…highest) ${spread(atStart, mib)} MiB; a run's peak over its start ${peaks(st.stalled)} MiB stalled, ${peaks(st.reading)} MiB reading`,
      'targets (issue #6): 50 stalled callers add at most 10 MiB and move the others\' p99 by at most 10%',
    ],
  });
}

function heap({ heap: h }: BenchResults): string {
  if (!h) return '';
  return renderTable({
    title: `JS heap per caller at ${h.callers} callers, by type (two snapshots after full collections, difference / callers; self sizes)`,
    headers: ['type', 'bytes/caller', 'objects/caller'],
    rows: h.rows.map((r) => [r.type, r.bytesPerCaller.toFixed(0), r.countPerCaller.toFixed(1)]),
    notes: [`all types: ${(h.totalPerCaller / 1024).toFixed(0)} KiB per caller of JS heap; RSS per caller (above) adds what lives outside the heap`],
  });
}

function slowCaller({ slowCaller: s, sizes }: BenchResults): string {
  if (!s) return '';
  const sessions = sizes[sizes.length - 1]?.step.sessions ?? 0;
  const row = (label: string, c: Chatter) => [
    label,
    formatSummary(c.latency),
    String(c.missed),
    signed((c.rssPeakKb - c.rssBeforeKb) / 1024),
    signed((c.rssAfterKb - c.rssBeforeKb) / 1024),
    (c.cpuMs / 1000).toFixed(1),
    gcTimes(c.gc),
    (c.wallMs / 1000).toFixed(1),
  ];
  return renderTable({
    title: `A slow caller: 500 lines, 10 per write, 10 writes/s, to ${sessions} sessions (per write, send → every reading screen; ${MSF})`,
    headers: ['condition', 'latency', 'missed', 'RSS peak Δ MiB', 'RSS after Δ MiB', 'board CPU s', 'GC ms', 'wall s'],
    rows: [
      row('1. all reading', s.reading),
      row(`2. +1 stalled caller (${STALLED_SIZE.cols}×${STALLED_SIZE.rows})`, s.withStalled),
      row('3. all reading, stalled caller gone', s.readingAgain),
    ],
    notes: [
      ...stalledNotes(s),
      'every run adds 500 lines to every scrollback (full at 1000 lines) and the heap grows with it, whoever reads:',
      'compare run 2 with run 3 rather than with run 1. What the stalled caller itself costs is what the board held back for it.',
    ],
  });
}

function stalledNotes({ stalled: st }: SlowCallerResult): string[] {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  const filled = st.filledMs === undefined ? 'its window did NOT fill within 20 s' : `its own private messages filled its window in ${(st.filledMs / 1000).toFixed(1)} s`;
  const caughtUp =
    st.catchUpMs !== undefined
      ? `its screen showed the last line ${st.catchUpMs.toFixed(0)} ms after it read again`
      : `its screen did NOT show the last line within 5 s of reading again; one more line in the room ` +
        (st.nudgedMs === undefined ? 'did not show either' : `showed ${st.nudgedMs.toFixed(0)} ms after it was sent`);
  return [
    `stalled caller: ${filled}; ${kib(st.unreadBytes)} unread when it read again (ssh2 window 2048 KiB); ${st.connected ? 'still connected' : 'disconnected by the board'}`,
    `after reading again: the board sent ${kib(st.sentAfterResume)} more (what it held back); ${caughtUp}`,
  ];
}

function hangUps({ hangUps: list }: BenchResults): string {
  if (list.length === 0) return '';
  const [, second, third] = list;
  const kept = second && third ? `${signed(((third.heapKb - second.heapKb) * 1024) / third.callers, 0)} bytes per session` : 'not measured';
  return renderTable({
    title: 'Everyone hangs up',
    headers: ['cycle', 'callers', 'session ends logged', 'all ended after ms', 'RSS MiB', 'heap after GC MiB', 'next caller sees'],
    rows: list.map((h, i) => [
      String(i + 1),
      String(h.callers),
      String(h.ended),
      h.endedMs.toFixed(0),
      megabytes(h.rssKb),
      megabytes(h.heapKb),
      h.nextTitle,
    ]),
    notes: [
      'cycle 1 ends the run above; cycles 2 and 3 each bring the same number of new callers in and out.',
      `heap kept from cycle 2 to cycle 3: ${kept} (up to ~10 KB either way is noise between collections; a leak shows as tens of KB or more).`,
      'RSS here is inflated by the heap snapshots that force each collection: compare the heap column.',
    ],
  });
}

function scrollback({ scrollback: sb }: BenchResults): string {
  if (!sb) return '';
  const perCallerMiB = (sb.bytesPerLinePerScreen * 1000) / (1024 * 1024);
  const heading = `Scrollback (${sb.lines} lines of ${sb.lineChars} characters to ${sb.screens} screens, JS heap after GC):`;
  // A few MiB of heap noise spread over lines × screens: smaller figures say only "small".
  const resolution = (4 * 1024 * 1024) / (sb.lines * sb.screens);
  if (sb.bytesPerLinePerScreen < resolution) {
    return `${heading}\n  under ~${resolution.toFixed(0)} bytes per line per screen (${sb.bytesPerLinePerScreen.toFixed(0)} measured; that is below what a heap difference over ${sb.lines * sb.screens} line-screens resolves)`;
  }
  return [
    heading,
    `  ${sb.bytesPerLinePerScreen.toFixed(0)} bytes per line per screen → a full 1000-line scrollback ≈ ${perCallerMiB.toFixed(1)} MiB per caller, ` +
      `${(perCallerMiB * 200).toFixed(0)} MiB for 200 callers`,
  ].join('\n');
}

function footer({ board, totalMs }: BenchResults): string {
  const problems = board.problems.length === 0 ? ['board problems: none (no error-level log lines, nothing on stderr)'] : ['board problems:', ...board.problems.map((p) => `  ${p}`)];
  return [
    `board peak RSS (VmHWM): ${megabytes(board.peakServingKb)} MiB while serving callers, ${megabytes(board.peakKb)} MiB with the heap snapshots at the end; whole run ${(totalMs / 1000).toFixed(1)} s`,
    ...problems,
  ].join('\n');
}
