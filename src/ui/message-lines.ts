/**
 * ChatMessage → its display rows in the board's teleconference style. Pure: no blessed, no clock
 * (the time shown is the message's own `at`). A line is a list of styled segments, so user text
 * stays data until the very last step: log-rows.ts wraps segments by display width and encodes
 * them for the terminal; no text is ever parsed for markup.
 * The teleconference's title bar is laid out here too, for the same reason: it is pure text.
 * Its only state is memos that change no answer: lines shared between viewers, the last HH:MM.
 */
import { handleColorOf, type HandleColor } from '../chat/handle-color.js';
import { markControls } from '../chat/safe-text.js';
import { isPrivate, type ChatMessage, type DirectMessage, type PageMessage } from '../chat/messages.js';
import { displayWidth, truncateToWidth } from './display-width.js';

/** What a piece of a line is, not how it looks; log-rows.ts decides the look. */
export type Style =
  | 'timestamp'
  | 'handle'
  | 'text'
  | 'action'
  | 'notice'
  | 'official'
  | 'private'
  | 'page'
  | 'earlier'
  | 'divider'
  | 'input'
  | 'title'
  | HandleStyle
  /** What the viewer said themselves (bold), so their own lines stand out on their screen. */
  | 'own-text';

/** A handle in its colour (the same for every viewer); `own-`: bold, on the viewer's own lines. */
export type HandleStyle = `handle-${HandleColor}` | `own-${HandleColor}`;

export interface Segment {
  readonly text: string;
  readonly style: Style;
}

export type StyledLine = readonly Segment[];

export interface Viewer {
  readonly handle: string;
}

export interface FormatOptions {
  /** A replayed message from before the viewer joined: drawn dim. */
  readonly earlier?: boolean;
  /** IANA zone for HH:MM; the server's local zone when omitted. */
  readonly timeZone?: string;
}

/** Marks an official announcement, live and when replayed from history. */
export const ANNOUNCEMENT_LABEL = 'ANNOUNCEMENT';

/** The name official announcements are shown under, whoever made them. */
export const SYSOP_NAME = 'SysOp';

/** Rows by message, then by `earlier` and zone; an entry goes when its message does. */
const sharedRows = new WeakMap<ChatMessage, Map<string, StyledLine[]>>();

/**
 * A line that reads the same for every viewer (all but direct messages and pages) is made once
 * per message, zone and dimming and the same StyledLine is handed to every screen: hundreds of
 * screens each keep up to 1000 lines, and a copy per screen was most of the board's memory. A
 * message is never changed once made, so the message object itself is the key. Never mutate a
 * StyledLine this returns.
 */
export function formatMessage(message: ChatMessage, viewer: Viewer, options: FormatOptions = {}): StyledLine {
  // A pasted block's shared entry is its rows; its one-line form is made apart (the screen never asks for it).
  if (!isShared(message, viewer, options) || isBlock(message)) return formatFor(message, viewer, options);
  return shared(message, options, () => [formatFor(message, viewer, options)])[0]!;
}

/**
 * The rows of a message: one, or for a pasted block (text with "\n") a header row with its first
 * line and an indented row for each further line, in the same style. Shared between viewers like
 * formatMessage's line, so a pasted block is kept once however many screens show it.
 */
export function formatRows(message: ChatMessage, viewer: Viewer, options: FormatOptions = {}): readonly StyledLine[] {
  if (isShared(message, viewer, options)) return shared(message, options, () => rowsFor(message, viewer, options));
  return rowsFor(message, viewer, options);
}

/**
 * Whether `message` reads the same on every screen. Private lines do not, nor does the viewer's own
 * live line: it is drawn bold on their screen alone (one private row for its sender), while every
 * other screen shares the same rows.
 */
export function isShared(message: ChatMessage, viewer: Viewer, options: FormatOptions = {}): boolean {
  return !isPrivate(message) && !isOwnLine(message, viewer, options);
}

function isOwnLine(message: ChatMessage, viewer: Viewer, options: FormatOptions): boolean {
  return !options.earlier && (message.kind === 'public' || message.kind === 'action') && sameHandle(message.from, viewer.handle);
}

