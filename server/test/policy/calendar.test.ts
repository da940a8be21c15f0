import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../src/policy/calendar.js';
import { validatePolicyConfig } from '../../src/policy/config.js';
import { STOCKHOLM, utc } from './fixtures.js';

const calendar = new BusinessCalendar(validatePolicyConfig({ timeZone: STOCKHOLM, calendar: { holidays: ['2025-12-25'] } }));

function windowOn(at: number): { start: number; end: number } | null {
  return calendar.windowOf(calendar.localDay(at));
}

describe('BusinessCalendar', () => {
  it.each([
    ['Friday before spring DST (UTC+1)', utc(2025, 3, 28, 12), { start: utc(2025, 3, 28, 8), end: utc(2025, 3, 28, 17) }],
    ['Monday after spring DST (UTC+2)', utc(2025, 3, 31, 12), { start: utc(2025, 3, 31, 7), end: utc(2025, 3, 31, 16) }],
    ['Friday before autumn DST (UTC+2)', utc(2025, 10, 24, 12), { start: utc(2025, 10, 24, 7), end: utc(2025, 10, 24, 16) }],
    ['Monday after autumn DST (UTC+1)', utc(2025, 10, 27, 12), { start: utc(2025, 10, 27, 8), end: utc(2025, 10, 27, 17) }],
    ['Saturday', utc(2025, 3, 29, 12), null],
    ['a holiday on a Thursday', utc(2025, 12, 25, 12), null],
  ])('keeps 09:00-18:00 local on %s', (_name, at, expected) => {
    expect(windowOn(at)).toEqual(expected);
  });

  it.each([
    ['08:59 local is outside', utc(2025, 3, 31, 6, 59), false],
    ['09:00 local is inside', utc(2025, 3, 31, 7, 0), true],
    ['17:59 local is inside', utc(2025, 3, 31, 15, 59), true],
    ['18:00 local is outside', utc(2025, 3, 31, 16, 0), false],
    ['a Sunday noon is outside', utc(2025, 3, 30, 10), false],
  ])('isBusinessTime: %s', (_name, at, expected) => {
    expect(calendar.isBusinessTime(at)).toBe(expected);
  });

  it('lists floor changes across a weekend and a DST change', () => {
    expect(calendar.transitionsBetween(utc(2025, 3, 28, 0), utc(2025, 3, 31, 23))).toEqual([
      { at: utc(2025, 3, 28, 8), business: true },
      { at: utc(2025, 3, 28, 17), business: false },
      { at: utc(2025, 3, 31, 7), business: true },
      { at: utc(2025, 3, 31, 16), business: false },
    ]);
  });

  it('finds the next business start after a holiday', () => {
    expect(calendar.nextBusinessStart(utc(2025, 12, 24, 18))).toBe(utc(2025, 12, 26, 8));
  });

  it('moves a wall-clock time in the DST gap forward by the gap', () => {
    expect(calendar.wallClock(calendar.localDay(utc(2025, 3, 30, 12)), 2 * 60 + 30)).toBe(utc(2025, 3, 30, 1, 30));
  });

  it.each([
    ['the same day', utc(2025, 3, 31, 12, 20), '14:20'],
    ['within a week', utc(2025, 4, 1, 12, 20), 'Tue 14:20'],
    ['beyond a week', utc(2025, 4, 15, 12, 20), '15 Apr 14:20'],
  ])('formats a clock time on %s', (_name, at, text) => {
    expect(calendar.formatClock(at, utc(2025, 3, 31, 8))).toBe(text);
  });
});
