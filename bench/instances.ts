/**
 * npm run bench:instances — only the multi-instance comparison of `npm run bench` (its
 * `instances` scenario): fan-out across N instances sharing Redis against one instance, with the
 * same callers. See ./multi-instance.ts. Bounded: a 5-minute limit; everything is removed at the end.
 *
 *   npm run bench:instances [-- --callers 60 --instances 3 --rounds 40]
 */
import { parseArgs } from 'node:util';
import { Cleanup } from './cleanup.js';
import { compareInstances, INSTANCE_LIMITS, renderInstances } from './multi-instance.js';

const RUN_LIMIT_MS = 5 * 60_000;

const { values } = parseArgs({ options: { callers: { type: 'string', default: '60' }, instances: { type: 'string', default: '3' }, rounds: { type: 'string', default: '40' } } });

function bounded(name: keyof typeof INSTANCE_LIMITS, value: string | undefined): number {
  const [min, max] = INSTANCE_LIMITS[name];
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

const cleanup = new Cleanup();
setTimeout(() => {
  process.stderr.write(`bench:instances: stopped after ${RUN_LIMIT_MS / 60_000} minutes, cleaning up\n`);
  void cleanup.run().then(() => process.exit(1));
}, RUN_LIMIT_MS).unref();
try {
  const results = await compareInstances({
    callers: bounded('callers', values.callers),
    instances: bounded('instances', values.instances),
    rounds: bounded('rounds', values.rounds),
    progress: (text) => process.stderr.write(`${text}\n`),
    cleanup,
  });
  process.stdout.write(`\n${renderInstances(results)}\n`);
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
