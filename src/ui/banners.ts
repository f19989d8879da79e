/**
 * The board's simple screens: "all lines busy", the welcome lines, and the goodbye line the
 * session writes after the screen is gone. Each screen is one centred box that goes away on a
 * key, a timer or the screen being destroyed, and leaves no listener or timer behind.
 */
import blessed from 'blessed';
import type { KeyLike } from './line-editor.js';
import { formatUtc } from '../chat/who.js';
import { displayWidth } from './display-width.js';
import { visibleText } from '../chat/safe-text.js';
import { safe, wrapText } from './form-field.js';
import type { BbsScreen } from './screen.js';

const BOX_MAX_WIDTH = 64;

export function showLineBusy(
  screen: BbsScreen,
  info: { bbsName: string; maxNodes: number },
  options: { waitMs?: number } = {},
): Promise<void> {
  const busy =
    info.maxNodes === 1 ? `The line of ${info.bbsName} is busy.` : `All ${info.maxNodes} lines of ${info.bbsName} are busy.`;
  return showNotice(screen, {
    paragraphs: [busy, 'Please call again later.', '', 'Press any key.'],
    colour: 'yellow',
    dismissOn: () => true,
    waitMs: options.waitMs ?? 5000,
  });
}

/**
 * What a caller reads first in the teleconference on every login: the board and its tagline, their
 * node and last call, and who is in the room. Lines in the log rather than a box to dismiss, so a
 * regular is never held up by it.
 */
export function welcomeLines(info: {
  bbsName: string;
  tagline: string;
  handle: string;
  node: number;
  lastLoginAt: number | null;
  inRoom: readonly string[];
}): string[] {
  const lastCall =
    info.lastLoginAt === null ? 'This is your first call. Welcome aboard!' : `Your last call: ${formatUtc(info.lastLoginAt)}.`;
  return [`Welcome to ${info.bbsName}, ${info.handle}! ${info.tagline}`.trim(), `You are on node ${info.node}. ${lastCall}`, whoIsIn(info.inRoom)];
}

/** Columns of names the welcome lists before it counts the rest: with the words around them, two rows of 80 columns. */
const WELCOME_NAMES_WIDTH = 100;

/**
 * "In the room: bob, carol." In a full room the names would fill the screen (a thousand callers
 * are ~85 rows at 120 columns) and push the welcome out of sight, so past WELCOME_NAMES_WIDTH the
 * rest are counted and /who lists them.
 */
function whoIsIn(inRoom: readonly string[]): string {
  if (inRoom.length === 0) return 'No one else is in the room yet.';
  const shown: string[] = [];
  let width = 0;
  for (const handle of inRoom) {
    width += displayWidth(handle) + 2;
    if (shown.length > 0 && width > WELCOME_NAMES_WIDTH) break;
    shown.push(handle);
  }
  const others = inRoom.length - shown.length;
  if (others === 0) return `In the room: ${shown.join(', ')}.`;
  return `In the room: ${shown.join(', ')} and ${others} ${others === 1 ? 'other' : 'others'} (/who lists everyone).`;
}

export type GoodbyeReason = 'quit' | 'shutdown' | 'timeout' | 'line-busy' | 'cancelled' | 'idle';

/**
 * The line written to the channel after the screen is destroyed: plain text, \r\n line ends, no
 * escape sequences (names are stripped of control characters).
 */
export function goodbyeText(info: { bbsName: string; handle?: string; durationMs?: number; reason: GoodbyeReason }): string {
  const bbs = visibleText(info.bbsName);
  const handle = info.handle === undefined ? undefined : visibleText(info.handle);
  const goodbye = handle ? `Goodbye, ${handle}.` : 'Goodbye.';
  const onFor = info.durationMs === undefined ? '' : ` You were on for ${formatDuration(info.durationMs)}.`;
  const lines: Record<GoodbyeReason, string> = {
    quit: `${goodbye}${onFor} Thanks for calling ${bbs}!`,
    shutdown: `${bbs} is shutting down. ${goodbye}`,
    timeout: `Time is up: ${bbs} waited too long. ${goodbye} Please call again.`,
    idle: `You were idle too long. ${goodbye} Please call again.`,
    'line-busy': `All lines of ${bbs} are busy. Please call again later.`,
    cancelled: `${goodbye} Thanks for calling ${bbs}.`,
  };
  return `${lines[info.reason]}\r\n`;
}

/** "42s", "12m 04s", "1h 02m 03s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${two(m)}m ${two(s)}s`;
  if (m > 0) return `${m}m ${two(s)}s`;
  return `${s}s`;
}

interface Notice {
  paragraphs: string[];
  colour: string;
  dismissOn: (ch: string | undefined, key: KeyLike) => boolean;
  waitMs?: number;
}

/** A centred box of text, gone on a dismissing key, after waitMs, or when the screen is destroyed. */
function showNotice(screen: BbsScreen, notice: Notice): Promise<void> {
  if (screen.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const s = screen.screen;
    const box = blessed.box({ parent: s, border: { type: 'line' }, tags: true, wrap: false, style: { border: { fg: notice.colour } } });
    const draw = () => {
      layOutNotice(box, notice.paragraphs, Number(s.width), Number(s.height));
      screen.requestRender();
    };
    const onKey = (ch: string | undefined, key: KeyLike | undefined) => {
      if (notice.dismissOn(ch, key ?? {})) done();
    };
    const timer = notice.waitMs === undefined ? undefined : setTimeout(() => done(), notice.waitMs);
    function done(): void {
      clearTimeout(timer);
      s.program.removeListener('keypress', onKey);
      s.removeListener('resize', draw);
      s.removeListener('destroy', done);
      if (!screen.destroyed) {
        box.destroy();
        screen.requestRender();
      }
      resolve();
    }
    s.program.on('keypress', onKey);
    s.on('resize', draw);
    s.on('destroy', done);
    screen.setCursor(null);
    draw();
  });
}

function layOutNotice(box: blessed.Widgets.BoxElement, paragraphs: string[], screenWidth: number, screenHeight: number): void {
  const inner = Math.min(screenWidth, BOX_MAX_WIDTH) - 4;
  const lines = paragraphs.flatMap((p) => (p === '' ? [''] : wrapText(visibleText(p), inner)));
  const textWidth = Math.max(...lines.map((l) => displayWidth(l)), 1);
  const width = Math.min(screenWidth, textWidth + 4);
  const height = Math.min(screenHeight, lines.length + 2);
  box.left = Math.floor((screenWidth - width) / 2);
  box.top = Math.floor((screenHeight - height) / 2);
  box.width = width;
  box.height = height;
  box.setContent(lines.map((l) => ` ${safe(centre(l, width - 4))}`).join('\n'));
}

function centre(line: string, width: number): string {
  return ' '.repeat(Math.max(0, Math.floor((width - displayWidth(line)) / 2))) + line;
}
