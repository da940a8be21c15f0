import { describe, expect, it } from 'vitest';
import type { RuntimeEstimate } from '../../src/preflight/runtime-estimate.js';
import { combineWithSample, historyThroughModel } from '../../src/preflight/sample-estimate.js';
import { summarize } from '../../src/preflight/sample-runs.js';
import type { SampleRunRecord } from '../../src/preflight/sample-run.js';
import { fitPowerCurve, fitScaling, type ScalingPoint } from '../../src/preflight/scaling-model.js';

const SHARES = [0.005, 0.01, 0.02];

/** Sample points of a job whose CPU time is `cpu(x)` and whose wall time adds `waitS` of start-up and waiting. */
function points(cpu: (x: number) => number, waitS: number, shares = SHARES): ScalingPoint[] {
  return shares.map((x) => ({ x, wallS: cpu(x) + waitS, cpuS: cpu(x) }));
}

describe('scaling fit on synthetic points', () => {
  it.each([
    { name: 'linear growth', cpu: (x: number) => 2 + 40 * x, expected: 3 + 2 + 40, exponent: 1 },
    { name: 'quadratic growth', cpu: (x: number) => 2 + 300 * x ** 2, expected: 3 + 2 + 300, exponent: 2 },
    { name: 'square-root growth', cpu: (x: number) => 2 + 20 * x ** 0.5, expected: 3 + 2 + 20, exponent: 0.5 },
    { name: 'no growth', cpu: () => 2, expected: 3 + 2, exponent: 1 },
  ])('$name extrapolates to the full input', ({ cpu, expected, exponent }) => {
    const fit = fitScaling(points(cpu, 3));
    expect(fit).not.toBeNull();
    expect(fit!.predictedS).toBeCloseTo(expected, 3);
    expect(fit!.exponent).toBeCloseTo(exponent, 2);
    expect(fit!.fittedOn).toBe('cpu');
  });

  it('wall-time jitter is not extrapolated', () => {
    const jittered = points((x) => 2 + 40 * x, 3).map((point, i) => ({ ...point, wallS: point.wallS + [2.5, -1, 0.5][i]! }));
    const fit = fitScaling(jittered)!;
    expect(fit.bS).toBeCloseTo(40, 6);
    expect(fit.predictedS).toBeCloseTo(45.5, 6);
  });

  it('CPU growth below noise counts as none', () => {
    const fit = fitScaling(points((x) => 2 + 3 * x, 3))!;
    expect(fit.bS).toBe(0);
    expect(fit.predictedS).toBeCloseTo(5 + 3 * 0.01, 6);
  });

  it('CPU time that falls counts as no growth', () => {
    const fit = fitScaling(points((x) => 3 - 20 * x, 1))!;
    expect(fit.bS).toBe(0);
  });

  it('fit quality is reported with three points', () => {
    const noisy = points((x) => 1 + 30 * x, 0).map((point, i) => ({ ...point, cpuS: point.cpuS! * [1.03, 0.98, 1][i]! }));
    const fit = fitScaling(noisy)!;
    expect(fit.r2).toBeGreaterThan(0.8);
    expect(fit.r2).toBeLessThan(1);
    expect(fit.maxRelativeResidual).toBeGreaterThan(0);
  });

  it('two points fit exactly and report no quality', () => {
    const fit = fitScaling(points((x) => 1 + 20 * x, 0.5, [0.01, 0.02]))!;
    expect(fit.r2).toBeNull();
    expect(fit.maxRelativeResidual).toBeNull();
    expect(fit.predictedS).toBeCloseTo(21.5, 6);
  });

  it('close shares merge into one point', () => {
    // 0.5% and 1% of a small file are the same 100 rows, so their shares almost match.
    const fit = fitScaling([
      { x: 0.0101, wallS: 6, cpuS: 2 },
      { x: 0.0102, wallS: 8, cpuS: 2.3 },
      { x: 0.0202, wallS: 7, cpuS: 2.15 },
    ])!;
    expect(fit.r2).toBeNull();
    expect(fit.bS).toBe(0);
    expect(fit.predictedS).toBeCloseTo(7, 6);
  });

  it('per-cell CPU time separates data cells', () => {
    // Cell 1 imports (noisy, constant), cell 2 scans the data: 0.01 s + 30 s per unit of share.
    const cells = [
      { x: 0.005, wallS: 9, cpuS: 2.2, cellsCpuS: [1.9, 0.01 + 30 * 0.005] },
      { x: 0.01, wallS: 6, cpuS: 1.8, cellsCpuS: [1.5, 0.01 + 30 * 0.01] },
      { x: 0.02, wallS: 7, cpuS: 2.4, cellsCpuS: [1.8, 0.01 + 30 * 0.02] },
    ];
    const fit = fitScaling(cells)!;
    expect(fit.fittedOn).toBe('cell_cpu');
    expect(fit.bS).toBeCloseTo(30, 6);
    // fixed = median(9 - 0.15, 6 - 0.3, 7 - 0.6) = 6.4
    expect(fit.predictedS).toBeCloseTo(6.4 + 30, 6);
  });

  it('cell with a small data part counts', () => {
    // 20 ms of display and 1 s of data work per unit of share: the cell grows by 60% while the
    // share grows fourfold.
    const cells = SHARES.map((x) => ({ x, wallS: 3, cpuS: 2, cellsCpuS: [0.4, 0.02 + x] }));
    const fit = fitScaling(cells)!;
    expect(fit.bS).toBeCloseTo(1, 6);
  });

  it('jump in one run is not data work', () => {
    // A 45 ms chunk, such as a garbage collection, lands in the cell in the largest run only.
    const cells = SHARES.map((x, i) => ({ x, wallS: 3, cpuS: 2, cellsCpuS: [0.4, 0.015 + (i === 2 ? 0.045 : 0.0002 * i)] }));
    expect(fitScaling(cells)!.bS).toBe(0);
  });

  it('growth within noise is not data work', () => {
    // 2 ms of growth is below the spread of identical runs.
    const cells = SHARES.map((x, i) => ({ x, wallS: 3, cpuS: 2, cellsCpuS: [0.4, 0.01 + 0.001 * i] }));
    expect(fitScaling(cells)!.bS).toBe(0);
  });

  it('cell that falls at one step is not data work', () => {
    const cells = SHARES.map((x, i) => ({ x, wallS: 3, cpuS: 2, cellsCpuS: [0.4, [0.05, 0.04, 0.2][i]!] }));
    expect(fitScaling(cells)!.bS).toBe(0);
  });

  it('parallel data work is converted to wall time', () => {
    // The data cell keeps two worker processes busy: 2 CPU seconds per wall second.
    const cells = SHARES.map((x) => ({ x, wallS: 3 + 15 * x, cpuS: 2, cellsCpuS: [0.4, 30 * x], cellsWallS: [0.5, 15 * x] }));
    const fit = fitScaling(cells)!;
    expect(fit.wallPerCpu).toBeCloseTo(0.5, 6);
    expect(fit.bS).toBeCloseTo(15, 6);
    expect(fit.predictedS).toBeCloseTo(3 + 15, 6);
  });

  it('waiting does not stretch the slope', () => {
    // Wall time above CPU time is waiting for a busy CPU, which stays in the fixed part.
    const cells = SHARES.map((x) => ({ x, wallS: 3, cpuS: 2, cellsCpuS: [0.4, 30 * x], cellsWallS: [0.5, 60 * x] }));
    expect(fitScaling(cells)!.wallPerCpu).toBe(1);
  });

  it('merged runs take the median wall time', () => {
    // Three runs of the same rows, of which a busy machine slowed the second.
    const fit = fitScaling([
      { x: 0.0342, wallS: 2.06, cpuS: 2 },
      { x: 0.0342, wallS: 5.21, cpuS: 2 },
      { x: 0.0345, wallS: 2.12, cpuS: 2 },
    ])!;
    expect(fit.predictedS).toBeCloseTo(2.12, 6);
  });

  it('spread between runs of one share is noise', () => {
    // Two runs read the same share, and a 60 ms chunk landed in the cell in one of them. The
    // growth to the larger share (28 ms on average) is smaller than that spread.
    const fit = fitScaling([
      { x: 0.0172, wallS: 2, cpuS: 2, cellsCpuS: [0.4, 0.015] },
      { x: 0.0174, wallS: 2, cpuS: 2, cellsCpuS: [0.4, 0.077] },
      { x: 0.0273, wallS: 2, cpuS: 2, cellsCpuS: [0.4, 0.074] },
    ])!;
    expect(fit.bS).toBe(0);
  });

  it('runs without CPU time fit on wall time', () => {
    const fit = fitScaling(points((x) => 2 + 40 * x, 3).map((point) => ({ ...point, cpuS: null })))!;
    expect(fit.fittedOn).toBe('wall');
    expect(fit.predictedS).toBeCloseTo(45, 6);
  });

  it('fit rejects one point', () => {
    expect(fitScaling(points((x) => x, 0, [0.01]))).toBeNull();
  });

  it('power curve keeps slope and intercept non-negative', () => {
    const curve = fitPowerCurve([0.01, 0.02, 0.03], [3, 2, 1]);
    expect(curve.b).toBe(0);
    expect(curve.a).toBeCloseTo(2, 6);
  });
});

