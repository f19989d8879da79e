/**
 * The sysop's command as a sysop runs it: bin/bbs.js in its own process, with only the
 * environment given (and PATH), `input` on its stdin, and its exit status and output collected.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runBbs(argv: string[], options: { cwd?: string; env: Record<string, string>; input?: string }): Promise<CliRun> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'bbs.js'), ...argv], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
