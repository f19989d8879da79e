/**
 * The teleconference room: who is in it, who listens, and what was said lately. It knows nothing
 * of sockets, screens, databases or real time — callers are listeners, the clock is injected, the
 * history store and the bus are interfaces — so the whole room is unit-tested in memory.
 *
 * Every message goes out through the bus and is delivered when the bus hands it back, so several
 * rooms on one bus (other instances) see the same traffic. Direct messages and pages are handed only
 * to listeners subscribed with the user id of their sender or receiver; listeners without a user id
 * get room traffic only.
 */

import { createInProcessBus, type ChatBus } from './bus.js';
import { isPrivate, isReplayable, type ChatMessage } from './messages.js';
import { isValidHandle } from './text.js';

/**
 * What others may know of a participant beyond their name. It lives on the participant record (not
 * in a session) so that it travels with it wherever the room's member list is kept.
 */
export interface Presence {
  sysop?: boolean;
  /** Set by /away; cleared by the next line they type. */
  away?: { reason: string; since: number };
  /** Milliseconds since the epoch until which their lines do not reach the room. */
  mutedUntil?: number;
  /** Pages are not rung for them (/pager off). */
  pagerOff?: boolean;
  /** When they last typed a line (milliseconds since the epoch; joinedAt until then); for idle times. */
  lastActiveAt?: number;
}

export interface Participant extends Presence {
  userId: string;
  handle: string;
  node?: number;
  /** Milliseconds since the epoch, from the room's clock. */
  joinedAt: number;
}

/** Where replayable messages are kept between runs (SQLite lives elsewhere). */
export interface HistoryStore {
  /** Up to `limit` of the most recent messages, oldest first. */
  load(limit: number): ChatMessage[];
  append(message: ChatMessage): void;
}

export interface ChatManagerOptions {
  capacity: number;
  /** Milliseconds since the epoch; defaults to the system clock. */
  now?: () => number;
  /** How many replayable messages are kept for newcomers (default 50; 0 keeps none). */
  historyLimit?: number;
  history?: HistoryStore;
  bus?: ChatBus;
  /** A listener threw; delivery to the others went on. */
  onListenerError?: (error: unknown, message: ChatMessage) => void;
  /** history.append threw; the message was delivered all the same. */
  onHistoryError?: (error: unknown, message: ChatMessage) => void;
}

export type JoinResult = { ok: true } | { ok: false; error: string };
export type Listener = (message: ChatMessage) => void;

export const ROOM_FULL = 'Chat room is at capacity. Please try again later.';

interface Subscription {
  listener: Listener;
  userId: string | undefined;
  active: boolean;
}

export class ChatManager {
  readonly capacity: number;
  readonly historyLimit: number;
  private readonly clock: () => number;
  private readonly options: ChatManagerOptions;
  private readonly bus: ChatBus;
  private readonly detachBus: () => void;
  /** By user id, in join order. */
  private readonly present = new Map<string, Participant>();
  /** Lower-cased handle → user id. */
  private readonly userIds = new Map<string, string>();
  /**
   * Callers on the board kept outside a full room, by lower-cased handle: private lines and pages
   * still reach them, and they are not in participants() or the head count.
   */
  private readonly outside = new Map<string, { userId: string; handle: string }>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly recent: ChatMessage[];

  constructor(options: ChatManagerOptions) {
    this.options = options;
    this.capacity = options.capacity;
    this.historyLimit = Math.max(0, options.historyLimit ?? 50);
    this.clock = options.now ?? (() => Date.now());
    this.recent = this.loadHistory();
    this.bus = options.bus ?? createInProcessBus();
    this.detachBus = this.bus.subscribe((message) => this.deliver(message));
  }

  now(): number {
    return this.clock();
  }

  /** Hear the room. With a userId, also that user's direct messages and pages. Unsubscribing twice is fine. */
  subscribe(listener: Listener, options: { userId?: string } = {}): () => void {
    const subscription: Subscription = { listener, userId: options.userId, active: true };
    this.subscriptions.add(subscription);
    return () => {
      subscription.active = false;
      this.subscriptions.delete(subscription);
    };
  }

  /** Send a message to the room (and the other instances on the bus); no listeners is fine. */
  broadcast(message: ChatMessage): void {
    this.bus.publish(message);
    // Stored where it was said, once, even when many instances hear it.
    if (!this.options.history || this.historyLimit === 0 || !isReplayable(message)) return;
    try {
      this.options.history.append(message);
    } catch (error) {
      this.options.onHistoryError?.(error, message);
    }
  }

