/**
 * blessed adds listeners to the streams it is given and marks them with properties
 * (`_blessedInput`, `_keypressDecoder`, …) that make a later program skip its own set-up. The
 * listeners that appeared while the program and screen were being made are blessed's; destroy()
 * removes exactly those (never one the session added) and the marks, so both streams are as
 * they were and the session can put up another screen on the same channel.
 */
import type { Terminal } from './terminal.js';

type Listener = (...args: unknown[]) => void;
export type AddedListeners = Array<{ stream: NodeJS.EventEmitter; event: string | symbol; listener: Listener }>;

const BLESSED_STREAM_MARKS = [
  '_blessedInput',
  '_blessedOutput',
  '_keypressDecoder',
  '_keypressHandler',
  '_dataHandler',
  '_resizeHandler',
] as const;

export function streamsOf(terminal: Terminal): NodeJS.EventEmitter[] {
  return [terminal.input, terminal.output];
}

export function listenersOf(stream: NodeJS.EventEmitter): Map<string | symbol, Listener[]> {
  return new Map(stream.eventNames().map((event) => [event, stream.listeners(event) as Listener[]]));
}

export function listenersAddedSince(terminal: Terminal, before: Map<string | symbol, Listener[]>[]): AddedListeners {
  return streamsOf(terminal).flatMap((stream, i) =>
    [...listenersOf(stream)].flatMap(([event, now]) =>
      now
        .filter((listener) => !(before[i]?.get(event) ?? []).includes(listener))
        .map((listener) => ({ stream, event, listener })),
    ),
  );
}

export function removeBlessedTraces(terminal: Terminal, added: AddedListeners): void {
  for (const { stream, event, listener } of added) stream.removeListener(event, listener);
  for (const stream of streamsOf(terminal)) {
    const marked = stream as unknown as Record<string, unknown>;
    for (const mark of BLESSED_STREAM_MARKS) delete marked[mark];
  }
}
