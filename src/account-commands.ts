/**
 * /passwd, /keys and /tz: a caller's own account, from inside the board. The password is asked on the
 * masked input line (old one first), checked and hashed by the UserStore like any login; nothing
 * typed there is logged, shown or kept in the line history.
 */
import type { Logger } from 'pino';
import type { AccountCommand } from './chat/member.js';
import { formatUtc } from './chat/who.js';
import { passwordProblem } from './store/passwords.js';
import { parsePublicKey } from './keys/openssh.js';
import { StoreError, type CommunityStore, type UserStore } from './store/store.js';
import type { Teleconference } from './ui/teleconference.js';

export interface AccountCommandDeps {
  userId: number;
  /** The handle the caller logged in with (a rename ends the call, so it holds for the call). */
  handle: string;
  users: UserStore;
  community: CommunityStore;
  tele: Teleconference;
  /** A line to this caller only. */
  tell(text: string): void;
  log: Logger;
}

/**
 * /keys and /tz settle when their answer is told (the member holds later lines until then). /passwd
 * runs beside the room and opens its question before it returns: a password typed right after the
 * command must reach the masked question, never the room.
 */
export function createAccountCommands(deps: AccountCommandDeps): (command: AccountCommand) => void | Promise<void> {
  const { users, tele, tell, log } = deps;
  let changing = false;

  async function changePassword(handle: string): Promise<void> {
    const old = await tele.askSecret('Current password: ');
    if (old === undefined) return tell('Password not changed.');
    if (!(await users.verifyPassword(handle, old))) return tell('That is not your current password. Password not changed.');
    const next = await tele.askSecret('New password: ');
    if (next === undefined) return tell('Password not changed.');
    const problem = passwordProblem(next);
    if (problem) return tell(`${problem} Password not changed.`);
    const again = await tele.askSecret('New password again: ');
    if (again !== next) return tell('The two new passwords differ. Password not changed.');
    await users.setPassword(handle, next);
    log.info('password changed by its owner');
    tell('Your password is changed.');
  }

  async function addKey(handle: string, text: string): Promise<void> {
    const parsed = parsePublicKey(text);
    if (!parsed.ok) return tell(parsed.error);
    if ((await users.findByKey(parsed.key.algo, parsed.key.blob))?.id === deps.userId) return tell(`You already have that key (${parsed.key.fingerprint}).`);
    try {
      await users.addKey(handle, parsed.key);
    } catch (err) {
      if (err instanceof StoreError && err.code === 'ERR_KEY_TAKEN') return tell(err.message);
      throw err;
    }
    log.info({ fingerprint: parsed.key.fingerprint }, 'key added by its owner');
    tell(`Key added: ${parsed.key.fingerprint}. It logs you in from now on.`);
  }

  async function keys(handle: string, remove: string | undefined): Promise<void> {
    if (remove !== undefined) {
      if (!(await deps.community.removeKey(deps.userId, remove))) return tell(`You have no key ${remove}. /keys lists yours.`);
      log.info({ fingerprint: remove }, 'key removed by its owner');
      return tell(`Key removed: ${remove}`);
    }
    const bound = await users.keysFor(handle);
    if (bound.length === 0) return tell('No SSH keys log you in. /keys add <your .pub line> binds one.');
    tell(`SSH keys that log you in (${bound.length}):`);
    for (const key of bound) tell(`  ${key.algo} ${key.fingerprint} ${key.comment} (added ${formatUtc(key.createdAt)})`.replace(/ {2,}\(/, ' ('));
    tell('/keys add <public key> binds another; /keys remove <fingerprint> unbinds one.');
  }

  async function timeZone(zone: string | undefined): Promise<void> {
    if (zone === undefined) {
      const current = await deps.community.timeZone(deps.userId);
      return tell(current ? `Times are shown in ${current}. /tz off shows the board's own.` : "Times are shown in the board's own zone. /tz <zone> changes it, e.g. /tz Europe/Paris.");
    }
    if (zone.toLowerCase() === 'off') {
      await deps.community.setTimeZone(deps.userId, undefined);
      tele.setTimeZone(undefined);
      return tell("Times are shown in the board's own zone again.");
    }
    const canonical = canonicalZone(zone);
    if (!canonical) return tell(`There is no time zone called ${zone}. Try a name like Europe/Paris, America/New_York or UTC.`);
    await deps.community.setTimeZone(deps.userId, canonical);
    tele.setTimeZone(canonical);
    tell(`Times are now shown in ${canonical}.`);
  }

  return (command) => {
    if (command.kind === 'keys' && command.add !== undefined) return addKey(deps.handle, command.add);
    if (command.kind === 'keys') return keys(deps.handle, command.remove);
    if (command.kind === 'tz') return timeZone(command.zone);
    if (changing) return;
    changing = true;
    changePassword(deps.handle)
      .catch((err: unknown) => {
        log.error({ err }, 'password change failed');
        tell('Sorry, your password could not be changed.');
      })
      .finally(() => {
        // Whatever was typed ahead for a question not asked is a secret too: it goes with the prompt.
        tele.endSecret();
        changing = false;
      });
  };
}

/** The zone's IANA name as Intl spells it, or undefined when there is no such zone. */
export function canonicalZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