/**
 * The last answer of shared(): every screen of the board asks for the same message in turn as it
 * is delivered, so all but the first ask are answered here without building a key or looking in
 * two maps. It keeps one message and its rows alive until another message is asked for.
 */
let lastShared: { message: ChatMessage; earlier: boolean; timeZone: string | undefined; rows: StyledLine[] } | undefined;

function shared(message: ChatMessage, options: FormatOptions, make: () => StyledLine[]): StyledLine[] {
  const earlier = options.earlier ?? false;
  const { timeZone } = options;
  const last = lastShared;
  if (last?.message === message && last.earlier === earlier && last.timeZone === timeZone) return last.rows;
  const key = `${earlier ? 'earlier' : 'now'} ${timeZone ?? ''}`;
  let made = sharedRows.get(message);
  if (!made) sharedRows.set(message, (made = new Map()));
  let rows = made.get(key);
  if (!rows) made.set(key, (rows = make()));
  lastShared = { message, earlier, timeZone, rows };
  return rows;
}

function isBlock(message: ChatMessage): boolean {
  return 'text' in message && message.text.includes('\n');
}

function rowsFor(message: ChatMessage, viewer: Viewer, options: FormatOptions): StyledLine[] {
  if (!('text' in message) || !isBlock(message)) return [formatFor(message, viewer, options)];
  const [first = '', ...rest] = message.text.split('\n');
  const header = formatFor({ ...message, text: first }, viewer, options);
  const style = header[header.length - 1]?.style ?? 'text';
  return [header, ...rest.map((line): StyledLine => [seg(`    ${line}`, style)])];
}

function formatFor(message: ChatMessage, viewer: Viewer, options: FormatOptions): StyledLine {
  const line = formatBody(message, viewer, options.timeZone, isOwnLine(message, viewer, options));
  return options.earlier ? line.map((s) => ({ text: s.text, style: 'earlier' as const })) : line;
}

/** A labelled rule between stretches of the log, e.g. `--- earlier messages ---`. */
export function formatDivider(label: string): StyledLine {
  return [{ text: `--- ${clean(label)} ---`, style: 'divider' }];
}

/** Around replayed history; one object each for every screen, since rows are encoded once per line object and shape. */
export const HISTORY_DIVIDERS = { start: formatDivider('earlier messages'), end: formatDivider('end of earlier messages') };

/**
 * True for a page or direct message addressed to the viewer by someone else, and for an official
 * announcement made by someone else: ring their bell.
 */
export function needsBell(message: ChatMessage, viewer: Viewer): boolean {
  if (message.kind === 'system') return message.official && !sameHandle(message.from ?? '', viewer.handle);
  if (message.kind !== 'direct' && message.kind !== 'page') return false;
  return sameHandle(message.to, viewer.handle) && !sameHandle(message.from, viewer.handle);
}

const MINUTE_MS = 60_000;
/** The last HH:MM made per zone ('' for the server's), with the minute of the epoch it is for. */
const lastClock = new Map<string, { minute: number; text: string }>();

/**
 * HH:MM (24-hour) of `at` in `timeZone`, or in the server's zone. Every screen asks for the same
 * minute (each message's stamp, each title bar), and Intl formatting is costly, so the last answer
 * per zone is kept for the rest of its minute. Every zone's offset is a whole number of minutes
 * (since 1972), so HH:MM cannot change within a minute of the epoch.
 */
export function formatClock(at: number, timeZone?: string): string {
  const minute = Math.floor(at / MINUTE_MS);
  const key = timeZone ?? '';
  const last = lastClock.get(key);
  if (last?.minute === minute) return last.text;
  const parts = clockFormat(timeZone).formatToParts(at);
  const hour = parts.find((p) => p.type === 'hour')?.value ?? '00';
  const minutes = parts.find((p) => p.type === 'minute')?.value ?? '00';
  const text = `${hour.padStart(2, '0')}:${minutes.padStart(2, '0')}`;
  lastClock.set(key, { minute, text });
  return text;
}

export interface TitleParts {
  bbsName: string;
  node: number;
  handle: string;
  count: number;
  clock: string;
}

/** The board's name keeps at least this many columns before the right side loses a piece. */
const TITLE_NAME_MIN = 12;

