/**
 * The teleconference room: who is in it, who listens, and what was said lately. It knows nothing
 * of sockets, screens, databases or real time — callers are listeners, the clock is injected, the
 * history comes in loaded and goes out through a sink, and the bus is an interface — so the whole
 * room is unit-tested in memory.
 *
 * Every message goes out through the bus and is delivered when the bus hands it back, so several
 * rooms on one bus (other instances) see the same traffic. Direct messages and pages are handed only
 * to listeners subscribed with the user id of their sender or receiver; listeners without a user id
 * get room traffic only. Presence works the same way: seats, presence changes, callers waiting
 * outside a full room and lines for one caller go through the bus, and this room's copy of who is
 * where is what the bus reported, so every instance answers /who alike.
 */

import { createInProcessBus, type ChatBus } from './bus.js';
import { isPrivate, isReplayable, type ChatMessage } from './messages.js';
import { applyPresence, type JoinResult, type Participant, type Presence, type PresenceChange, type RoomEvent } from './roster.js';
import { isValidHandle } from './text.js';

export { ROOM_FULL, type JoinResult, type Participant, type Presence } from './roster.js';

/**
 * Where replayable messages go to be kept between runs. append returns at once: the adapter at the
 * edge does the I/O (in order) and reports its failures, so a broadcast never waits on a database.
 */
export interface HistorySink {
  append(message: ChatMessage): void;
}

export interface ChatManagerOptions {
  capacity: number;
  /** Milliseconds since the epoch; defaults to the system clock. */
  now?: () => number;
  /** How many replayable messages are kept for newcomers (default 50; 0 keeps none). */
  historyLimit?: number;
  /** What was kept from earlier runs, oldest first, loaded before the room is made: the core does no I/O. */
  initialHistory?: readonly ChatMessage[];
  history?: HistorySink;
  bus?: ChatBus;
  /** A listener threw; delivery to the others went on. */
  onListenerError?: (error: unknown, message: ChatMessage) => void;
  /** history.append threw at once; the message was delivered all the same. */
  onHistoryError?: (error: unknown, message: ChatMessage) => void;
}

