import { describe, expect, it } from 'vitest';
import type { SampleRunRecord } from '../../src/preflight/sample-run.js';
import { fitShuffle } from '../../src/preflight/sample-shuffle.js';
import { summarize } from '../../src/preflight/sample-runs.js';
import { chooseShuffleEstimate } from '../../src/preflight/shuffle-model.js';

function run(share: number, bytes: number | null, outcome: SampleRunRecord['outcome'] = 'succeeded'): SampleRunRecord {
  return {
    fraction: share,
    input_share: share,
    input_bytes: 1e9,
    sample_bytes: 1e9 * share,
    outcome,
    message: '',
    wall_s: 2,
    cpu_s: 1,
    max_rss_bytes: 1e8,
    cells_s: [],
    cells_cpu_s: null,
    shuffle_read_bytes: bytes,
    shuffle_write_bytes: bytes === null ? null : bytes * 0.9,
  };
}

describe('shuffle fit on sample runs', () => {
  it('linear bytes extrapolate to the whole input', () => {
    // 2 MB of an unsampled lookup table plus 3 GB per unit of share.
    const fit = fitShuffle([run(0.005, 2e6 + 3e9 * 0.005), run(0.01, 2e6 + 3e9 * 0.01), run(0.02, 2e6 + 3e9 * 0.02)])!;
    expect(fit.exponent).toBe(1);
    expect(fit.a_bytes).toBeCloseTo(2e6, -3);
    expect(fit.b_bytes).toBeCloseTo(3e9, -3);
    expect(fit.extrapolated_gb).toBeCloseTo(3.0, 2);
    expect(fit.r2).toBeCloseTo(1, 6);
  });

  it('quadratic bytes fit a quadratic curve', () => {
    // A join of two independently sampled sides keeps about share² of its matches.
    const fit = fitShuffle([run(0.005, 5e10 * 0.005 ** 2), run(0.01, 5e10 * 0.01 ** 2), run(0.02, 5e10 * 0.02 ** 2)])!;
    expect(fit.exponent).toBeCloseTo(2, 2);
    expect(fit.extrapolated_gb).toBeCloseTo(50, 0);
  });

  it('larger of read and write bytes is fitted', () => {
    const runs = [run(0.01, 1e6), run(0.02, 2e6)].map((record) => ({ ...record, shuffle_read_bytes: 0.5e6 * (record.input_share / 0.01) }));
    expect(fitShuffle(runs)!.b_bytes).toBeCloseTo(0.9e8, -3);
  });

  it('one distinct share scales proportionally', () => {
    // Every sample kept the same 100 rows, so the shares are equal.
    const fit = fitShuffle([run(0.04, 4e5), run(0.041, 4.2e5)])!;
    expect(fit.a_bytes).toBe(0);
    expect(fit.extrapolated_gb).toBeCloseTo(4.1e5 / 0.0405 / 1e9, 4);
    expect(fit.r2).toBeNull();
  });

  it('runs without shuffle bytes give no fit', () => {
    expect(fitShuffle([run(0.01, null), run(0.02, null)])).toBeNull();
    expect(fitShuffle([run(0.01, 1e6), run(0.02, 2e6, 'failed')])).toBeNull();
  });

  it('summary carries the shuffle fit', () => {
    const summary = summarize([run(0.01, 1e6), run(0.02, 2e6)], 1);
    expect(summary.shuffle?.extrapolated_gb).toBeCloseTo(0.1, 6);
  });
});

describe('shuffle estimate choice', () => {
  const operations = { shuffle: 2 };

  it('sample extrapolation replaces the code bound', () => {
    expect(chooseShuffleEstimate(0.4, 10e9, operations, true, undefined)).toEqual({ gb: 0.4, basis: 'sample' });
  });

  it('code bound applies without sample runs', () => {
    expect(chooseShuffleEstimate(null, 10e9, operations, true, undefined)).toEqual({ gb: 20, basis: 'operations' });
  });

  it('larger declared shuffle is kept', () => {
    expect(chooseShuffleEstimate(0.4, 10e9, operations, true, 5)).toEqual({ gb: 5, basis: 'declared' });
    expect(chooseShuffleEstimate(0.4, 10e9, operations, true, 0.1)).toEqual({ gb: 0.4, basis: 'sample' });
  });
});
