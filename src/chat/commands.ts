/**
 * One typed line → one Command. Pure and total: every line gets a command, a usage error or
 * "unknown". Text is passed on raw (member.ts cleans it), so the parser never loses what was typed.
 */
import { parseDuration } from './duration.js';

export type Command =
  | { kind: 'say'; text: string }
  | { kind: 'action'; text: string }
  | { kind: 'msg'; to: string; text: string }
  | { kind: 'reply'; text: string }
  | { kind: 'page'; to: string }
  | { kind: 'who' }
  | { kind: 'ignore'; handle?: string }
  | { kind: 'unignore'; handle: string }
  | { kind: 'pager'; on?: boolean }
  | { kind: 'away'; reason: string }
  | { kind: 'whois'; handle: string }
  | { kind: 'last' }
  | { kind: 'passwd' }
  | { kind: 'tz'; zone?: string }
  /** name: a colour for your handle, or "off" for its default; none: show the choices. */
  | { kind: 'color'; name?: string }
  /** add: a pasted key; inUse: the key the caller's client proved at login. */
  | { kind: 'keys'; remove?: string; add?: string; inUse?: true }
  | { kind: 'users' }
  | { kind: 'kick'; handle: string; reason: string }
  | { kind: 'mute'; handle: string; minutes: number; reason: string }
  | { kind: 'unmute'; handle: string }
  | { kind: 'ban'; handle: string; durationMs?: number; reason: string }
  | { kind: 'unban'; handle: string }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'announce'; text: string }
  | { kind: 'usage'; message: string }
  | { kind: 'unknown'; message: string }
  | { kind: 'empty' };

export type CommandKind = Command['kind'];

/** /mute without minutes. */
export const DEFAULT_MUTE_MINUTES = 10;

export const UNKNOWN_COMMAND = 'Unknown command. Type /help for available commands.';

/** One line of /help. `usage` is also what a usage error shows. */
export interface CommandHelp {
  usage: string;
  summary: string;
  /** Shown only to sysops. */
  sysopOnly: boolean;
}

interface CommandSpec extends CommandHelp {
  names: readonly string[];
  parse(rest: string): Command;
}

const COMMANDS: readonly CommandSpec[] = [
  spec(
    { names: ['me'], usage: '/me <action>', summary: 'Describe what you do, e.g. /me waves' },
    (rest) => (rest ? { kind: 'action', text: rest } : undefined),
  ),
  spec(
    { names: ['msg'], usage: '/msg <handle> <message>', summary: 'Send a private message to one person' },
    (rest) => {
      const [to, text] = splitWord(rest);
      return to && text ? { kind: 'msg', to, text } : undefined;
    },
  ),
  spec(
    { names: ['r', 'reply'], usage: '/r <message>', summary: 'Reply privately to the last person who messaged you' },
    (rest) => (rest ? { kind: 'reply', text: rest } : undefined),
  ),
  spec(
    { names: ['page'], usage: '/page <handle>', summary: "Ring someone's bell to get their attention" },
    (rest) => {
      const [to, extra] = splitWord(rest);
      return to && !extra ? { kind: 'page', to } : undefined;
    },
  ),
  spec({ names: ['who'], usage: '/who', summary: 'Who is in the room: node, away, idle, sysop' }, () => ({ kind: 'who' })),
  spec({ names: ['whois'], usage: '/whois <handle>', summary: 'About an account, online or not' }, (rest) =>
    oneWord(rest, (handle) => ({ kind: 'whois', handle })),
  ),
  spec({ names: ['last'], usage: '/last', summary: 'The latest callers, with times' }, () => ({ kind: 'last' })),
  spec({ names: ['users'], usage: '/users', summary: 'Everyone with an account, in the room or not' }, () => ({ kind: 'users' })),
  spec({ names: ['passwd'], usage: '/passwd', summary: 'Change your password (asks the old one first)' }, (rest) =>
    rest === '' ? { kind: 'passwd' } : undefined,
  ),
  spec({ names: ['tz'], usage: '/tz [zone|off]', summary: 'Show times in your zone, e.g. /tz Europe/Paris' }, (rest) =>
    rest === '' ? { kind: 'tz' } : oneWord(rest, (zone) => ({ kind: 'tz', zone })),
  ),
  spec({ names: ['keys'], usage: '/keys [add [<key>]|remove <fp>]', summary: 'The SSH keys that log you in' }, (rest) => {
    if (rest === '') return { kind: 'keys' };
    const [verb, argument] = splitWord(rest);
    if (verb.toLowerCase() === 'add') return argument ? { kind: 'keys', add: argument } : { kind: 'keys', inUse: true };
    return verb.toLowerCase() === 'remove' && argument && !/\s/.test(argument) ? { kind: 'keys', remove: argument } : undefined;
  }),
  spec({ names: ['color', 'colour'], usage: '/color [name|off]', summary: 'The colour of your handle (alone: the choices)' }, (rest) =>
    rest === '' ? { kind: 'color' } : oneWord(rest, (name) => ({ kind: 'color', name })),
  ),
  spec({ names: ['away'], usage: '/away [reason]', summary: 'Mark yourself away (your next line brings you back)' }, (rest) => ({
    kind: 'away',
    reason: rest,
  })),
  spec({ names: ['ignore'], usage: '/ignore [handle]', summary: 'Hide their lines, messages and pages (alone: list)' }, (rest) =>
    rest === '' ? { kind: 'ignore' } : oneWord(rest, (handle) => ({ kind: 'ignore', handle })),
  ),
  spec({ names: ['unignore'], usage: '/unignore <handle>', summary: 'Hear them again' }, (rest) =>
    oneWord(rest, (handle) => ({ kind: 'unignore', handle })),
  ),
  spec({ names: ['pager'], usage: '/pager [on|off]', summary: 'Let pages ring your bell, or not (alone: say which)' }, (rest) => {
    const word = rest.toLowerCase();
    if (word === '') return { kind: 'pager' };
    return word === 'on' || word === 'off' ? { kind: 'pager', on: word === 'on' } : undefined;
  }),
  spec({ names: ['help', '?'], usage: '/help', summary: 'Show this list (also /?)' }, () => ({ kind: 'help' })),
  spec({ names: ['quit', 'q'], usage: '/quit', summary: 'Leave the chat (also /q)' }, () => ({ kind: 'quit' })),
  spec(
    { names: ['announce'], usage: '/announce <message>', summary: 'Make an official announcement', sysopOnly: true },
    (rest) => (rest ? { kind: 'announce', text: rest } : undefined),
  ),
  spec({ names: ['kick'], usage: '/kick <handle> [reason]', summary: 'End their call now', sysopOnly: true }, (rest) => {
    const [handle, reason] = splitWord(rest);
    return handle ? { kind: 'kick', handle, reason } : undefined;
  }),
  spec(
    { names: ['mute'], usage: '/mute <handle> [minutes] [reason]', summary: `Keep their lines from the room (${DEFAULT_MUTE_MINUTES} min)`, sysopOnly: true },
    (rest) => {
      const [handle, after] = splitWord(rest);
      const [first, more] = splitWord(after);
      const minutes = /^\d{1,5}$/.test(first) ? Number(first) : undefined;
      if (!handle || minutes === 0) return undefined;
      return { kind: 'mute', handle, minutes: minutes ?? DEFAULT_MUTE_MINUTES, reason: minutes === undefined ? after : more };
    },
  ),
  spec({ names: ['unmute'], usage: '/unmute <handle>', summary: 'Let them talk again', sysopOnly: true }, (rest) =>
    oneWord(rest, (handle) => ({ kind: 'unmute', handle })),
  ),
  spec(
    { names: ['ban'], usage: '/ban <handle> [7d] [reason]', summary: 'Refuse their calls: for 30m, 12h, 7d, 2w, or for good', sysopOnly: true },
    (rest) => {
      const [handle, after] = splitWord(rest);
      const [first, more] = splitWord(after);
      const durationMs = parseDuration(first);
      if (!handle) return undefined;
      return durationMs === undefined ? { kind: 'ban', handle, reason: after } : { kind: 'ban', handle, durationMs, reason: more };
    },
  ),
  spec({ names: ['unban'], usage: '/unban <handle>', summary: 'Lift a ban', sysopOnly: true }, (rest) =>
    oneWord(rest, (handle) => ({ kind: 'unban', handle })),
  ),
];