function run(fraction: number, outcome: SampleRunRecord['outcome'], wallS: number | null, cpuS: number | null = wallS): SampleRunRecord {
  return {
    fraction,
    input_share: fraction,
    input_bytes: 1e8,
    sample_bytes: 1e8 * fraction,
    outcome,
    message: outcome === 'succeeded' ? 'All 1 code cells ran.' : 'Cell 1 of 1 raised KeyError',
    wall_s: wallS,
    cpu_s: cpuS,
    max_rss_bytes: 1e8,
    cells_s: [],
    cells_cpu_s: null,
  };
}

describe('sample summary', () => {
  it('summary of succeeded runs carries the model', () => {
    const summary = summarize([run(0.01, 'succeeded', 3, 1.5), run(0.02, 'succeeded', 3.5, 2)], 1);
    expect(summary.status).toBe('measured');
    // Slope 50 from the CPU times; fixed = median(3 - 0.5, 3.5 - 1) = 2.5 from the wall times.
    expect(summary.extrapolated_s).toBeCloseTo(2.5 + 50, 6);
    expect(summary.model?.form).toBe('fixed + b*x^c');
    expect(summary.model?.fitted_on).toBe('cpu');
  });

  it('failed run names the share and the error', () => {
    const summary = summarize([run(0.01, 'succeeded', 1.5), run(0.02, 'failed', 1)], 1);
    expect(summary.status).toBe('failed');
    expect(summary.reason).toMatch(/^the sample run on 2% of the inputs failed: Cell 1 of 1 raised KeyError/);
    expect(summary.extrapolated_s).toBeNull();
  });
});

