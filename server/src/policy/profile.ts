/**
 * Free capacity over time as a step function of two quantities (cores and memory; a slot
 * counter uses only the first). Segment i covers [times[i], times[i + 1]) and the last one runs
 * forever. The plan books a job by subtracting its demand over [start, end).
 */

/** Slack for the sums of fractional memory sizes, so 0.1 + 0.2 still fits in 0.3. */
const EPSILON = 1e-9;

/** Amounts booked over [start, end). */
export interface Booking {
  start: number;
  end: number;
  first: number;
  second: number;
}

export class StepProfile {
  private times: number[];
  private first: number[];
  private second: number[];

  constructor(origin: number, first: number, second: number) {
    this.times = [origin];
    this.first = [first];
    this.second = [second];
  }

  get origin(): number {
    return this.times[0] ?? 0;
  }

  /** Number of segments, which bounds the cost of one search. */
  get size(): number {
    return this.times.length;
  }

  /** Free amounts at `at`. */
  valueAt(at: number): [number, number] {
    const i = this.segmentIndex(at);
    return [this.first[i] ?? 0, this.second[i] ?? 0];
  }

  /** True when the amounts are free at the instant `at`; a cheap test before a full search. */
  hasRoomAt(at: number, first: number, second: number): boolean {
    return this.fitsAt(this.segmentIndex(at), first, second);
  }

  /** Adds (or with negative amounts, books) capacity over [start, end); `end` may be Infinity. */
  add(start: number, end: number, first: number, second: number): void {
    const from = Math.max(start, this.origin);
    if (!(end > from)) return;
    const i = this.splitAt(from);
    const j = Number.isFinite(end) ? this.splitAt(end) : this.times.length;
    for (let k = i; k < j; k += 1) {
      this.first[k] = (this.first[k] ?? 0) + first;
      this.second[k] = (this.second[k] ?? 0) + second;
    }
  }

  /**
   * Adds many bookings in one sweep, O((segments + bookings) log), where `add` would move the
   * arrays once per booking. The result is the same as calling `add` for each.
   */
  addMany(bookings: readonly Booking[]): void {
    const origin = this.origin;
    const events: [number, number, number][] = [];
    for (const booking of bookings) {
      const start = Math.max(booking.start, origin);
      if (!(booking.end > start)) continue;
      events.push([start, booking.first, booking.second]);
      if (Number.isFinite(booking.end)) events.push([booking.end, -booking.first, -booking.second]);
    }
    if (events.length === 0) return;
    events.sort((a, b) => a[0] - b[0]);

    const times: number[] = [];
    const first: number[] = [];
    const second: number[] = [];
    let old = 0;
    let next = 0;
    let addedFirst = 0;
    let addedSecond = 0;
    for (;;) {
      const oldTime = this.times[old] ?? Infinity;
      const eventTime = events[next]?.[0] ?? Infinity;
      const at = Math.min(oldTime, eventTime);
      if (at === Infinity) break;
      if (oldTime === at) old += 1;
      while (next < events.length && (events[next] as [number, number, number])[0] === at) {
        const [, deltaFirst, deltaSecond] = events[next] as [number, number, number];
        addedFirst += deltaFirst;
        addedSecond += deltaSecond;
        next += 1;
      }
      times.push(at);
      first.push((this.first[old - 1] ?? 0) + addedFirst);
      second.push((this.second[old - 1] ?? 0) + addedSecond);
    }
    this.times = times;
    this.first = first;
    this.second = second;
  }

  /**
   * Finds the earliest start s >= from at which `first` and `second` are free over [s, s + duration),
   * or Infinity when the last segment never has room. Candidate starts are `from` and segment
   * starts, because the free amounts change only there.
   */
  earliestFit(from: number, duration: number, first: number, second: number): number {
    const times = this.times;
    const count = times.length;
    let start = Math.max(from, this.origin);
    let i = this.segmentIndex(start);

    for (;;) {
      while (i < count && !this.fitsAt(i, first, second)) i += 1;
      if (i === count) return Infinity;
      const segmentStart = times[i] ?? start;
      if (segmentStart > start) start = segmentStart;

      const end = start + duration;
      let j = i + 1;
      let blocked = -1;
      while (j < count && (times[j] ?? Infinity) < end) {
        if (!this.fitsAt(j, first, second)) {
          blocked = j;
          break;
        }
        j += 1;
      }
      if (blocked === -1) return start;
      i = blocked;
    }
  }

  /** Finds the first instant in [from, to) without room for the amounts; null when all of it has room. */
  firstShortfall(from: number, to: number, first: number, second: number): number | null {
    let i = this.segmentIndex(Math.max(from, this.origin));
    if (!this.fitsAt(i, first, second)) return Math.max(from, this.origin);
    for (i += 1; i < this.times.length && (this.times[i] ?? Infinity) < to; i += 1) {
      if (!this.fitsAt(i, first, second)) return this.times[i] ?? null;
    }
    return null;
  }

  /** Minimum free amounts over [from, to). */
  minimumOver(from: number, to: number): [number, number] {
    let i = this.segmentIndex(Math.max(from, this.origin));
    let first = this.first[i] ?? 0;
    let second = this.second[i] ?? 0;
    for (i += 1; i < this.times.length && (this.times[i] ?? Infinity) < to; i += 1) {
      first = Math.min(first, this.first[i] ?? 0);
      second = Math.min(second, this.second[i] ?? 0);
    }
    return [first, second];
  }

  private fitsAt(i: number, first: number, second: number): boolean {
    return (this.first[i] ?? 0) + EPSILON >= first && (this.second[i] ?? 0) + EPSILON >= second;
  }

  /** Index of the segment that contains `at` (the first one for times before the origin). */
  private segmentIndex(at: number): number {
    const times = this.times;
    let low = 0;
    let high = times.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((times[mid] ?? Infinity) <= at) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** Makes `at` a segment start and returns that segment's index. */
  private splitAt(at: number): number {
    const i = this.segmentIndex(at);
    if (this.times[i] === at) return i;
    this.times.splice(i + 1, 0, at);
    this.first.splice(i + 1, 0, this.first[i] ?? 0);
    this.second.splice(i + 1, 0, this.second[i] ?? 0);
    return i + 1;
  }
}
