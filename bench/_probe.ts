import { startBoardProcess } from './board-process.js';
import { Crowd } from './crowd.js';
import { delay } from './timing.js';
import { createWorkspace } from './workspace.js';
const n = Number(process.argv[2] ?? 200);
const ws = await createWorkspace({ accounts: n + 5, callers: n });
const board = await startBoardProcess(ws);
await delay(1500);
const idle = board.memory().rssKb;
console.log('idle', idle);
const crowd = new Crowd(board.port, ws.accounts);
const t0 = Date.now();
await crowd.grow(n);
console.log('grown in', Date.now() - t0);
for (let i = 0; i < 16; i++) {
  await delay(2000);
  const m = board.memory().rssKb;
  console.log(`${(i + 1) * 2}s rss ${(m / 1024).toFixed(0)} MiB per caller ${((m - idle) / n).toFixed(0)} KiB`);
}
console.log('heap', await board.heap());
console.log('collected', await board.heap({ collect: true }));
console.log('rss after collect', ((board.memory().rssKb - idle) / n).toFixed(0));
await crowd.hangUp(); await board.stop(); ws.remove();