describe('sample and history combined', () => {
  const noHistory: RuntimeEstimate = { p50S: null, p90S: null, basis: 'unknown', runs: 0, calibrationRuns: 0 };
  const history = (runs: number): RuntimeEstimate => ({ p50S: 400, p90S: 800, basis: 'fingerprint', runs, calibrationRuns: 0 });

  it.each([
    { name: 'sample alone', base: noHistory, ratios: [], p50: 100, p90: 130, basis: 'sample' },
    { name: 'sample with a wide fit', base: noHistory, ratios: [], residual: 0.3, p50: 100, p90: 160, basis: 'sample' },
    { name: 'sample calibrated by past ratios', base: noHistory, ratios: [1.2, 1.2, 1.2], p50: 120, p90: 130, basis: 'sample' },
    { name: 'one same-code run', base: history(1), ratios: [], p50: 200, p90: 400, basis: 'sample_and_history' },
    { name: 'three same-code runs', base: history(3), ratios: [], p50: 100 ** 0.25 * 400 ** 0.75, p90: 2 * 100 ** 0.25 * 400 ** 0.75, basis: 'sample_and_history' },
    { name: 'owner history only', base: { ...history(2), basis: 'owner' as const }, ratios: [], p50: 100, p90: 130, basis: 'sample' },
  ])('$name sets p50 and p90', ({ base, ratios, residual, p50, p90, basis }) => {
    const estimate = combineWithSample(base, { extrapolatedS: 100, maxRelativeResidual: residual ?? null, pastRatios: ratios });
    expect(estimate.basis).toBe(basis);
    expect(estimate.p50S).toBeCloseTo(p50, 6);
    expect(estimate.p90S).toBeCloseTo(p90, 6);
  });

  it('history through the model scales by the curve', () => {
    // The model predicts 10 s fixed + 40 s of data at this input. A past run on a quarter of it took
    // 22 s, 10% more than the model's 10 + 40 * 0.25 = 20 s, so the full input gets 10% above 50 s.
    const past = [{ fingerprint: 'f', owner: 'ana', inputBytes: 250, runtimeS: 22 }];
    const model = { fixed_s: 10, b_s: 40, exponent: 1 };
    expect(historyThroughModel(past, 'f', 1000, model, 50)).toBeCloseTo(55, 6);
    expect(historyThroughModel(past, 'other', 1000, model, 50)).toBeNull();

    const estimate = combineWithSample(history(1), { extrapolatedS: 50, maxRelativeResidual: null, pastRatios: [], sameCodeP50S: 55 });
    expect(estimate.p50S).toBeCloseTo(Math.sqrt(55 * 50), 6);
    expect(estimate.p90S).toBeCloseTo(1.3 * Math.sqrt(55 * 50), 6);
  });

  it('nine past ratios give a conformal p90', () => {
    const ratios = [0.8, 0.9, 1, 1, 1, 1.1, 1.2, 1.3, 1.6];
    const estimate = combineWithSample(noHistory, { extrapolatedS: 100, maxRelativeResidual: null, pastRatios: ratios });
    expect(estimate.p50S).toBeCloseTo(100, 6);
    expect(estimate.p90S).toBeCloseTo(160, 6);
  });
});
