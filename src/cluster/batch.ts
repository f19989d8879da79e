/**
 * Messages sent over a worker's IPC channel in one turn of the event loop go as one. Each
 * process.send is a write to the pipe and a wake-up of the process at the other end (~50 µs of
 * CPU on a 2-core VM), and a login and its hang-up send a dozen between them, most in the same
 * turn: with 20 callers dialling at once, those writes were a tenth of the board's CPU. The
 * messages are sent in order, after this turn's I/O (setImmediate). A message somebody waits for
 * (a question a login needs answered, its answer) is `urgent`: it goes at once, with whatever was
 * queued before it.
 */
export interface Batch<T> {
  t: 'batch';
  messages: T[];
}

export function batchedSend<T>(send: (message: T | Batch<T>) => void, urgent: (message: T) => boolean): (message: T) => void {
  let queue: T[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (queue.length === 0) return;
    const messages = queue;
    queue = [];
    send(messages.length === 1 ? messages[0]! : { t: 'batch', messages });
  };
  return (message) => {
    queue.push(message);
    if (urgent(message)) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}

/** The messages a batch (or a single message) carries, in the order they were sent. */
export function unbatch<T extends { t: string }>(message: T | Batch<T>): T[] {
  return message.t === 'batch' ? (message as Batch<T>).messages : [message as T];
}
