import { afterEach, describe, expect, it } from 'vitest';
import { handleProblem } from '../../src/chat/text.js';
import { createBbsScreen, type BbsScreen } from '../../src/ui/screen.js';
import { runRegistration, type RegistrationDeps, type RegistrationResult } from '../../src/ui/registration.js';
import { createFakeTerminal, type FakeTerminal } from '../helpers/virtual-terminal.js';

interface User {
  id: number;
  handle: string;
}
type RegisterInput = Parameters<RegistrationDeps<User>['register']>[0];
type RegisterOutcome = Awaited<ReturnType<RegistrationDeps<User>['register']>>;

const FINGERPRINT = 'SHA256:6WQx3mMZ5ZAbnrQxbwM1Xc8f0pCfDLhgpvyv7Q6bqS4';

/** A board with one taken handle ("taken"), recording every registration it was asked for. */
function board(options: { offeredKey?: boolean; register?: (input: RegisterInput) => Promise<RegisterOutcome> } = {}) {
  const calls: RegisterInput[] = [];
  const deps: RegistrationDeps<User> = {
    bbsName: 'Test {bold}BBS{/bold}',
    ...(options.offeredKey ? { offeredKey: { algo: 'ssh-ed25519', fingerprint: FINGERPRINT } } : {}),
    checkHandle: (handle) => handleProblem(handle, ['sysop']),
    checkPassword: (password) => (password.length < 8 ? 'Passwords are at least 8 characters long.' : undefined),
    register: async (input) => {
      calls.push(input);
      if (options.register) return options.register(input);
      if (input.handle.toLowerCase() === 'taken') {
        return { ok: false, field: 'handle', message: `The handle "${input.handle}" is taken. Please choose another.` };
      }
      return { ok: true, user: { id: calls.length, handle: input.handle } };
    },
  };
  return { deps, calls };
}

const opened: Array<{ fake: FakeTerminal; bbs: BbsScreen }> = [];

function start(deps: RegistrationDeps<User>, cols = 80, rows = 24) {
  const fake = createFakeTerminal(cols, rows);
  const bbs = createBbsScreen(fake.terminal);
  opened.push({ fake, bbs });
  let settled: RegistrationResult<User> | undefined;
  const result = runRegistration(bbs, deps).then((r) => (settled = r));
  return { fake, bbs, vt: fake.vt, result, settled: () => settled };
}

afterEach(() => {
  for (const { fake, bbs } of opened.splice(0)) {
    bbs.destroy();
    fake.dispose();
  }
});

const rowOf = (lines: string[], text: string) => lines.findIndex((line) => line.includes(text));

