/**
 * The teleconference's title bar text: board, node, handle, head count and the clock, in the
 * caller's zone (named when they chose it with /tz). Laid out again only when the width, the head
 * count or the minute changed, since every frame asks for it.
 */
import { formatClock, formatTitle } from './message-lines.js';

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
  private made = { key: '', text: '' };

  constructor(
    private readonly info: TitleInfo,
    zone: { timeZone?: string; showZone?: boolean },
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
    const count = this.info.roomCount();
    const clock = formatClock(this.info.now(), this.zone) + (this.label ? ` ${this.label}` : '');
    const key = `${width} ${count} ${clock}`;
    if (key !== this.made.key) this.made = { key, text: formatTitle({ bbsName, node, handle, count, clock }, width) };
    return this.made.text;
  }
}

/** "CET", "GMT+9": the zone's short name at this moment. */
function zoneName(zone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'short' }).formatToParts(Date.now());
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
}
