/**
 * A bench thread that keeps callers' screens: a headless xterm per caller, fed the chunks the main
 * thread received, in order, with each chunk's arrival time. After each chunk is parsed it checks
 * what the main thread asked to know of that screen — the newest marker of a tag on it, or whether
 * it shows the teleconference or some text — and reports it with the chunk's arrival time.
 *
 * Parsing is most of what the bench spends per chunk (~30 µs, against a few for reading the
 * socket). On one thread, 1,000 callers' screens queued every socket read behind the parsing of
 * the screens before it, and those later arrival times counted against the board. A real caller's
 * terminal parses on its own machine.
 */
import { parentPort } from 'node:worker_threads';
import xterm from '@xterm/headless';
import { batchedSend, unbatch, type Batch } from '../src/cluster/batch.js';
import type { FromScreens, ScreenCondition, ToScreens } from './screen-protocol.js';

const { Terminal } = xterm;

interface Screen {
  vt: InstanceType<typeof Terminal>;
  /** Watched tags, each with the newest marker number reported so far. */
  tags: Map<string, { pattern: RegExp; reported: number }>;
  waits: Map<number, ScreenCondition>;
}

const screens = new Map<number, Screen>();
const report = batchedSend<FromScreens>((message) => parentPort!.postMessage(message), () => false);

/** Row `y` of the visible screen, trimmed on the right. */
function row(vt: Screen['vt'], y: number): string {
  const buffer = vt.buffer.active;
  return buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '';
}

function text(vt: Screen['vt']): string {
  return Array.from({ length: vt.rows }, (_, y) => row(vt, y)).join('\n');
}

/**
 * The highest marker number on the screen, or -1. One sender's lines appear in the log in the
 * order sent, top to bottom, so the lowest row holding a marker holds the highest: the screen is
 * read from the bottom up and only as far as that row.
 */
function newestMarker(vt: Screen['vt'], tag: string, pattern: RegExp): number {
  for (let y = vt.rows - 1; y >= 0; y--) {
    const line = row(vt, y);
    if (!line.includes(tag)) continue;
    let highest = -1;
    for (const match of line.matchAll(pattern)) highest = Math.max(highest, Number(match[1]));
    if (highest >= 0) return highest;
  }
  return -1;
}

function holds(vt: Screen['vt'], condition: ScreenCondition): boolean {
  if (condition.kind === 'text') return text(vt).includes(condition.includes);
  // The title bar: "Node 12 | bench012 | 13 in room | 08:10".
  const title = row(vt, 0);
  return /Node \d+/.test(title) && title.includes(condition.handle) && title.includes('in room');
}

/** What this screen's watchers learn from the chunk that arrived at `at`, now parsed. */
function parsed(id: number, screen: Screen, at: number): void {
  for (const [tag, watched] of screen.tags) {
    const highest = newestMarker(screen.vt, tag, watched.pattern);
    if (highest <= watched.reported) continue;
    watched.reported = highest;
    report({ t: 'marker', id, tag, highest, at });
  }
  for (const [wait, condition] of screen.waits) {
    if (!holds(screen.vt, condition)) continue;
    screen.waits.delete(wait);
    report({ t: 'held', id, wait, at });
  }
}

function handle(message: ToScreens): void {
  if (message.t === 'ping') return report({ t: 'pong', request: message.request });
  if (message.t === 'open') {
    const vt = new Terminal({ cols: message.cols, rows: message.rows, scrollback: 0, allowProposedApi: true });
    screens.set(message.id, { vt, tags: new Map(), waits: new Map() });
    return;
  }
  const screen = screens.get(message.id);
  if (!screen) return;
  switch (message.t) {
    case 'write':
      return screen.vt.write(message.data, () => parsed(message.id, screen, message.at));
    case 'resize':
      return screen.vt.resize(message.cols, message.rows);
    case 'tag':
      if (message.watch) screen.tags.set(message.tag, { pattern: new RegExp(`${message.tag}-(\\d{4})`, 'g'), reported: -1 });
      else screen.tags.delete(message.tag);
      return;
    case 'wait':
      if (message.condition) screen.waits.set(message.wait, message.condition);
      else screen.waits.delete(message.wait);
      return;
    case 'text':
      // An empty write's callback runs once everything written before it is parsed.
      return screen.vt.write('', () => report({ t: 'text', id: message.id, request: message.request, text: text(screen.vt) }));
    case 'dispose':
      screens.delete(message.id);
      return screen.vt.dispose();
  }
}

parentPort!.on('message', (message: ToScreens | Batch<ToScreens>) => unbatch(message).forEach(handle));
report({ t: 'ready' });
