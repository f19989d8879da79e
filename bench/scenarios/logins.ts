/**
 * Password logins, one at a time on an otherwise idle board: dominated by argon2id verification,
 * and measured apart from the key logins the rest of the bench uses. Each caller hangs up before
 * the next dials, so the board is never busy with anything else.
 */
import { BenchCaller } from '../caller.js';
import type { Crowd } from '../crowd.js';
import { summarize, type Summary } from '../stats.js';

export interface LoginTimes {
  authenticated?: Summary;
  teleconference?: Summary;
}

export async function timeLogins(port: number, crowd: Crowd, count: number, method: 'password' | 'publickey'): Promise<LoginTimes> {
  const authenticated: number[] = [];
  const teleconference: number[] = [];
  for (let i = 0; i < count; i++) {
    const account = crowd.takeAccount();
    const credentials = method === 'password' ? { password: account.password } : { privateKey: account.privateKey };
    const { caller, times } = await BenchCaller.connect({ port, handle: account.handle, localAddress: account.localAddress, ...credentials });
    authenticated.push(times.authenticatedMs);
    teleconference.push(times.teleconferenceMs);
    await caller.close();
  }
  return { authenticated: summarize(authenticated), teleconference: summarize(teleconference) };
}
