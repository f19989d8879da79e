/**
 * The one catalogue of the store's coded errors. Callers branch on `code`, never on the message;
 * the message is a sentence fit to show a sysop or a caller as it stands.
 */
export type StoreErrorCode =
  | 'ERR_HANDLE_TAKEN'
  | 'ERR_NO_SUCH_USER'
  | 'ERR_KEY_TAKEN'
  | 'ERR_BAD_INPUT'
  | 'ERR_DB_OPEN'
  | 'ERR_DB_MISSING'
  | 'ERR_DB_CORRUPT'
  | 'ERR_DB_TOO_NEW';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
