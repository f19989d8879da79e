/**
 * Set-up alone, repeated: the real board (as `npm run bench` starts it) is called by N callers, 20
 * dialling at once by key, who then all hang up; then again, ROUNDS times. For A/B runs of the
 * login path: each round prints the set-up median and p95 and the board's and the bench's CPU,
 * without the full bench's 45-second quiet waits. Round 0 meets freshly started workers (their
 * code not yet optimised by V8): compare the later rounds. With --profile, the board's CPU
 * profile over round 1 onward (logins and hang-ups) is summarized at the end, the files kept.
 *
 *   npx tsx bench/setup-rounds.ts [--callers 200] [--rounds 4] [--profile]
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBoardProcess } from './board-process.js';
import { Crowd } from './crowd.js';
import { findProfiles, monotonicUs, summarizeProfiles } from './profile.js';
import { summarize } from './stats.js';
import { delay } from './timing.js';
import { createWorkspace } from './workspace.js';

/** After the board starts, and after each hang-up, so every round begins on a quiet board. */
const QUIET_MS = 4000;

const { values } = parseArgs({
  options: { callers: { type: 'string', default: '200' }, rounds: { type: 'string', default: '4' }, profile: { type: 'boolean', default: false } },
});
const callers = Number(values.callers);
const rounds = Number(values.rounds);
if (!(callers > 0 && rounds > 0)) throw new Error('--callers and --rounds take positive numbers');

const workspace = await createWorkspace({ accounts: callers * rounds, callers });
const profileDir = values.profile ? mkdtempSync(path.join(os.tmpdir(), 'ssh-bbs-setup-profile-')) : undefined;
const board = await startBoardProcess(workspace, { profileDir });
const crowd = new Crowd(board.port, workspace.accounts);
/** Round 0 is left out of the profile (see above); with one round it is all there is. */
const window = { fromUs: 0, toUs: Infinity };
try {
  await delay(QUIET_MS);
  for (let round = 0; round < rounds; round++) {
    if (round === Math.min(1, rounds - 1)) window.fromUs = monotonicUs();
    const boardBefore = board.cpuMs();
    const benchBefore = process.cpuUsage();
    const started = performance.now();
    const times = await crowd.grow(callers);
    const wallMs = performance.now() - started;
    const bench = process.cpuUsage(benchBefore);
    const setUp = summarize(times.map((t) => t.teleconferenceMs))!; // callers > 0: never empty
    const ms = (n: number) => n.toFixed(1);
    process.stdout.write(
      `round ${round}: connect → teleconference median ${ms(setUp.median)} ms, p95 ${ms(setUp.p95)}, max ${ms(setUp.max)}; ` +
        `wall ${(wallMs / 1000).toFixed(2)} s, board CPU ${((board.cpuMs() - boardBefore) / 1000).toFixed(2)} s, bench CPU ${((bench.user + bench.system) / 1e6).toFixed(2)} s\n`,
    );
    await crowd.hangUp();
    window.toUs = monotonicUs();
    await delay(QUIET_MS);
  }
} finally {
  await crowd.hangUp();
  await board.stop(); // the profile is written as the board exits
  workspace.remove();
}
// The profiles stay in profileDir (the summary names it) for a closer look.
if (profileDir) process.stdout.write(`\n${summarizeProfiles(findProfiles(profileDir), process.cwd(), window, 'logins and hang-ups', 30)}\n`);
