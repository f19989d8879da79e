/**
 * Counts the room's messages and times their fan-out, from a subscription made before any
 * caller's: the room hands a message to its listeners in subscription order, so this one hears it
 * first. Screens that can draw at once queue their render with setImmediate while the message is
 * handed out; an immediate queued here runs after those (Node runs immediates in order), so the
 * time until it runs covers delivering the line and drawing it on every screen not mid-frame.
 * countLines is off in a worker: every worker hears every line, so its primary counts them.
 */
import type { ChatManager } from '../chat/chat-manager.js';
import type { BoardMetrics } from './board-metrics.js';

export function observeRoom(room: ChatManager, metrics: BoardMetrics, options: { countLines: boolean }): () => void {
  return room.subscribe((message) => {
    if (options.countLines) metrics.roomMessage(message.kind);
    const start = process.hrtime.bigint();
    setImmediate(() => metrics.fanOut(Number(process.hrtime.bigint() - start) / 1e9));
  });
}
