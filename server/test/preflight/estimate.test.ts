import { describe, expect, it } from 'vitest';
import { conformalQuantile, median } from '../../src/preflight/conformal.js';
import { estimateRemaining, etaChanged } from '../../src/preflight/live-eta.js';
import { estimateRuntime, type PastRun } from '../../src/preflight/runtime-estimate.js';
import { estimateShuffleGb } from '../../src/preflight/shuffle-model.js';
import { codeFingerprint } from '../../src/preflight/fingerprint.js';

const run = (fingerprint: string, owner: string, runtimeS: number, inputBytes: number | null = null): PastRun => ({
  fingerprint,
  owner,
  runtimeS,
  inputBytes,
});

describe('conformalQuantile', () => {
  it.each([
    { name: 'too few values for the 90% rank', values: [1, 2, 3], q: 0.9, expected: null },
    { name: 'nine values reach the 90% rank', values: [9, 1, 2, 3, 4, 5, 6, 7, 8], q: 0.9, expected: 9 },
    { name: 'nineteen values use the 18th smallest', values: Array.from({ length: 19 }, (_, i) => i + 1), q: 0.9, expected: 18 },
    { name: 'median rank of four values', values: [4, 3, 2, 1], q: 0.5, expected: 3 },
  ])('$name', ({ values, q, expected }) => {
    expect(conformalQuantile(values, q)).toBe(expected);
  });

  it('median of an even count averages the middle values', () => {
    expect(median([1, 10, 3, 5])).toBe(4);
  });
});

describe('estimateRuntime', () => {
  const query = { fingerprint: 'f1', owner: 'ana', inputBytes: null, declaredP50S: null, declaredP90S: null };

  it('no history and no declaration is unknown', () => {
    const estimate = estimateRuntime(query, []);
    expect(estimate.basis).toBe('unknown');
    expect(estimate.p50S).toBeNull();
    expect(estimate.p90S).toBeNull();
  });

  it('no history falls back to the declared ETA', () => {
    const estimate = estimateRuntime({ ...query, declaredP50S: 60, declaredP90S: 120 }, []);
    expect(estimate.basis).toBe('declared');
    expect(estimate.p50S).toBe(60);
    expect(estimate.p90S).toBe(120);
  });

  it('same code wins over the owner', () => {
    const history = [run('other', 'ana', 1000), run('f1', 'bob', 100), run('other', 'ana', 1000)];
    const estimate = estimateRuntime(query, history);
    expect(estimate.basis).toBe('fingerprint');
    expect(estimate.runs).toBe(1);
  });

  it('owner history uses the mean of the last two runs', () => {
    const history = [run('a', 'ana', 500), run('b', 'ana', 100), run('c', 'ana', 300)];
    const estimate = estimateRuntime(query, history);
    expect(estimate.basis).toBe('owner');
    // Residuals: b predicted 500 (ratio 0.2), c predicted 300 (ratio 1); two ratios keep p50 at the point.
    expect(estimate.p50S).toBe(200);
    expect(estimate.p90S).toBe(400);
  });

  it('same-code estimate scales with input bytes, clamped to 4x', () => {
    const history = [run('f1', 'ana', 100, 1_000)];
    expect(estimateRuntime({ ...query, inputBytes: 2_000 }, history).p50S).toBe(200);
    expect(estimateRuntime({ ...query, inputBytes: 100_000 }, history).p50S).toBe(400);
  });

  it('p90 is the point times the conformal ratio quantile', () => {
    // Runtimes alternate 100 and 150 for the same code: ratios of past predictions are 1.5, 0.83, ... .
    const runtimes = [100, 150, 100, 150, 100, 150, 100, 150, 100, 150, 100, 150];
    const history = runtimes.map((seconds) => run('f1', 'ana', seconds));
    const estimate = estimateRuntime(query, history);
    expect(estimate.calibrationRuns).toBe(11);
    // Point: median of the last three (150, 100, 150) = 150.
    const ratios: number[] = [];
    for (let i = 1; i < runtimes.length; i += 1) {
      const previous = runtimes.slice(Math.max(0, i - 3), i);
      ratios.push((runtimes[i] as number) / (median(previous) as number));
    }
    expect(estimate.p50S).toBeCloseTo(150 * (median(ratios) as number));
    expect(estimate.p90S).toBeCloseTo(150 * (conformalQuantile(ratios, 0.9) as number));
  });
});

describe('estimateShuffleGb', () => {
  it.each<{ name: string; ops: Record<string, number>; spark: boolean; expected: number }>([
    { name: 'spark without wide operations shuffles nothing', ops: { shuffle: 0, groupBy: 0 }, spark: true, expected: 0 },
    { name: 'one spark shuffle moves the input once', ops: { shuffle: 1, groupBy: 1 }, spark: true, expected: 2 },
    { name: 'spark shuffles cap at three passes', ops: { shuffle: 7 }, spark: true, expected: 6 },
    { name: 'pandas join and groupBy count as passes', ops: { join: 1, groupBy: 1 }, spark: false, expected: 4 },
  ])('$name', ({ ops, spark, expected }) => {
    expect(estimateShuffleGb(2e9, ops, spark)).toBe(expected);
  });
});

describe('live ETA', () => {
  it.each([
    { name: 'nothing done gives no rate', elapsed: 30, done: 0, total: 4, expected: null },
    { name: 'half done doubles the elapsed time', elapsed: 30, done: 2, total: 4, expected: { remainingS: 30, totalS: 60 } },
    { name: 'all done leaves nothing', elapsed: 30, done: 4, total: 4, expected: { remainingS: 0, totalS: 30 } },
  ])('$name', ({ elapsed, done, total, expected }) => {
    expect(estimateRemaining(elapsed, { done, total, unit: 'cells' })).toEqual(expected);
  });

  it.each([
    { name: 'first estimate is always recorded', previous: null, next: 100, expected: true },
    { name: 'a 10% move is not recorded', previous: 100, next: 110, expected: false },
    { name: 'an 11% move is recorded', previous: 100, next: 89, expected: true },
  ])('$name', ({ previous, next, expected }) => {
    expect(etaChanged(previous, next)).toBe(expected);
  });
});

describe('codeFingerprint', () => {
  const notebook = (cells: Array<{ cell_type: string; source: string; outputs?: unknown[] }>): string =>
    JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

  it('ignores markdown and outputs', () => {
    const plain = notebook([{ cell_type: 'code', source: 'x = 1' }]);
    const documented = notebook([
      { cell_type: 'markdown', source: '# Title' },
      { cell_type: 'code', source: 'x = 1', outputs: [{ output_type: 'stream', text: '1' }] },
    ]);
    expect(codeFingerprint('notebook', documented)).toBe(codeFingerprint('notebook', plain));
  });

  it('changes when the code changes', () => {
    const first = notebook([{ cell_type: 'code', source: 'x = 1' }]);
    const second = notebook([{ cell_type: 'code', source: 'x = 2' }]);
    expect(codeFingerprint('notebook', first)).not.toBe(codeFingerprint('notebook', second));
  });
});
