/**
 * One typed line → one Command. Pure and total: every line gets a command, a usage error or
 * "unknown". Text is passed on raw (member.ts cleans it), so the parser never loses what was typed.
 */

export type Command =
  | { kind: 'say'; text: string }
  | { kind: 'action'; text: string }
  | { kind: 'msg'; to: string; text: string }
  | { kind: 'reply'; text: string }
  | { kind: 'page'; to: string }
  | { kind: 'who' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'announce'; text: string }
  | { kind: 'usage'; message: string }
  | { kind: 'unknown'; message: string }
  | { kind: 'empty' };

export type CommandKind = Command['kind'];

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
  spec({ names: ['who'], usage: '/who', summary: 'List who is in the room' }, () => ({ kind: 'who' })),
  spec({ names: ['help', '?'], usage: '/help', summary: 'Show this list (also /?)' }, () => ({ kind: 'help' })),
  spec({ names: ['quit', 'q'], usage: '/quit', summary: 'Leave the chat (also /q)' }, () => ({ kind: 'quit' })),
  spec(
    { names: ['announce'], usage: '/announce <message>', summary: 'Make an official announcement', sysopOnly: true },
    (rest) => (rest ? { kind: 'announce', text: rest } : undefined),
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

/** The first word and the rest, both without surrounding white space. */
function splitWord(text: string): [string, string] {
  const trimmed = text.trim();
  const gap = trimmed.search(/\s/);
  if (gap < 0) return [trimmed, ''];
  return [trimmed.slice(0, gap), trimmed.slice(gap).trimStart()];
}
