import { describe, expect, it } from 'vitest';
import { evalJobsFromSwf, evaluateEta } from '../../src/preflight/eta-eval/replay.js';
import { densestRuntime } from '../../src/preflight/eta-eval/candidates.js';
import { parseSwf } from '../../src/replay/swf.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';
import { dofcCli } from './cli-process.js';

/** Builds one SWF job line from id, submit, run, requested time and user; other fields are unknown (-1). */
function line(id: number, submit: number, run: number, requested: number, user: number): string {
  const fields = Array<number>(18).fill(-1);
  [fields[0], fields[1], fields[2], fields[3], fields[7], fields[8], fields[11]] = [id, submit, 0, run, 1, requested, user];
  return fields.join(' ');
}

/**
 * User 1 runs 100 s, 100 s, 300 s; user 2 runs 50 s twice. Each job is submitted after the
 * earlier ones of its user ended, except job 5, submitted while job 4 still runs.
 */
const TRACE = [
  '; hand-made trace for metric arithmetic',
  line(1, 0, 100, 400, 1),
  line(2, 200, 100, 400, 1),
  line(3, 400, 300, 400, 1),
  line(4, 1000, 50, 100, 2),
  line(5, 1010, 50, 100, 2),
  line(6, 1020, 0, 100, 2),
].join('\n');

describe('eta-eval metrics', () => {
  const { jobs, skipped } = evalJobsFromSwf(parseSwf(TRACE).records);
  const result = evaluateEta(jobs);

  it('jobs without a runtime are skipped', () => {
    expect(jobs).toHaveLength(5);
    expect(skipped).toBe(1);
    expect(result.jobs_counted).toBe(5);
  });

  it('requested-time baseline counts hits within 25%', () => {
    // Requests 400, 400, 400, 100, 100 against runtimes 100, 100, 300, 50, 50: even job 3 misses by 100 > 75.
    expect(result.baseline_requested_within_25_pct).toBe(0);
  });

  it('last-two baseline uses only finished jobs', () => {
    // Job 1: no history, request 400 misses 100. Job 2: last run 100, a hit. Job 3: mean(100, 100) = 100 misses 300.
    // Job 4: no history, request 100 misses 50. Job 5: job 4 ends at 1050, after 1010, so request 100 misses again.
    expect(result.baseline_last2_within_25_pct).toBe(20);
  });

  it('model hits only the rerun with history', () => {
    // Job 1: request 400 times no known share = 400, a miss. Job 2: every candidate but the request predicts 100, a hit.
    // Job 3: 100 against 300, a miss. Jobs 4 and 5: request 100 times the median used share 0.25 = 25 against 50, misses.
    expect(result.within_25_pct).toBe(20);
  });

  it('p90 coverage counts runtimes at or below p90', () => {
    // Fewer than 9 residual ratios give no conformal quantile, so p90 is twice the point:
    // 800 >= 100, 200 >= 100, 200 < 300, 50 >= 50, 50 >= 50.
    expect(result.p90_coverage_pct).toBe(80);
  });
});

describe('densestRuntime', () => {
  it.each([
    { name: 'no runtimes', runtimes: [], expected: null },
    { name: 'one runtime is its own window', runtimes: [100], expected: 100 },
    { name: 'outlier loses to the cluster', runtimes: [100, 104, 5000, 98], expected: (0.75 * 104 + 1.25 * 98) / 2 },
  ])('$name', ({ runtimes, expected }) => {
    expect(densestRuntime(runtimes, 1)).toBe(expected);
  });
});

const KTH = 'traces/KTH-SP2-1996-2.1-cln.swf';
const kthPath = sharedDataPath(KTH);

describe.skipIf(kthPath === null)(`dofc eta-eval on a KTH prefix (${kthPath === null ? missingDataMessage(KTH) : KTH})`, () => {
  it('reports every metric for 3000 jobs', async () => {
    const run = await dofcCli(['eta-eval', kthPath as string, '--limit', '3000', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, number>;
    expect(result['jobs_counted']).toBeGreaterThan(2900);
    for (const key of ['within_25_pct', 'p90_coverage_pct', 'baseline_requested_within_25_pct', 'baseline_last2_within_25_pct']) {
      expect(result[key]).toBeGreaterThanOrEqual(0);
      expect(result[key]).toBeLessThanOrEqual(100);
    }
    expect(result['within_25_pct']).toBeGreaterThan(result['baseline_last2_within_25_pct'] as number);
  });

  it('trace without users is rejected', async () => {
    const lublin = sharedDataPath('traces/lublin_256.swf');
    if (lublin === null) return;
    const run = await dofcCli(['eta-eval', lublin]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no job with both a runtime/);
  });
});
