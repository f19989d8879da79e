/**
 * Generates one set of host keys for the whole run (RSA generation is slow) and hands its folder to
 * the tests; each board copies it into its own temp dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadHostKeys } from '../../src/ssh/host-keys.js';

declare module 'vitest' {
  export interface ProvidedContext {
    hostKeysDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bbs-test-hostkeys-'));
  loadHostKeys(dir, { generate: true });
  project.provide('hostKeysDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
