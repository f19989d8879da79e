/**
 * Typed lines handled one after another, in order, even when handling one waits for the directory
 * (a /msg to someone absent, /users, /ban): the lines typed meanwhile wait behind it, so what the
 * caller reads answers their lines in the order they typed them. A line whose handling does not
 * wait is handled at once, within the call: the room's hot path stays synchronous.
 */

/** What handling a line gives back: nothing when it is done, a promise when it waits. */
export type Handled = void | Promise<void>;

const DONE: Promise<void> = Promise.resolve();

/** `onFailure` hears a line whose handling rejected; the returned promises reject only if it throws. */
export function inOrder<T>(handle: (line: T) => Handled, onFailure: (error: unknown) => void): (line: T) => Promise<void> {
  /** The latest line still being handled; undefined when none is. */
  let pending: Promise<void> | undefined;
  return (line) => {
    const next = pending ? pending.then(() => handle(line)) : handle(line);
    if (!next) return DONE;
    const settled = next.catch(onFailure);
    pending = settled;
    const forget = () => {
      if (pending === settled) pending = undefined;
    };
    settled.then(forget, forget);
    return settled;
  };
}
