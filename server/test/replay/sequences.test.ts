import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareSequences, seededRandom, sequenceStarts } from '../../src/replay/sequences.js';
import { parseSwf, TraceInputError } from '../../src/replay/swf.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';

const LUBLIN = 'traces/lublin_256.swf';
const lublinPath = sharedDataPath(LUBLIN);

describe('sequence sampling', () => {
  it('draws the same numbers for the same seed', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const c = seededRandom(2);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
  });

  it('draws starts as RLScheduler does, in [length, jobs - length - 1)', () => {
    const starts = sequenceStarts(10_000, { length: 1024, count: 200, seed: 1 });
    expect(starts).toHaveLength(200);
    for (const start of starts) {
      expect(start).toBeGreaterThanOrEqual(1024);
      expect(start).toBeLessThan(10_000 - 1024 - 1);
    }
  });

  it('rejects a trace too short for the sequences', () => {
    expect(() => sequenceStarts(2000, { length: 1024, count: 1, seed: 1 })).toThrow(TraceInputError);
  });
});

describe.skipIf(lublinPath === null)(`Lublin sequences (${lublinPath ?? missingDataMessage(LUBLIN)})`, () => {
  it('scores EASY backfilling well below strict FCFS', () => {
    const trace = parseSwf(readFileSync(lublinPath ?? '', 'utf8'));
    const [fifo, easy] = compareSequences(trace, { length: 256, count: 3, seed: 7 });
    expect(fifo?.sequences).toBe(3);
    expect(easy?.mean).toBeGreaterThanOrEqual(1);
    expect(easy?.mean).toBeLessThan(fifo?.mean ?? 0);
  });
});
