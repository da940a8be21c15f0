import { BusinessCalendar } from './calendar.js';
import { minutesOf, type DofcPolicyConfig } from './config.js';

/** A "start after" request that cannot be read; the message names the value and the accepted forms. */
export class StartAfterError extends Error {
  constructor(readonly value: string) {
    super(`Invalid start time ${JSON.stringify(value)}; use "off-peak" or a local time "HH:MM" such as "19:30".`);
    this.name = 'StartAfterError';
  }
}

/**
 * Turns "off-peak" or a local "HH:MM" into an epoch time in the cluster's zone.
 * "HH:MM" is its next occurrence at or after `now`. On a DST change day a skipped time moves
 * forward by the gap and a repeated time means its later occurrence (luxon's rules).
 * "off-peak" is `now` when it already is off-peak, else the next `calendar.offPeakStart`
 * (19:00 by default). Off-peak is any time outside [businessStart, offPeakStart) on a business
 * day, and all of a weekend day or holiday.
 */
export function resolveStartAfter(
  value: string,
  now: number,
  config: Pick<DofcPolicyConfig, 'timeZone' | 'calendar'>,
  calendar: BusinessCalendar = new BusinessCalendar(config),
): number {
  const text = value.trim().toLowerCase();
  if (text === 'off-peak' || text === 'offpeak') return nextOffPeak(now, config, calendar);
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(text)) throw new StartAfterError(value);

  const minutes = minutesOf(text);
  const today = calendar.localDay(now);
  const candidate = calendar.wallClock(today, minutes);
  if (candidate >= now) return candidate;
  return calendar.wallClock(today + 1, minutes);
}

function nextOffPeak(now: number, config: Pick<DofcPolicyConfig, 'timeZone' | 'calendar'>, calendar: BusinessCalendar): number {
  const today = calendar.localDay(now);
  const window = calendar.windowOf(today);
  if (window === null) return now;

  const offPeak = calendar.wallClock(today, minutesOf(config.calendar.offPeakStart));
  if (now < window.start || now >= offPeak) return now;
  return offPeak;
}
