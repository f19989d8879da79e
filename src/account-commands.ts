/**
 * /passwd, /keys, /tz and /color: a caller's own account, from inside the board. The password is asked on the
 * masked input line (old one first), checked and hashed by the UserStore like any login; nothing
 * typed there is logged, shown or kept in the line history.
 */
import type { Logger } from 'pino';
import type { AccountCommand } from './chat/member.js';
import { defaultHandleColor, HANDLE_COLORS, handleColorOf, isHandleColor, type HandleColor } from './chat/handle-color.js';
import { formatUtc } from './chat/who.js';
import { passwordProblem } from './store/passwords.js';
import { parsePublicKey } from './keys/openssh.js';
import { StoreError, type CommunityStore, type UserStore } from './store/store.js';
import type { Teleconference } from './ui/teleconference-api.js';

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
  /** A key this caller's client proved at login (a verified signature), not bound then: `/keys add` binds it. */
  provenKey?: { algo: string; blob: Buffer; fingerprint: string };
  /** /color changed the caller's handle colour (undefined: back to its default): stamp it on what they say next. */
  setHandleColor(color: HandleColor | undefined): void;
}

/**
 * /keys, /tz and /color settle when their answer is told (the member holds later lines until then). /passwd
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

  async function addPastedKey(handle: string, text: string): Promise<void> {
    const parsed = parsePublicKey(text);
    if (!parsed.ok) return tell(parsed.error);
    await addKey(handle, parsed.key, `Key added: ${parsed.key.fingerprint}.`);
  }

  /** Only a key whose signature auth verified on this very connection: its holder is the caller. */
  async function addKeyInUse(handle: string): Promise<void> {
    const key = deps.provenKey;
    if (!key) return tell('Your client proved no key at login that is not already yours. Paste the key instead: /keys add <your .pub line>');
    await addKey(handle, { ...key, comment: '' }, `Key added: ${key.algo} ${key.fingerprint}, the key your client offered at login.`);
  }

  async function addKey(handle: string, key: { algo: string; blob: Buffer; fingerprint: string; comment: string }, added: string): Promise<void> {
    if ((await users.findByKey(key.algo, key.blob))?.id === deps.userId) return tell(`You already have that key (${key.fingerprint}).`);
    try {
      await users.addKey(handle, key);
    } catch (err) {
      if (err instanceof StoreError && err.code === 'ERR_KEY_TAKEN') return tell(err.message);
      throw err;
    }
    log.info({ fingerprint: key.fingerprint }, 'key added by its owner');
    tell(`${added} It logs you in from now on; /keys remove ${key.fingerprint} unbinds it.`);
  }

  async function keys(handle: string, remove: string | undefined): Promise<void> {
    if (remove !== undefined) {
      if (!(await deps.community.removeKey(deps.userId, remove))) return tell(`You have no key ${remove}. /keys lists yours.`);
      log.info({ fingerprint: remove }, 'key removed by its owner');
      return tell(`Key removed: ${remove}`);
    }
    const bound = await users.keysFor(handle);
    const inUse = deps.provenKey ? ` /keys add alone binds the key your client offered at login (${deps.provenKey.fingerprint}).` : '';
    if (bound.length === 0) return tell(`No SSH keys log you in. /keys add <your .pub line> binds one.${inUse}`);
    tell(`SSH keys that log you in (${bound.length}):`);
    for (const key of bound) tell(`  ${key.algo} ${key.fingerprint} ${key.comment} (added ${formatUtc(key.createdAt)})`.replace(/ {2,}\(/, ' ('));
    tell(`/keys add <public key> binds another; /keys remove <fingerprint> unbinds one.${inUse}`);
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

  async function handleColor(handle: string, name: string | undefined): Promise<void> {
    const choices = `Colours: ${HANDLE_COLORS.join(', ')}; /color off gives back your own.`;
    if (name === undefined) {
      const chosen = await deps.community.handleColor(deps.userId);
      return tell(`Your handle is shown in ${handleColorOf(handle, chosen)}${isHandleColor(chosen) ? '' : ' (its own colour)'}. ${choices}`);
    }
    const wanted = name.toLowerCase();
    if (wanted === 'off') {
      await deps.community.setHandleColor(deps.userId, undefined);
      deps.setHandleColor(undefined);
      return tell(`Your handle is shown in its own colour again, ${defaultHandleColor(handle)}.`);
    }
    if (!isHandleColor(wanted)) return tell(`There is no colour called ${name}. ${choices}`);
    await deps.community.setHandleColor(deps.userId, wanted);
    deps.setHandleColor(wanted);
    tell(`Your handle is now shown in ${wanted}, from your next line on.`);
  }

  return (command) => {
    if (command.kind === 'color') return handleColor(deps.handle, command.name);
    if (command.kind === 'keys' && command.inUse) return addKeyInUse(deps.handle);
    if (command.kind === 'keys' && command.add !== undefined) return addPastedKey(deps.handle, command.add);
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
