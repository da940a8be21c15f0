import { DateTime, IANAZone } from 'luxon';
import { minutesOf, type DofcPolicyConfig } from './config.js';

/** A business-hours window of one local day, as epoch milliseconds. */
export interface BusinessWindow {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
/** Offsets are cached per quarter hour: every zone in the IANA database changes offset on one. */
const OFFSET_BUCKET_MS = 15 * 60_000;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Business hours in the cluster's zone. A local day is numbered by days since 1970-01-01 in
 * local time. Each day's window is built with luxon from the wall-clock times, so a DST change
 * moves the epoch instants and not the local hours. Days and zone offsets are memoized because a
 * replay looks up the same few days many thousands of times.
 */
export class BusinessCalendar {
  private readonly windows = new Map<number, BusinessWindow | null>();
  private readonly offsets = new Map<number, number>();
  private readonly clocks = new Map<number, string>();
  private readonly holidays: Set<string>;
  private readonly startMinutes: number;
  private readonly endMinutes: number;
  private readonly zone: IANAZone;

  constructor(private readonly config: Pick<DofcPolicyConfig, 'timeZone' | 'calendar'>) {
    this.holidays = new Set(config.calendar.holidays);
    this.startMinutes = minutesOf(config.calendar.businessStart);
    this.endMinutes = minutesOf(config.calendar.businessEnd);
    this.zone = IANAZone.create(config.timeZone);
  }

  get timeZone(): string {
    return this.config.timeZone;
  }

  /** Returns the zone's offset from UTC at `at`, in milliseconds. */
  offsetMs(at: number): number {
    const bucket = Math.floor(at / OFFSET_BUCKET_MS);
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      offset = this.zone.offset(bucket * OFFSET_BUCKET_MS) * 60_000;
      this.offsets.set(bucket, offset);
    }
    return offset;
  }

  /** Returns the number of the local day that contains `at`. */
  localDay(at: number): number {
    return Math.floor((at + this.offsetMs(at)) / DAY_MS);
  }

  /** ISO weekday of a local day: 1 = Monday to 7 = Sunday (day 0, 1970-01-01, was a Thursday). */
  weekday(day: number): number {
    return ((((day + 3) % 7) + 7) % 7) + 1;
  }

  /** Returns the business window of a local day, or null on a weekend day or holiday. */
  windowOf(day: number): BusinessWindow | null {
    const cached = this.windows.get(day);
    if (cached !== undefined) return cached;

    const isoDate = new Date(day * DAY_MS).toISOString().slice(0, 10);
    const isBusinessDay = this.config.calendar.businessDays.includes(this.weekday(day)) && !this.holidays.has(isoDate);
    const window = isBusinessDay
      ? { start: this.wallClock(day, this.startMinutes), end: this.wallClock(day, this.endMinutes) }
      : null;
    this.windows.set(day, window);
    return window;
  }

  isBusinessTime(at: number): boolean {
    const window = this.windowOf(this.localDay(at));
    return window !== null && at >= window.start && at < window.end;
  }

  /**
   * Lists every instant in (from, to] at which business hours begin or end, in time order, with the
   * state that starts there.
   */
  transitionsBetween(from: number, to: number): { at: number; business: boolean }[] {
    const transitions: { at: number; business: boolean }[] = [];
    const last = this.localDay(to);
    for (let day = this.localDay(from); day <= last; day += 1) {
      const window = this.windowOf(day);
      if (window === null) continue;
      if (window.start > from && window.start <= to) transitions.push({ at: window.start, business: true });
      if (window.end > from && window.end <= to) transitions.push({ at: window.end, business: false });
    }
    return transitions;
  }

  /** The next instant after `from` at which business hours begin, searching `maxDays` ahead. */
  nextBusinessStart(from: number, maxDays = 366): number | null {
    const first = this.localDay(from);
    for (let day = first; day <= first + maxDays; day += 1) {
      const window = this.windowOf(day);
      if (window !== null && window.start > from) return window.start;
    }
    return null;
  }

  /**
   * The instant of a wall-clock time on a local day. luxon 3 moves a time in a DST gap forward by
   * the gap (02:30 becomes 03:30) and reads a repeated time as its later occurrence.
   */
  wallClock(day: number, minutes: number): number {
    const date = new Date(day * DAY_MS);
    return DateTime.fromObject(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: Math.floor(minutes / 60),
        minute: minutes % 60,
      },
      { zone: this.zone },
    ).toMillis();
  }

  /**
   * A short local time for messages: "14:20" on the day of `now`, "Tue 14:20" within a week,
   * "12 Mar 14:20" beyond. English names, so messages read the same on every machine.
   */
  formatClock(at: number, now: number): string {
    // Messages repeat the same few minutes for every waiting job, so the text is cached.
    const key = Math.floor(at / 60_000) * 65_536 + (this.localDay(now) & 0xffff);
    const cached = this.clocks.get(key);
    if (cached !== undefined) return cached;
    if (this.clocks.size > 10_000) this.clocks.clear();
    const text = this.clockText(at, now);
    this.clocks.set(key, text);
    return text;
  }

  private clockText(at: number, now: number): string {
    const local = new Date(at + this.offsetMs(at));
    const clock = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
    const days = this.localDay(at) - this.localDay(now);
    if (days === 0) return clock;
    if (days > 0 && days < 7) return `${WEEKDAYS[this.weekday(this.localDay(at)) - 1]} ${clock}`;
    return `${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${clock}`;
  }
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
