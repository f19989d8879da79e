#!/usr/bin/env node
// Runs before `npm test`: the suite loads better-sqlite3 13, which needs Node.js 22.12 or newer
// (on Node 20 it crashes the process in garbage collection). Say so in words, and how to get a
// supported Node on a machine whose own is older, instead of letting vitest die mid-run.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `npm test needs Node.js 22.12 or newer; this is ${process.version}.\n` +
      'Run it with the Node the Docker image uses: .ci/node.sh -- npm test\n',
  );
  process.exit(1);
}
