import { describe, expect, it } from 'vitest';
import { validatePolicyConfig } from '../../src/policy/config.js';
import { resolveStartAfter, StartAfterError } from '../../src/policy/start-after.js';
import { STOCKHOLM, utc } from './fixtures.js';

const config = validatePolicyConfig({ timeZone: STOCKHOLM });

describe('resolveStartAfter', () => {
  it.each([
    ['off-peak during business hours is 19:00 that day', 'off-peak', utc(2025, 3, 31, 8), utc(2025, 3, 31, 17)],
    ['off-peak between 18:00 and 19:00 is 19:00', 'off-peak', utc(2025, 3, 31, 16, 30), utc(2025, 3, 31, 17)],
    ['off-peak after 19:00 is now', 'off-peak', utc(2025, 3, 31, 18), utc(2025, 3, 31, 18)],
    ['off-peak before 09:00 is now', 'off-peak', utc(2025, 3, 31, 5), utc(2025, 3, 31, 5)],
    ['off-peak on a Saturday is now', 'off-peak', utc(2025, 3, 29, 10), utc(2025, 3, 29, 10)],
    ['off-peak in winter time is 19:00 UTC+1', 'off-peak', utc(2025, 3, 28, 9), utc(2025, 3, 28, 18)],
    ['a later time today is today', '21:30', utc(2025, 3, 31, 8), utc(2025, 3, 31, 19, 30)],
    ['a passed time is tomorrow', '07:00', utc(2025, 3, 31, 8), utc(2025, 4, 1, 5)],
    ['tomorrow across spring DST keeps local time', '09:00', utc(2025, 3, 29, 9), utc(2025, 3, 30, 7)],
    ['a time in the DST gap moves past it', '02:30', utc(2025, 3, 29, 23), utc(2025, 3, 30, 1, 30)],
  ])('%s', (_name, value, now, expected) => {
    expect(resolveStartAfter(value, now, config)).toBe(expected);
  });

  it.each(['7pm', '24:00', '9:00', 'later'])('rejects %s with the accepted forms', (value) => {
    expect(() => resolveStartAfter(value, utc(2025, 3, 31, 8), config)).toThrow(StartAfterError);
    expect(() => resolveStartAfter(value, utc(2025, 3, 31, 8), config)).toThrow(/use "off-peak" or a local time "HH:MM"/);
  });
});
