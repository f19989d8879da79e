/**
 * The registration stage of a call (a newcomer on `new@`): the form on the caller's screen, under
 * its own deadline, and the account it creates. Noted in the call while it is up: how the form
 * shows a notice (input dropped over the byte budget).
 */
import { handleProblem } from './chat/text.js';
import type { OfferedKey } from './ssh/auth.js';
import { passwordProblem } from './store/passwords.js';
import { StoreError, type User } from './store/store.js';
import { runRegistration } from './ui/registration.js';
import type { Call, End } from './session.js';

/** The new account, or undefined when the caller left the form. */
export async function registerNewcomer(call: Call, end: End, offeredKey: OfferedKey | undefined): Promise<User | undefined> {
  const { config, users } = call.deps;
  call.conn.setDeadline(config.connection.registration_minutes * 60_000, () => end('timeout'));
  const result = await runRegistration<User>(call.screen!, {
    bbsName: config.bbs.name,
    offeredKey: offeredKey && { algo: offeredKey.algo, fingerprint: offeredKey.fingerprint },
    checkHandle: (handle) => handleProblem(handle, config.auth.sysop_handles),
    handleTaken: async (handle) => ((await users.findByHandle(handle)) ? takenText(handle) : undefined),
    checkPassword: passwordProblem,
    notices: (show) => (call.formNotice = show),
    async register({ handle, password, bindKey }) {
      try {
        const key = bindKey && offeredKey ? { algo: offeredKey.algo, blob: offeredKey.blob } : undefined;
        const created = await users.create({ handle, password, key });
        call.conn.noteRegistered();
        call.log.info({ user: created.handle, key: key ? offeredKey!.fingerprint : undefined }, 'registered');
        return { ok: true, user: created };
      } catch (err) {
        if (err instanceof StoreError && err.code === 'ERR_HANDLE_TAKEN') {
          return { ok: false, field: 'handle', message: takenText(handle) };
        }
        if (err instanceof StoreError && err.code === 'ERR_KEY_TAKEN') {
          return { ok: false, field: 'handle', message: 'Your SSH key already belongs to an account: log in with that handle instead.' };
        }
        throw err;
      }
    },
  });
  call.formNotice = undefined;
  return result.kind === 'registered' ? result.user : undefined;
}

const takenText = (handle: string) => `The handle "${handle}" is taken. Please choose another.`;