describe('runRegistration', () => {
  it('registers a newcomer who fills in the form', async () => {
    const { deps, calls } = board();
    const { fake, vt, result } = start(deps);
    await vt.waitFor('New user registration — Test {bold}BBS{/bold}');
    await vt.waitFor('Handles: 2-16 letters, digits, _, -');
    fake.type('alice\rpassword1\rpassword1\r');
    await expect(result).resolves.toEqual({ kind: 'registered', user: { id: 1, handle: 'alice' } });
    expect(calls).toEqual([{ handle: 'alice', password: 'password1', bindKey: false }]);
    await vt.until(() => !vt.text().includes('New user registration'), 'the form to go');
  });

  it('never shows a password, only one * per character', async () => {
    const { deps } = board();
    const { fake, vt } = start(deps);
    fake.type('alice\rhunter22');
    await vt.waitFor('********');
    expect(vt.text()).not.toContain('hunter22');
  });

  it('explains a bad handle and keeps the cursor in the handle field', async () => {
    const { deps, calls } = board();
    const { fake, vt } = start(deps);
    fake.type('a\r');
    await vt.waitFor('Handles are at least 2 characters long.');
    await vt.settled();
    expect(vt.cursor().y).toBe(rowOf(vt.lines(), 'Handle:'));
    fake.type('\x15sysop\r');
    await vt.waitFor('The handle "sysop" is reserved.');
    expect(calls).toEqual([]);
  });

  it('shows what register() says about a taken handle and goes back to the handle', async () => {
    const { deps, calls } = board();
    const { fake, vt, result } = start(deps);
    fake.type('taken\rpassword1\rpassword1\r');
    await vt.waitFor('The handle "taken" is taken. Please choose another.');
    await vt.settled();
    expect(vt.cursor().y).toBe(rowOf(vt.lines(), 'Handle:'));
    fake.type('\x15bob\r\r\r');
    await expect(result).resolves.toMatchObject({ kind: 'registered', user: { handle: 'bob' } });
    expect(calls.map((c) => c.handle)).toEqual(['taken', 'bob']);
  });

  it('clears both passwords and starts them again when they do not match', async () => {
    const { deps, calls } = board();
    const { fake, vt, result } = start(deps);
    fake.type('alice\rpassword1\rpassword2\r');
    await vt.waitFor('The two passwords do not match. Please type them again.');
    await vt.settled();
    expect(vt.text()).not.toContain('*');
    expect(vt.cursor().y).toBe(rowOf(vt.lines(), 'Password:'));
    fake.type('password3\rpassword3\r');
    await expect(result).resolves.toMatchObject({ kind: 'registered' });
    expect(calls).toEqual([{ handle: 'alice', password: 'password3', bindKey: false }]);
  });

  it('clears both passwords when the password is too weak', async () => {
    const { deps } = board();
    const { fake, vt } = start(deps);
    fake.type('alice\rshort\r');
    await vt.waitFor('Passwords are at least 8 characters long.');
    expect(vt.text()).not.toContain('*');
  });

  it('checks every field on submit, even ones skipped with Tab', async () => {
    const { deps, calls } = board();
    const { fake, vt } = start(deps);
    fake.type('\t\tpassword1\r');
    await vt.waitFor('The two passwords do not match.');
    fake.type('password1\rpassword1\r');
    await vt.waitFor('Handles are at least 2 characters long.');
    expect(calls).toEqual([]);
  });

  it.each([
    ['Esc', '\x1b'],
    ['Ctrl-C', '\x03'],
  ])('%s cancels', async (_name, key) => {
    const { deps, calls } = board();
    const { fake, vt, result } = start(deps);
    fake.type('alice');
    await vt.waitFor('alice');
    fake.type(key);
    await expect(result).resolves.toEqual({ kind: 'cancelled' });
    expect(calls).toEqual([]);
  });

  it('asks about the offered key and passes the answer on', async () => {
    const { deps, calls } = board({ offeredKey: true });
    const { fake, vt, result } = start(deps);
    await vt.waitFor(FINGERPRINT);
    await vt.waitFor('[Y/n] Y');
    fake.type('alice\rpassword1\rpassword1\rn');
    await vt.waitFor('[Y/n] n');
    fake.type('\r');
    await expect(result).resolves.toMatchObject({ kind: 'registered' });
    expect(calls).toEqual([{ handle: 'alice', password: 'password1', bindKey: false }]);
  });

  it('binds the key by default', async () => {
    const { deps, calls } = board({ offeredKey: true });
    const { fake, result } = start(deps);
    fake.type('alice\rpassword1\rpassword1\r\r');
    await expect(result).resolves.toMatchObject({ kind: 'registered' });
    expect(calls[0]?.bindKey).toBe(true);
  });

  it('says it is creating the account and ignores keys meanwhile', async () => {
    let finish!: (outcome: RegisterOutcome) => void;
    const { deps, calls } = board({ register: () => new Promise((resolve) => (finish = resolve)) });
    const { fake, vt, result, settled } = start(deps);
    fake.type('alice\rpassword1\rpassword1\r');
    await vt.waitFor('Creating your account…');
    fake.type('\x1bzzz\r');
    await vt.settled();
    expect(settled()).toBeUndefined();
    expect(calls).toHaveLength(1);
    finish({ ok: true, user: { id: 7, handle: 'alice' } });
    await expect(result).resolves.toEqual({ kind: 'registered', user: { id: 7, handle: 'alice' } });
  });

  it('rejects when register() fails', async () => {
    const { deps } = board({ register: () => Promise.reject(new Error('disk on fire')) });
    const { fake, result } = start(deps);
    fake.type('alice\rpassword1\rpassword1\r');
    await expect(result).rejects.toThrow('disk on fire');
  });

  it('shows typed blessed tags as text', async () => {
    const { deps } = board();
    const { fake, vt } = start(deps);
    fake.type('{red-fg}x{/}');
    await vt.waitFor('{red-fg}x{/}');
  });

  it('fits a 40x12 screen with the key question and a message', async () => {
    const { deps } = board({ offeredKey: true });
    const { fake, vt } = start(deps, 40, 12);
    fake.type('a\r');
    await vt.waitFor('Handles are at least 2 characters');
    for (const text of ['Handle:', 'Password:', 'Password again:', 'next time? [Y/n] Y', 'SHA256:6W…']) expect(vt.text()).toContain(text);
  });

  it('re-lays out when the window changes size', async () => {
    const { deps } = board();
    const { fake, vt } = start(deps, 80, 24);
    await vt.waitFor('Password again:');
    const wide = rowOf(vt.lines(), 'Handle:');
    fake.resize(40, 12);
    await vt.until(() => rowOf(vt.lines(), 'Handle:') !== wide && vt.text().includes('Password again:'), 'the form to move');
    expect(vt.lines().every((line) => line.length <= 40)).toBe(true);
  });
});

