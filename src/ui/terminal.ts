/**
 * What ui/ needs from a caller's terminal. src/ssh/terminal.ts builds one from an ssh2 channel;
 * the tests build one from in-memory streams. A type only: it knows nothing of ssh2 or blessed.
 */
export interface Terminal {
  /** Keystrokes (already rate-limited by the ssh adapter). blessed may call setRawMode/isTTY on it. */
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  /** The channel: emits 'resize' (after columns/rows changed) and 'drain'. */
  output: NodeJS.WritableStream & {
    columns: number;
    rows: number;
    isTTY: boolean;
    writableLength: number;
    writableHighWaterMark?: number;
  };
  /** TERM as the client sent it — untrusted; mapped through safeTerm. */
  term: string;
}
