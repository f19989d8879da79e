/**
 * The board's own cost per line per screen, without SSH: N teleconference screens of one shape in
 * this process, sharing one Drawing (frame clock, row cache) as a board process's screens do, each
 * writing to a channel that only counts what it is sent. Every line is shown to every screen, then
 * the frame runs. What it leaves out is ssh2's per-write work (packet, padding, cipher) and the
 * socket, which cost the same whatever the board does before the write. For A/B runs of the draw
 * path: the figure is this process's CPU time, so interleave runs and compare medians.
 *
 *   npx tsx bench/frames.ts [--screens 300] [--lines 150]
 */
import { PassThrough, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { ChatMessage } from '../src/chat/messages.js';
import { createDrawing } from '../src/ui/drawing.js';
import { createBbsScreen } from '../src/ui/screen.js';
import { createTeleconference } from '../src/ui/teleconference.js';
import type { Teleconference } from '../src/ui/teleconference-api.js';
import type { Terminal } from '../src/ui/terminal.js';
import { FRAME_MS } from '../src/ui/frame-clock.js';
import { delay } from './timing.js';

/** Lines shown before measuring: every screen has drawn itself once and scrolls from then on. */
const WARM_UP_LINES = 40;

class CountingChannel extends Writable {
  columns = 120;
  rows = 40;
  isTTY = true;
  writes = 0;
  override _write(_chunk: Buffer, _encoding: string, done: () => void): void {
    this.writes++;
    done();
  }
}

function openScreens(count: number): Array<{ channel: CountingChannel; tele: Teleconference }> {
  const drawing = createDrawing();
  return Array.from({ length: count }, (_, i) => {
    const channel = new CountingChannel();
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const terminal: Terminal = { input, output: channel, term: 'xterm-256color' };
    const screen = createBbsScreen(terminal, { clock: drawing.clock });
    const tele = createTeleconference({
      screen,
      bbsName: 'Bench BBS',
      handle: `caller${i}`,
      node: i + 1,
      maxMessageLength: 500,
      maxPasteLines: 10,
      now: () => Date.now(),
      roomCount: () => count,
      completions: () => [],
      rows: drawing.rows,
      minutes: drawing.minutes,
    });
    return { channel, tele };
  });
}

/** One line at a time, each shown to every screen, with a frame's cooling between them. */
async function say(screens: ReadonlyArray<{ tele: Teleconference }>, lines: number, first: number): Promise<void> {
  for (let n = first; n < first + lines; n++) {
    const message: ChatMessage = { kind: 'public', at: Date.now(), from: 'Alice', text: `line ${n}: an ordinary line of chat, of ordinary length` };
    for (const { tele } of screens) tele.show(message);
    await delay(FRAME_MS + 10);
  }
}

const { values } = parseArgs({ options: { screens: { type: 'string', default: '300' }, lines: { type: 'string', default: '150' } } });
const screenCount = Number(values.screens);
const lines = Number(values.lines);
const screens = openScreens(screenCount);
await say(screens, WARM_UP_LINES, 0);
const writesBefore = screens.reduce((sum, s) => sum + s.channel.writes, 0);
const cpuBefore = process.cpuUsage();
await say(screens, lines, WARM_UP_LINES);
const cpu = process.cpuUsage(cpuBefore);
const writes = screens.reduce((sum, s) => sum + s.channel.writes, 0) - writesBefore;
const perPair = lines * screenCount;
process.stdout.write(
  `${screenCount} screens, ${lines} lines: ${((cpu.user + cpu.system) / perPair).toFixed(2)} µs CPU per line per screen, ` +
    `${(writes / perPair).toFixed(2)} channel writes per line per screen\n`,
);
process.exit(0);
