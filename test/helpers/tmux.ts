/**
 * Drives a real SSH client (OpenSSH, PuTTY's plink, dropbear's dbclient, a paramiko pipe) inside
 * tmux, on a private tmux server, the way a person types.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';

export interface TmuxSsh {
  /** send-keys: literal text; `enter` presses Enter after it. */
  type(text: string, options?: { enter?: boolean }): void;
  key(name: string): void;
  /** Pastes `text` the way a terminal does (bracketed when the program asked for it). */
  paste(text: string): void;
  screen(): string;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  kill(): void;
}

export function hasTmuxAndSsh(): boolean {
  try {
    execFileSync('tmux', ['-V']);
    execFileSync('ssh', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function sshInTmux(port: number, user: string, size = { cols: 100, rows: 30 }): TmuxSsh {
  const ssh = [
    'ssh', '-F', '/dev/null', '-p', String(port),
    '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
    '-o', 'PubkeyAuthentication=no', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none',
    `${user}@127.0.0.1`,
  ];
  return clientInTmux(ssh, size);
}

/** A Python that has paramiko: Debian's python3-paramiko is for the system Python, which a pyenv on the PATH hides. */
export function pythonWithParamiko(): string | undefined {
  return ['python3', '/usr/bin/python3'].find((python) => {
    try {
      execFileSync(python, ['-c', 'import paramiko'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Any client command line in tmux (arguments are quoted for the shell tmux starts). `env` is set
 * for the client only (tmux passes it with -e), e.g. dbclient's DROPBEAR_PASSWORD.
 */
export function clientInTmux(command: string[], size = { cols: 100, rows: 30 }, env: Record<string, string> = {}): TmuxSsh {
  const socket = `bbs-test-${randomBytes(4).toString('hex')}`;
  // stderr is kept with the error rather than printed: "no server running" once ssh has exited is expected.
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const line = command.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  tmux('new-session', '-d', '-s', 'call', ...envArgs, '-x', String(size.cols), '-y', String(size.rows), line);
  const api: TmuxSsh = {
    type(text, options = {}) {
      tmux('send-keys', '-t', 'call', '-l', text);
      if (options.enter) tmux('send-keys', '-t', 'call', 'Enter');
    },
    key: (name) => void tmux('send-keys', '-t', 'call', name),
    paste(text) {
      // -p: bracketed, as a terminal pastes when the program asked for it (mode 2004).
      tmux('set-buffer', '-b', 'clip', '--', text);
      tmux('paste-buffer', '-p', '-d', '-b', 'clip', '-t', 'call');
    },
    screen: () => {
      try {
        return tmux('capture-pane', '-p', '-t', 'call');
      } catch {
        return '';
      }
    },
    async waitFor(text, timeoutMs = 20_000) {
      await expect.poll(() => api.screen(), { timeout: timeoutMs, interval: 100 }).toMatch(text);
    },
    kill() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
  return api;
}
