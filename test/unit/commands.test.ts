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
  // your own account
  ['/passwd', { kind: 'passwd' }],
  ['/passwd secret', usage('Usage: /passwd')],
  ['/color', { kind: 'color' }],
  ['/colour Purple', { kind: 'color', name: 'Purple' }],
  ['/color red blue', usage('Usage: /color [name|off]')],
  ['/keys', { kind: 'keys' }],
  ['/tz', { kind: 'tz' }],
  ['/tz Europe/Paris', { kind: 'tz', zone: 'Europe/Paris' }],
  ['/tz Europe Paris', usage('Usage: /tz [zone|off]')],
  ['/keys remove SHA256:abc', { kind: 'keys', remove: 'SHA256:abc' }],
  ['/keys remove', usage('Usage: /keys [add [<key>]|remove <fp>]')],
  ['/keys add', { kind: 'keys', inUse: true }],
  ['/keys add ssh-ed25519 AAAA me@home', { kind: 'keys', add: 'ssh-ed25519 AAAA me@home' }],
  ['/keys list', usage('Usage: /keys [add [<key>]|remove <fp>]')],
  // moderation
  ['/kick bob', { kind: 'kick', handle: 'bob', reason: '' }],
  ['/kick bob  spamming the room ', { kind: 'kick', handle: 'bob', reason: 'spamming the room' }],
  ['/kick', usage('Usage: /kick <handle> [reason]')],
  ['/mute bob', { kind: 'mute', handle: 'bob', minutes: 10, reason: '' }],
  ['/mute bob 5 calm down', { kind: 'mute', handle: 'bob', minutes: 5, reason: 'calm down' }],
  ['/mute bob calm down', { kind: 'mute', handle: 'bob', minutes: 10, reason: 'calm down' }],
  ['/mute bob 0', usage('Usage: /mute <handle> [minutes] [reason]')],
  ['/unmute bob', { kind: 'unmute', handle: 'bob' }],
  ['/ban bob', { kind: 'ban', handle: 'bob', reason: '' }],
  ['/ban bob 7d spam', { kind: 'ban', handle: 'bob', durationMs: 7 * 86_400_000, reason: 'spam' }],
  ['/ban bob 12H', { kind: 'ban', handle: 'bob', durationMs: 12 * 3_600_000, reason: '' }],
  ['/ban bob abuse of others', { kind: 'ban', handle: 'bob', reason: 'abuse of others' }],
  ['/ban bob 0d', { kind: 'ban', handle: 'bob', reason: '0d' }],
  ['/ban', usage('Usage: /ban <handle> [7d] [reason]')],
  ['/unban bob', { kind: 'unban', handle: 'bob' }],
  ['/unban', usage('Usage: /unban <handle>')],
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

  it('shows /announce and the moderation commands to sysops only', () => {
    const forCallers = helpLines({ sysop: false }).join('\n');
    for (const name of ['/announce', '/kick', '/mute', '/unmute', '/ban', '/unban']) {
      expect(forCallers).not.toContain(`${name} `);
      expect(helpLines({ sysop: true }).join('\n')).toContain(`${name} `);
    }
    expect(helpLines({ sysop: false })).toHaveLength(COMMAND_HELP.length - 6);
  });

  it('offers only commands that parse', () => {
    for (const entry of COMMAND_HELP.filter((e) => !e.usage.startsWith('//'))) {
      expect(parseCommand(entry.usage).kind).not.toBe('unknown');
    }
  });
});