describe('runRegistration and destroy', () => {
  it('settles as cancelled when the screen is destroyed, leaving no key listener behind', async () => {
    const { deps } = board();
    const { bbs, vt, result } = start(deps);
    await vt.waitFor('Handle:');
    const program = bbs.screen.program as unknown as NodeJS.EventEmitter;
    expect(program.listenerCount('keypress')).toBeGreaterThan(0);
    bbs.destroy();
    await expect(result).resolves.toEqual({ kind: 'cancelled' });
    expect(program.listenerCount('keypress')).toBe(0);
  });

  it('settles as cancelled when destroyed while register() runs, and ignores the late answer', async () => {
    let finish!: (outcome: RegisterOutcome) => void;
    const { deps } = board({ register: () => new Promise((resolve) => (finish = resolve)) });
    const { fake, bbs, vt, result } = start(deps);
    fake.type('alice\rpassword1\rpassword1\r');
    await vt.waitFor('Creating your account…');
    bbs.destroy();
    await expect(result).resolves.toEqual({ kind: 'cancelled' });
    finish({ ok: true, user: { id: 1, handle: 'alice' } });
    await expect(result).resolves.toEqual({ kind: 'cancelled' });
  });

  it('is cancelled at once on a screen already destroyed', async () => {
    const { deps } = board();
    const fake = createFakeTerminal(40, 12);
    const bbs = createBbsScreen(fake.terminal);
    opened.push({ fake, bbs });
    bbs.destroy();
    await expect(runRegistration(bbs, deps)).resolves.toEqual({ kind: 'cancelled' });
  });

  it('says a handle is taken once Enter leaves it, and brings the cursor back while no password is typed', async () => {
    const { deps, calls } = board();
    const { fake, vt } = start({ ...deps, handleTaken: async (h) => (h === 'taken' ? 'The handle "taken" is taken. Please choose another.' : undefined) });
    fake.type('taken\r');
    await vt.waitFor('The handle "taken" is taken. Please choose another.');
    await vt.settled();
    expect(vt.cursor().y).toBe(rowOf(vt.lines(), 'Handle:'));
    expect(calls).toEqual([]);
  });

  it('leaves a password typed before the answer where it was typed: the answer shows, the cursor stays', async () => {
    const { deps } = board();
    let answer!: (message: string | undefined) => void;
    const { fake, vt } = start({ ...deps, handleTaken: () => new Promise((resolve) => (answer = resolve)) });
    fake.type('taken\rhunter22');
    await vt.waitFor('********');
    answer('The handle "taken" is taken. Please choose another.');
    await vt.waitFor('The handle "taken" is taken. Please choose another.');
    await vt.settled();
    expect(vt.cursor().y).toBe(rowOf(vt.lines(), 'Password:'));
    expect(vt.text()).not.toContain('hunter22');
  });
});
