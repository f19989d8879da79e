/**
 * What the user store accepts, checked before anything is written, so the board and the CLI
 * cannot store a bad handle, password or key; and a UNIQUE violation turned into the StoreError a
 * caller expects. Every refusal is a StoreError with a sentence fit to show as it stands.
 */
import { handleProblem, isValidHandle } from '../chat/text.js';
import { StoreError } from './errors.js';
import { passwordProblem } from './passwords.js';
import type { NewKey } from './store.js';

/** The longest public key blob we keep (an RSA 16384-bit key is about 2 KB). */
const MAX_KEY_BLOB = 16 * 1024;

export function checkHandle(handle: string): void {
  if (typeof handle !== 'string' || !isValidHandle(handle)) {
    const problem = typeof handle === 'string' ? handleProblem(handle) : undefined;
    throw new StoreError('ERR_BAD_INPUT', problem ?? 'Handles are 2-16 letters, digits, "_" or "-".');
  }
}

export function checkPassword(password: string): void {
  const problem = typeof password === 'string' ? passwordProblem(password) : 'A password is required.';
  if (problem) throw new StoreError('ERR_BAD_INPUT', problem);
}

export function checkKey(key: NewKey): void {
  const algoOk = typeof key.algo === 'string' && /^[\x21-\x7e]{1,64}$/.test(key.algo);
  const blobOk = Buffer.isBuffer(key.blob) && key.blob.length > 0 && key.blob.length <= MAX_KEY_BLOB;
  if (!algoOk || !blobOk) throw new StoreError('ERR_BAD_INPUT', 'That is not a usable public key.');
}

/** Runs an insert; a UNIQUE violation becomes the StoreError `onTaken` makes. */
export function runUnique<T>(insert: () => T, onTaken: () => StoreError): T {
  try {
    return insert();
  } catch (err) {
    if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw onTaken();
    throw err;
  }
}

export function handleTaken(handle: string): StoreError {
  return new StoreError('ERR_HANDLE_TAKEN', `The handle "${handle}" is taken.`);
}
