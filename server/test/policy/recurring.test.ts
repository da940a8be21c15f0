import { describe, expect, it } from 'vitest';
import { dueTicks, RecurringScheduleError } from '../../src/policy/recurring.js';
import { STOCKHOLM, utc } from './fixtures.js';

describe('dueTicks', () => {
  // A skipped 02:30 fires right after the gap.
  it('fires daily once on spring DST day', () => {
    const result = dueTicks({ cron: '30 2 * * *', timeZone: STOCKHOLM, lastFiredAt: utc(2025, 3, 29, 12), now: utc(2025, 3, 31, 12) });
    expect(result.due).toEqual([utc(2025, 3, 30, 1), utc(2025, 3, 31, 0, 30)]);
  });

  // A repeated 02:30 fires at its first occurrence.
  it('fires daily once on autumn DST day', () => {
    const result = dueTicks({ cron: '30 2 * * *', timeZone: STOCKHOLM, lastFiredAt: utc(2025, 10, 25, 12), now: utc(2025, 10, 26, 12) });
    expect(result.due).toEqual([utc(2025, 10, 26, 0, 30)]);
  });

  it('fires an hourly job in both repeated hours of the autumn change', () => {
    const result = dueTicks({ cron: '0 * * * *', timeZone: STOCKHOLM, lastFiredAt: utc(2025, 10, 25, 23, 30), now: utc(2025, 10, 26, 2, 30) });
    expect(result.due).toEqual([utc(2025, 10, 26, 0), utc(2025, 10, 26, 1), utc(2025, 10, 26, 2)]);
  });

  it('fires each tick once across restarts that store lastFiredAt', () => {
    const seen: number[] = [];
    let lastFiredAt = utc(2025, 3, 31, 0);
    for (const now of [utc(2025, 3, 31, 10, 7), utc(2025, 3, 31, 10, 7), utc(2025, 3, 31, 12, 59), utc(2025, 3, 31, 14)]) {
      const result = dueTicks({ cron: '*/30 9-13 * * 1-5', timeZone: STOCKHOLM, lastFiredAt, now });
      seen.push(...result.due);
      lastFiredAt = result.lastFiredAt;
    }
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    expect(seen[0]).toBe(utc(2025, 3, 31, 7));
  });

  it('keeps only the latest ticks after a long outage', () => {
    const result = dueTicks({ cron: '0 * * * *', timeZone: 'UTC', lastFiredAt: utc(2025, 1, 1), now: utc(2025, 1, 3), maxCatchUp: 2 });
    expect(result.due).toEqual([utc(2025, 1, 2, 23), utc(2025, 1, 3)]);
    expect(result.lastFiredAt).toBe(utc(2025, 1, 3));
    expect(result.next).toBe(utc(2025, 1, 3, 1));
  });

  it('returns nothing due before the first tick', () => {
    const result = dueTicks({ cron: '0 19 * * *', timeZone: STOCKHOLM, lastFiredAt: utc(2025, 3, 31, 8), now: utc(2025, 3, 31, 9) });
    expect(result).toEqual({ due: [], lastFiredAt: utc(2025, 3, 31, 8), next: utc(2025, 3, 31, 17) });
  });

  it('rejects an invalid expression with an example of a valid one', () => {
    expect(() => dueTicks({ cron: '61 * * * *', timeZone: STOCKHOLM, lastFiredAt: 0, now: 1 })).toThrow(RecurringScheduleError);
    expect(() => dueTicks({ cron: 'every day', timeZone: STOCKHOLM, lastFiredAt: 0, now: 1 })).toThrow(/such as "0 19 \* \* 1-5"/);
  });
});
