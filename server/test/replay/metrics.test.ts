import { describe, expect, it } from 'vitest';
import { boundedSlowdown, jainFairness, percentile, promiseHeld } from '../../src/replay/metrics.js';
import type { JobOutcome } from '../../src/replay/simulator.js';

function outcome(overrides: Partial<JobOutcome>): JobOutcome {
  return {
    id: 1,
    owner: 'u1',
    pool: 'heavy',
    submittedAt: 0,
    firstStart: 0,
    end: 100_000,
    traceRunS: 100,
    promisedStart: 0,
    promised: true,
    coreSeconds: 100,
    ...overrides,
  };
}

describe('replay metrics', () => {
  it.each([
    ['a job that did not wait scores 1', outcome({}), 1],
    ['waiting as long as it ran doubles it', outcome({ firstStart: 100_000, end: 200_000 }), 2],
    ['short runs count as 10 s', outcome({ traceRunS: 1, firstStart: 99_000, end: 100_000 }), 10],
    ['it never drops below 1', outcome({ traceRunS: 5, end: 5_000 }), 1],
  ])('bounded slowdown: %s', (_name, value, expected) => {
    expect(boundedSlowdown(value)).toBeCloseTo(expected, 9);
  });

  it('gives Jain 1 for equal service and less for unequal service', () => {
    const equal = [outcome({ owner: 'a' }), outcome({ owner: 'b' })];
    const unequal = [outcome({ owner: 'a' }), outcome({ owner: 'b', firstStart: 900_000, end: 1_000_000 })];
    expect(jainFairness(equal)).toBeCloseTo(1, 12);
    expect(jainFairness(unequal)).toBeLessThan(0.7);
  });

  it.each([
    ['an exact promise holds', 3_600_000, 3_600_000, true],
    ['10 min late holds for a short wait', 600_000, 1_200_000, true],
    ['11 min late fails for a short wait', 600_000, 1_260_000, false],
    ['25% of a long wait holds', 8 * 3_600_000, 10 * 3_600_000, true],
    ['no promise never holds', null, 600_000, false],
  ])('promise tolerance: %s', (_name, promisedStart, firstStart, held) => {
    expect(promiseHeld(outcome({ promisedStart, firstStart }))).toBe(held);
  });

  it('takes the nearest-rank percentile', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile([], 0.95)).toBe(0);
  });
});
