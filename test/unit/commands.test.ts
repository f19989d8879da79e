import { describe, expect, it } from 'vitest';
import { COMMAND_HELP, helpLines, parseCommand, type Command } from '../../src/chat/commands.js';

const UNKNOWN: Command = { kind: 'unknown', message: 'Unknown command. Type /help for available commands.' };
const usage = (message: string): Command => ({ kind: 'usage', message });

const table: [string, Command][] = [
  // Plain lines and the // escape
  ['hello there', { kind: 'say', text: 'hello there' }],
  ['  indented', { kind: 'say', text: '  indented' }],
  ['a/b', { kind: 'say', text: 'a/b' }],
  ['//shrug', { kind: 'say', text: '/shrug' }],
  ['// spaced', { kind: 'say', text: '/ spaced' }],
  ['//', { kind: 'say', text: '/' }],
  ['', { kind: 'empty' }],
  ['   \t ', { kind: 'empty' }],
  // /me
  ['/me waves', { kind: 'action', text: 'waves' }],
  ['/ME waves  hello ', { kind: 'action', text: 'waves  hello' }],
  ['/me', usage('Usage: /me <action>')],
  ['/me    ', usage('Usage: /me <action>')],
  // /msg
  ['/msg bob hi there', { kind: 'msg', to: 'bob', text: 'hi there' }],
  ['/Msg  Bob   hi', { kind: 'msg', to: 'Bob', text: 'hi' }],
  ['/msg\tbob\thi', { kind: 'msg', to: 'bob', text: 'hi' }],
  ['/msg bob', usage('Usage: /msg <handle> <message>')],
  ['/msg bob   ', usage('Usage: /msg <handle> <message>')],
  ['/msg', usage('Usage: /msg <handle> <message>')],
  // /r
  ['/r thanks!', { kind: 'reply', text: 'thanks!' }],
  ['/R thanks', { kind: 'reply', text: 'thanks' }],
  ['/reply ok', { kind: 'reply', text: 'ok' }],
  ['/r', usage('Usage: /r <message>')],
  // /page
  ['/page bob', { kind: 'page', to: 'bob' }],
  ['/PAGE  bob  ', { kind: 'page', to: 'bob' }],
  ['/page', usage('Usage: /page <handle>')],
  ['/page bob come here', usage('Usage: /page <handle>')],
  // /who, /help, /quit
  ['/who', { kind: 'who' }],
  // protection from each other
  ['/whois Bob', { kind: 'whois', handle: 'Bob' }],
  ['/whois', usage('Usage: /whois <handle>')],
  ['/whois bob carol', usage('Usage: /whois <handle>')],
  ['/away', { kind: 'away', reason: '' }],
  ['/away  gone to lunch ', { kind: 'away', reason: 'gone to lunch' }],
  ['/ignore', { kind: 'ignore' }],
  ['/ignore bob', { kind: 'ignore', handle: 'bob' }],
  ['/ignore bob carol', usage('Usage: /ignore [handle]')],
  ['/unignore bob', { kind: 'unignore', handle: 'bob' }],
  ['/unignore', usage('Usage: /unignore <handle>')],
  ['/pager', { kind: 'pager' }],
  ['/pager OFF', { kind: 'pager', on: false }],
  ['/pager on', { kind: 'pager', on: true }],
  ['/pager maybe', usage('Usage: /pager [on|off]')],
  ['/WHO', { kind: 'who' }],
  ['/help', { kind: 'help' }],
  ['/Help me', { kind: 'help' }],
  ['/?', { kind: 'help' }],
  ['/quit', { kind: 'quit' }],
  ['/Q', { kind: 'quit' }],
  ['  /quit', { kind: 'quit' }],
  // /announce
  ['/announce Back in 5 minutes', { kind: 'announce', text: 'Back in 5 minutes' }],
  ['/ANNOUNCE x', { kind: 'announce', text: 'x' }],
  ['/announce', usage('Usage: /announce <message>')],
  // Unknown
  ['/', UNKNOWN],
  ['/ hello', UNKNOWN],
  ['/dance', UNKNOWN],
  ['/mee waves', UNKNOWN],
  ['/msgbob hi', UNKNOWN],
  ['/quitt', UNKNOWN],
  ['/\u001b[31m', UNKNOWN],
];

describe('parseCommand', () => {
  it.each(table)('%j', (line, expected) => {
    expect(parseCommand(line)).toEqual(expected);
  });

  it('keeps the raw text for the member to clean', () => {
    expect(parseCommand('hi \u001b[31mred')).toEqual({ kind: 'say', text: 'hi \u001b[31mred' });
    expect(parseCommand('/me \u202ewaves')).toEqual({ kind: 'action', text: '\u202ewaves' });
  });
});

describe('help', () => {
  it('has one line per entry, each naming its command and saying what it does, aligned', () => {
    const lines = helpLines({ sysop: true });
    expect(lines).toHaveLength(COMMAND_HELP.length);
    for (const [i, entry] of COMMAND_HELP.entries()) {
      expect(lines[i]?.startsWith(`${entry.usage} `)).toBe(true);
      expect(lines[i]?.endsWith(`  — ${entry.summary}`)).toBe(true);
    }
    expect(new Set(lines.map((line) => line.indexOf('—'))).size).toBe(1);
  });

  it('mentions every command a caller can type', () => {
    const text = helpLines({ sysop: true }).join('\n');
    for (const usage of ['/me', '/msg', '/r ', '/page', '/who', '/help', '/quit', '/announce', '//']) {
      expect(text).toContain(usage);
    }
  });

  it('shows /announce to sysops only', () => {
    expect(helpLines({ sysop: false }).join('\n')).not.toContain('/announce');
    expect(helpLines({ sysop: false })).toHaveLength(COMMAND_HELP.length - 1);
  });

  it('offers only commands that parse', () => {
    for (const entry of COMMAND_HELP.filter((e) => !e.usage.startsWith('//'))) {
      expect(parseCommand(entry.usage).kind).not.toBe('unknown');
    }
  });
});
