/** Which programs this machine has: no vitest here, so the bench can ask too. */
import { execFileSync } from 'node:child_process';

/** Is this program on the PATH? */
export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