/** What /help lists, in order; the last line is a tip rather than a command. */
export const COMMAND_HELP: readonly CommandHelp[] = [
  ...COMMANDS.map(({ usage, summary, sysopOnly }) => ({ usage, summary, sysopOnly })),
  { usage: '//<text>', summary: 'Say a line that starts with "/"', sysopOnly: false },
];

/** The /help text, one line per command; sysop-only commands only for sysops. */
export function helpLines(options: { sysop: boolean }): string[] {
  const shown = COMMAND_HELP.filter((entry) => options.sysop || !entry.sysopOnly);
  const width = Math.max(...shown.map((entry) => entry.usage.length));
  return shown.map((entry) => `${entry.usage.padEnd(width)}  — ${entry.summary}`);
}

export function parseCommand(line: string): Command {
  const typed = line.trimStart();
  if (typed.trim() === '') return { kind: 'empty' };
  if (!typed.startsWith('/')) return { kind: 'say', text: line };
  if (typed.startsWith('//')) return { kind: 'say', text: typed.slice(1) };
  const [name, rest] = splitWord(typed.slice(1));
  const command = COMMANDS.find((c) => c.names.includes(name.toLowerCase()));
  if (!command) return { kind: 'unknown', message: UNKNOWN_COMMAND };
  return command.parse(rest);
}

/** A command's help entry and parser; a parser's undefined means misuse, answered with the usage. */
function spec(
  help: { names: readonly string[]; usage: string; summary: string; sysopOnly?: boolean },
  parse: (rest: string) => Command | undefined,
): CommandSpec {
  const misuse: Command = { kind: 'usage', message: `Usage: ${help.usage}` };
  return { ...help, sysopOnly: help.sysopOnly ?? false, parse: (rest) => parse(rest) ?? misuse };
}

/** A command whose argument is exactly one word. */
function oneWord(rest: string, make: (word: string) => Command): Command | undefined {
  const [word, extra] = splitWord(rest);
  return word && !extra ? make(word) : undefined;
}

/** The first word and the rest, both without surrounding white space. */
function splitWord(text: string): [string, string] {
  const trimmed = text.trim();
  const gap = trimmed.search(/\s/);
  if (gap < 0) return [trimmed, ''];
  return [trimmed.slice(0, gap), trimmed.slice(gap).trimStart()];
}