  /** Enter the room; the others hear "has joined" once. Joining again is a no-op. */
  join(userId: string, handle: string, details: { node?: number } & Presence = {}): JoinResult {
    if (this.present.has(userId)) return { ok: true };
    if (this.present.size >= this.capacity) return { ok: false, error: ROOM_FULL };
    // Handles reach other terminals as they are: only valid ones, and only one of each, get in.
    if (!isValidHandle(handle)) return { ok: false, error: 'That handle cannot be used in the chat.' };
    if (this.userIds.has(handle.toLowerCase())) {
      return { ok: false, error: `Someone called ${handle} is already in the room.` };
    }
    const joinedAt = this.clock();
    const participant: Participant = { ...details, userId, handle, joinedAt };
    this.present.set(userId, participant);
    this.userIds.set(handle.toLowerCase(), userId);
    this.outside.delete(handle.toLowerCase());
    this.broadcast({ kind: 'join', handle, at: joinedAt });
    return { ok: true };
  }

  /** Wait outside the full room: reachable by private lines and pages, not counted. */
  waitOutside(userId: string, handle: string): void {
    if (!this.present.has(userId)) this.outside.set(handle.toLowerCase(), { userId, handle });
  }

  /** Someone waiting outside, by handle in any case. */
  waitingOutside(handle: string): { userId: string; handle: string } | undefined {
    const waiting = this.outside.get(handle.toLowerCase());
    return waiting && { ...waiting };
  }

  /** Leave the room (the others hear "has left" once), or stop waiting outside it. */
  leave(userId: string): void {
    for (const [key, waiting] of this.outside) if (waiting.userId === userId) this.outside.delete(key);
    const participant = this.present.get(userId);
    if (!participant) return;
    this.present.delete(userId);
    this.userIds.delete(participant.handle.toLowerCase());
    this.broadcast({ kind: 'leave', handle: participant.handle, at: this.clock() });
  }

  /** Changes a participant's presence (undefined clears a field); nothing for someone not in the room. */
  updatePresence(userId: string, update: Presence): void {
    const participant = this.present.get(userId);
    if (!participant) return;
    for (const [key, value] of Object.entries(update) as Array<[keyof Presence, unknown]>) {
      if (value === undefined) delete participant[key];
      else Object.assign(participant, { [key]: value });
    }
  }

  /** Everyone in the room, in join order (copies). */
  participants(): Participant[] {
    return [...this.present.values()].map((p) => ({ ...p }));
  }

  participant(userId: string): Participant | undefined {
    const participant = this.present.get(userId);
    return participant && { ...participant };
  }

  /** The participant with this handle, whatever its case. */
  participantByHandle(handle: string): Participant | undefined {
    const userId = this.userIdForHandle(handle);
    return userId === undefined ? undefined : this.participant(userId);
  }

  isInChat(userId: string): boolean {
    return this.present.has(userId);
  }

  participantCount(): number {
    return this.present.size;
  }

  userIdForHandle(handle: string): string | undefined {
    return this.userIds.get(handle.toLowerCase());
  }

  /** The last historyLimit replayable messages, oldest first: never a direct message or a page. */
  recentHistory(): ChatMessage[] {
    return [...this.recent];
  }

  /** Stop hearing the bus (for a room that shares a bus and is going away). */
  close(): void {
    this.detachBus();
  }

  private loadHistory(): ChatMessage[] {
    if (!this.options.history || this.historyLimit === 0) return [];
    return this.options.history.load(this.historyLimit).filter(isReplayable).slice(-this.historyLimit);
  }

  private deliver(message: ChatMessage): void {
    if (isReplayable(message)) this.remember(message);
    const parties = isPrivate(message) ? this.partiesOf(message.from, message.to) : undefined;
    for (const subscription of [...this.subscriptions]) {
      if (!subscription.active) continue;
      if (parties && (subscription.userId === undefined || !parties.includes(subscription.userId))) continue;
      try {
        subscription.listener(message);
      } catch (error) {
        this.options.onListenerError?.(error, message);
      }
    }
  }

  private remember(message: ChatMessage): void {
    if (this.historyLimit === 0) return;
    this.recent.push(message);
    if (this.recent.length > this.historyLimit) this.recent.shift();
  }

  /** The user ids of a private message's two parties who are in this room or waiting outside it. */
  private partiesOf(from: string, to: string): string[] {
    const idOf = (handle: string) => this.userIdForHandle(handle) ?? this.outside.get(handle.toLowerCase())?.userId;
    return [idOf(from), idOf(to)].filter((id) => id !== undefined);
  }
}
