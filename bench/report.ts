/**
 * The printed report: one table per thing measured, times in ms as median / p95 / max, memory in
 * MiB (the board process's RSS, and its V8 heap where RSS cannot tell live memory from garbage).
 * It formats results; it measures nothing.
 */
import type { GcPauses } from './board-process.js';
import { DIAL_CONCURRENCY } from './crowd.js';
import type { FanOut } from './scenarios/fan-out.js';
import type { HangUp } from './scenarios/hang-up.js';
import type { LoginTimes } from './scenarios/logins.js';
import type { Scrollback } from './scenarios/scrollback.js';
import type { SessionStep } from './scenarios/sessions.js';
import { STALLED_SIZE, type Chatter, type SlowCallerResult } from './scenarios/slow-caller.js';
import { formatSummary, megabytes, signed } from './stats.js';
import { renderTable } from './table.js';

export interface BenchResults {
  environment: { node: string; cpus: number; cpuModel: string; platform: string };
  board: { startMs: number; idleRssKb: number; idleHeapKb: number; peakServingKb: number; peakKb: number; problems: string[] };
  accounts: number;
  logins: { password: LoginTimes; publickey: LoginTimes; count: number };
  steps: SessionStep[];
  fanOut: { sessions: number; singles: FanOut; bursts: FanOut; rounds: number; burstRounds: number; burstSize: number };
  slowCaller: SlowCallerResult;
  hangUps: HangUp[];
  scrollback?: Scrollback;
  totalMs: number;
}

const MSF = 'ms: median / p95 / max';

/** "total / longest" main-thread GC time in ms. */
function gcTimes(gc: GcPauses | undefined): string {
  return gc ? `${gc.totalMs.toFixed(0)} / ${gc.maxMs.toFixed(0)}` : '';
}

export function renderReport(r: BenchResults): string {
  return [header(r), logins(r), sessions(r), fanOut(r), slowCaller(r), hangUps(r), scrollback(r), footer(r)].join('\n\n');
}

function header({ environment: e, board, accounts }: BenchResults): string {
  return [
    `ssh-bbs bench — Node ${e.node}, ${e.cpus} CPU (${e.cpuModel}), ${e.platform}`,
    `board: node --import tsx src/main.ts on 127.0.0.1, listening after ${board.startMs.toFixed(0)} ms; idle: RSS ${megabytes(board.idleRssKb)} MiB, JS heap ${megabytes(board.idleHeapKb)} MiB`,
    `${accounts} accounts, each with its own ed25519 key (key logins skip argon2)`,
  ].join('\n');
}

function logins({ logins: l }: BenchResults): string {
  return renderTable({
    title: `Logins, one at a time on an idle board (${l.count} each; ${MSF})`,
    headers: ['method', 'connect → authenticated', 'connect → teleconference'],
    rows: [
      ['password (argon2id)', formatSummary(l.password.authenticated), formatSummary(l.password.teleconference)],
      ['publickey (ed25519)', formatSummary(l.publickey.authenticated), formatSummary(l.publickey.teleconference)],
    ],
  });
}

function sessions({ steps }: BenchResults): string {
  return renderTable({
    title: `Sessions held (80×24 PTY, key login, ${DIAL_CONCURRENCY} dialling at once; set-up ${MSF})`,
    headers: ['sessions', 'RSS MiB', 'KiB/session', 'heap MiB', 'connect → authenticated', 'connect → teleconference', 'step wall s', 'board CPU s', 'GC ms'],
    rows: steps.map((s) => [
      String(s.sessions),
      megabytes(s.rssKb),
      s.perSessionKb === undefined ? '' : s.perSessionKb.toFixed(0),
      megabytes(s.heapKb),
      formatSummary(s.authenticated),
      formatSummary(s.teleconference),
      s.wallMs ? (s.wallMs / 1000).toFixed(1) : '',
      s.cpuMs ? (s.cpuMs / 1000).toFixed(1) : '',
      gcTimes(s.gc),
    ]),
    notes: [
      'KiB/session: RSS growth since the previous step divided by the sessions added (after a 1.5 s settle).',
      'heap: V8 heap in use at the same moment, garbage not collected first.',
      'GC ms: the board\'s main-thread time in garbage collection during the step, total / longest pause.',
    ],
  });
}

function fanOut({ fanOut: f }: BenchResults): string {
  const row = (label: string, x: FanOut) => [
    label,
    formatSummary(x.last),
    formatSummary(x.first),
    String(x.missed),
    x.cpuMsPerLine.toFixed(1),
    x.bytesPerCaller.toFixed(0),
    gcTimes(x.gc),
  ];
  return renderTable({
    title: `Fan-out to ${f.sessions} sessions (send → screens show it; ${MSF})`,
    headers: ['what', 'every screen', 'first screen', 'missed', 'board CPU ms/line', 'bytes/caller/line', 'GC ms'],
    rows: [
      row(`1 line, ${f.rounds} rounds`, f.singles),
      row(`burst of ${f.burstSize} in one write, last line, ${f.burstRounds} rounds`, f.bursts),
    ],
  });
}

function slowCaller({ slowCaller: s, fanOut: f }: BenchResults): string {
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
    title: `A slow caller: 500 lines, 10 per write, 10 writes/s, to ${f.sessions} sessions (per write, send → every reading screen; ${MSF})`,
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
  if (!sb) return 'Scrollback: not measured';
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