export type Listener = (message: ChatMessage) => void;

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
  /** Everyone in the room, on any instance, by user id in join order: as the bus reported it. */
  private readonly present = new Map<string, Participant>();
  /** Lower-cased handle → user id. */
  private readonly userIds = new Map<string, string>();
  /** The seats this room took, by user id: only these does leave() give back. */
  private readonly ownSeats = new Map<string, string>();
  /**
   * Callers on any instance kept outside a full room, by lower-cased handle, as the bus reported
   * them: private lines and pages still reach them, and they are not in participants() or the head count.
   */
  private readonly outside = new Map<string, { userId: string; handle: string }>();
  /** Those of them this room put outside: only these does leave() stop. */
  private readonly ownWaiting = new Set<string>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly recent: ChatMessage[];

  constructor(options: ChatManagerOptions) {
    this.options = options;
    this.capacity = options.capacity;
    this.historyLimit = Math.max(0, options.historyLimit ?? 50);
    this.clock = options.now ?? (() => Date.now());
    this.recent = this.loadHistory();
    this.bus = options.bus ?? createInProcessBus();
    this.detachBus = this.bus.subscribe((event) => this.onEvent(event));
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

  /**
   * Enter the room; the others hear "has joined" once. Joining again is a no-op. The seat is
   * decided by the bus's authority (capacity, one handle once), so the answer may take a moment.
   */
  async join(userId: string, handle: string, details: { node?: number } & Presence = {}): Promise<JoinResult> {
    if (this.ownSeats.has(userId)) return { ok: true };
    // Handles reach other terminals as they are: only valid ones get in.
    if (!isValidHandle(handle)) return { ok: false, error: 'That handle cannot be used in the chat.' };
    const participant: Participant = { ...details, userId, handle, joinedAt: this.clock() };
    const result = await this.bus.join(participant, this.capacity);
    if (!result.ok) return result;
    this.ownSeats.set(userId, result.seat);
    this.ownWaiting.delete(userId);
    return { ok: true };
  }

  /** Wait outside the full room: reachable by private lines and pages from every room, not counted. */
  waitOutside(userId: string, handle: string): void {
    if (this.ownSeats.has(userId)) return;
    this.ownWaiting.add(userId);
    this.bus.wait(userId, handle);
  }

  /** Someone waiting outside, by handle in any case. */
  waitingOutside(handle: string): { userId: string; handle: string } | undefined {
    const waiting = this.outside.get(handle.toLowerCase());
    return waiting && { ...waiting };
  }

  /** Leave the room (the others hear "has left" once), or stop waiting outside it. */
  leave(userId: string): void {
    if (this.ownWaiting.delete(userId)) this.bus.stopWaiting(userId);
    const seat = this.ownSeats.get(userId);
    if (seat === undefined) return;
    this.ownSeats.delete(userId);
    this.bus.leave(userId, seat, this.clock());
  }

  /**
   * Changes a participant's presence (undefined clears a field) for every room on the bus; nothing
   * for someone not in the room. This room's copy changes at once, so the caller's next line sees
   * it; the bus's 'updated' then brings the same change to every room, this one included.
   */
  updatePresence(userId: string, update: Presence): void {
    const participant = this.present.get(userId);
    if (participant?.seat === undefined) return;
    const change: PresenceChange = {};
    for (const [key, value] of Object.entries(update) as Array<[keyof Presence, unknown]>) {
      Object.assign(change, { [key]: value ?? null });
    }
    applyPresence(participant, change);
    this.bus.update(userId, participant.seat, change);
  }

  /** A line from the board to one caller (e.g. "you are muted"), on whichever instance they listen. */
  notify(userId: string, text: string): void {
    this.bus.notify(userId, text, this.clock());
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
    if (!this.options.initialHistory || this.historyLimit === 0) return [];
    return this.options.initialHistory.filter(isReplayable).slice(-this.historyLimit);
  }

  private onEvent(event: RoomEvent): void {
    switch (event.type) {
      case 'message':
        return this.deliver(event.message);
      case 'joined':
        return this.seated(event.participant);
      case 'waiting':
        this.forgetWaiting(event.userId);
        this.outside.set(event.handle.toLowerCase(), { userId: event.userId, handle: event.handle });
        return;
      case 'stopped-waiting':
        return this.forgetWaiting(event.userId);
      case 'notice':
        return this.deliver({ kind: 'system', text: event.text, official: false, at: event.at }, [event.userId]);
      default:
        return this.seatChanged(event);
    }
  }

  private seated(heard: Participant): void {
    // A copy: rooms sharing an in-process bus are handed the same event, and presence changes it.
    const participant = { ...heard };
    this.present.set(participant.userId, participant);
    this.userIds.set(participant.handle.toLowerCase(), participant.userId);
    this.forgetWaiting(participant.userId);
  }

  /** A seat's presence changed, or it was given back; an event for an old seat does nothing. */
  private seatChanged(event: Extract<RoomEvent, { type: 'updated' | 'left' }>): void {
    const participant = this.present.get(event.userId);
    if (!participant || participant.seat !== event.seat) return;
    if (event.type === 'updated') return applyPresence(participant, event.change);
    this.present.delete(event.userId);
    this.userIds.delete(participant.handle.toLowerCase());
    // Another instance took this account's seat over: this room's claim on it is gone too.
    if (this.ownSeats.get(event.userId) === event.seat) this.ownSeats.delete(event.userId);
  }

  /** One entry per waiting account: it goes when they wait again, stop, or get a seat. */
  private forgetWaiting(userId: string): void {
    for (const [key, waiting] of this.outside) if (waiting.userId === userId) this.outside.delete(key);
  }

  /** To every listener, or with `only` to those listening for these user ids (never remembered then). */
  private deliver(message: ChatMessage, only?: string[]): void {
    if (!only && isReplayable(message)) this.remember(message);
    const parties = only ?? (isPrivate(message) ? this.partiesOf(message.from, message.to) : undefined);
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
