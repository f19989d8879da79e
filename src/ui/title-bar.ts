/**
 * The teleconference's title bar text: board, node, handle, head count and the clock, in the
 * caller's zone (named when they chose it with /tz). Laid out again only when the width, the head
 * count or the minute changed, since every frame asks for it.
 */
import { formatClock, formatTitle } from './message-lines.js';

/**
 * A head count, once shown, stays at least this long. A crowd arriving changes the count many
 * times a second, and a title that changed costs every screen a row of its own, encoded and
 * written beside the log's shared rows.
 */
export const COUNT_HOLD_MS = 1000;

export interface TitleInfo {
  bbsName: string;
  node: number;
  handle: string;
  now: () => number;
  roomCount(): number;
}

export class TitleBar {
  /** Every HH:MM is in this zone (the server's when undefined). */
  private zone: string | undefined;
  /** The zone's name in the title when the caller chose it; '' otherwise. */
  private label = '';
  /** The last title laid out, with what it was laid out from. */
  private made = { width: -1, count: -1, clock: '', label: '', text: '' };
  /** The count shown, and when (on the monotonic clock) it was first shown. */
  private shown = { count: -1, at: -Infinity };

  /**
   * `onHeld` hears, whenever the title is asked for while the count it shows is out of date, how
   * long until the new one may show: the screen must then draw again, or the old count would stay.
   */
  constructor(
    private readonly info: TitleInfo,
    zone: { timeZone?: string; showZone?: boolean },
    private readonly onHeld: (waitMs: number) => void = () => undefined,
  ) {
    this.zone = zone.timeZone;
    if (zone.showZone && zone.timeZone) this.label = zoneName(zone.timeZone);
  }

  get timeZone(): string | undefined {
    return this.zone;
  }

  /** Times from now on in this zone, named; undefined: the board's own, unnamed. */
  setZone(zone: string | undefined): void {
    this.zone = zone;
    this.label = zone ? zoneName(zone) : '';
  }

  text(width: number): string {
    const { bbsName, node, handle } = this.info;
    const count = this.count();
    const { label, made } = this;
    // Every screen asks every frame: compared piece by piece, so that no string is built to ask.
    const clock = formatClock(this.info.now(), this.zone);
    if (width === made.width && count === made.count && clock === made.clock && label === made.label) return made.text;
    const shown = label ? `${clock} ${label}` : clock;
    this.made = { width, count, clock, label, text: formatTitle({ bbsName, node, handle, count, clock: shown }, width) };
    return this.made.text;
  }

  /** Milliseconds until a new head count may be shown; 0: now. */
  countHeldFor(): number {
    return Math.max(0, this.shown.at + COUNT_HOLD_MS - performance.now());
  }

  private count(): number {
    const count = this.info.roomCount();
    if (count === this.shown.count) return count;
    const held = this.countHeldFor();
    if (held > 0) {
      this.onHeld(held);
      return this.shown.count;
    }
    this.shown = { count, at: performance.now() };
    return count;
  }
}

/** "CET", "GMT+9": the zone's short name at this moment. */
function zoneName(zone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'short' }).formatToParts(Date.now());
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
}