/**
 * The title bar for `width` columns: the board's name on the left, node, handle, head count and
 * clock on the right. When it does not fit, the node goes first, then the head count, then the
 * handle, while the name keeps TITLE_NAME_MIN columns; then the name shrinks. The clock stays.
 */
export function formatTitle(parts: TitleParts, width: number): string {
  const name = clean(parts.bbsName);
  const pieces = [`Node ${parts.node}`, parts.handle, `${parts.count} in room`, parts.clock];
  const wanted = Math.min(displayWidth(name), TITLE_NAME_MIN);
  const right = () => pieces.filter((p) => p !== '').join(' | ');
  for (const index of [0, 2, 1]) {
    if (displayWidth(right()) + wanted + 3 <= width) break;
    pieces[index] = '';
  }
  const shown = ellipsize(name, width - displayWidth(right()) - 3);
  const gap = Math.max(1, width - displayWidth(shown) - displayWidth(right()) - 2);
  return truncateToWidth(` ${shown}${' '.repeat(gap)}${right()} `, width);
}

/** `text` cut to `width` columns with an ellipsis; nothing when too few columns are left for a word. */
function ellipsize(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width < 4) return '';
  return `${truncateToWidth(text, width - 1)}…`;
}

function formatBody(message: ChatMessage, viewer: Viewer, timeZone: string | undefined, own: boolean): Segment[] {
  const stamp = (): Segment => ({ text: `[${formatClock(message.at, timeZone)}] `, style: 'timestamp' });
  switch (message.kind) {
    case 'public': {
      const name = handleStyle(message.from, message.color, own);
      return [stamp(), seg(message.from, name), seg(': ', name), seg(message.text, own ? 'own-text' : 'text')];
    }
    case 'action': {
      const said = own ? 'own-text' : 'action';
      return [seg('* ', said), seg(message.from, handleStyle(message.from, message.color, own)), seg(` ${message.text}`, said)];
    }
    case 'join':
      return [seg(`*** ${message.handle} has joined the chat ***`, 'notice')];
    case 'leave':
      return [seg(`*** ${message.handle} has left the chat ***`, 'notice')];
    case 'system':
      if (!message.official) return [seg(message.text, 'notice')];
      return [{ ...stamp(), style: 'official' }, seg(`${ANNOUNCEMENT_LABEL} ${SYSOP_NAME}: ${message.text}`, 'official')];
    case 'direct':
      return [stamp(), ...directHeader(message, viewer), seg(message.text, 'private')];
    case 'page':
      return [stamp(), seg(pageText(message, viewer), 'page')];
  }
}

/** The sender's chosen colour (when it is one of ours) or their handle's default; bold on their own screen. */
function handleStyle(handle: string, chosen: unknown, own: boolean): HandleStyle {
  return `${own ? 'own' : 'handle'}-${handleColorOf(handle, chosen)}`;
}

/** `*alice* → you: ` for the receiver, `you → *bob*: ` for the sender. */
function directHeader(message: DirectMessage, viewer: Viewer): Segment[] {
  const from = sameHandle(message.from, viewer.handle) ? 'you' : `*${message.from}*`;
  const to = sameHandle(message.to, viewer.handle) && from !== 'you' ? 'you' : `*${message.to}*`;
  return [seg(`${from} → ${to}: `, 'private')];
}

function pageText(message: PageMessage, viewer: Viewer): string {
  const { from, to } = message;
  if (sameHandle(message.from, viewer.handle)) return `You page ${to}.`;
  if (sameHandle(message.to, viewer.handle)) return `${from} is paging you!`;
  return `${from} pages ${to}.`;
}

/** Every piece of text goes through here, so nothing reaches a line uncleaned. */
function seg(text: string, style: Style): Segment {
  return { text: clean(text), style };
}

/**
 * The chat core already strips control characters; this is the last line of defence before a
 * terminal, because log-rows.ts writes segment text to the terminal as it is.
 */
function clean(text: string): string {
  return markControls(text, '\uFFFD');
}

function sameHandle(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** Building a DateTimeFormat costs far more than using one: keep one per zone. */
function clockFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let format = clockFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
    clockFormats.set(key, format);
  }
  return format;
}
