#!/usr/bin/env node
// `bbs …` — the sysop's CLI (npx bbs in the repo, bbs in the container). In a checkout it runs
// src/cli.ts through tsx, so it never lags behind the source; in the image, where only dist/ is
// shipped, it runs the compiled copy. The logic stays in src/cli.ts, where it is typed and tested.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli.ts', import.meta.url);
const built = new URL('../dist/cli.js', import.meta.url);

async function entry() {
  if (existsSync(fileURLToPath(source))) {
    try {
      const { register } = await import('tsx/esm/api');
      register();
      return source;
    } catch {
      // no tsx (production install): use the compiled copy
    }
  }
  return existsSync(fileURLToPath(built)) ? built : undefined;
}

const url = await entry();
if (!url) {
  process.stderr.write('bbs: dist/cli.js is missing. Run "npm run build" first.\n');
  process.exit(1);
}
const { main } = await import(url.href);
await main();
