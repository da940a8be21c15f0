import { beforeAll, describe, expect, it } from 'vitest';
import type { ReplayReport } from '../../src/replay/metrics.js';
import { replayTraceFile } from '../../src/replay/replay.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';

const KTH = 'traces/KTH-SP2-1996-2.1-cln.swf';
const kthPath = sharedDataPath(KTH);
const PREFIX = 1500;

describe.skipIf(kthPath === null)(`replay of the KTH prefix (${kthPath ?? missingDataMessage(KTH)})`, () => {
  const file = kthPath ?? '';
  let dofc: ReplayReport;
  let fifo: ReplayReport;
  let easy: ReplayReport;

  beforeAll(() => {
    dofc = replayTraceFile(file, { policy: 'dofc', limit: PREFIX });
    fifo = replayTraceFile(file, { policy: 'fifo', limit: PREFIX });
    easy = replayTraceFile(file, { policy: 'easy', limit: PREFIX });
  });

  it('schedules every job under every policy', () => {
    for (const report of [dofc, fifo, easy]) {
      expect(report.jobs).toBe(PREFIX);
      expect(report.unscheduled).toBe(0);
    }
  });

  it('keeps the floor under DOFC, which the baselines do not', () => {
    expect(dofc.floor_violations).toBe(0);
    expect(dofc.floor_violation_s).toBe(0);
    expect(fifo.floor_violations).toBeGreaterThan(0);
  });

  it('serves interactive jobs faster than the baselines', () => {
    expect(dofc.interactive_wait_p95_s).toBeLessThan(easy.interactive_wait_p95_s);
    expect(dofc.interactive_wait_p95_s).toBeLessThan(fifo.interactive_wait_p95_s);
  });

  it('slows jobs down less than strict FCFS', () => {
    expect(dofc.avg_bounded_slowdown).toBeLessThan(fifo.avg_bounded_slowdown);
    expect(easy.avg_bounded_slowdown).toBeLessThan(fifo.avg_bounded_slowdown);
  });

  it('reports every metric in range', () => {
    for (const report of [dofc, fifo, easy]) {
      expect(report.utilization).toBeGreaterThan(0);
      expect(report.utilization).toBeLessThanOrEqual(1);
      expect(report.jain_fairness).toBeGreaterThan(0);
      expect(report.jain_fairness).toBeLessThanOrEqual(1);
      expect(report.promise_within_tolerance_pct).toBeGreaterThanOrEqual(0);
      expect(report.promise_within_tolerance_pct).toBeLessThanOrEqual(100);
      expect(report.avg_bounded_slowdown).toBeGreaterThanOrEqual(1);
    }
  });

  it('gives the same report on a second run', () => {
    const again = replayTraceFile(file, { policy: 'dofc', limit: PREFIX });
    expect({ ...again, wall_s: 0 }).toEqual({ ...dofc, wall_s: 0 });
  });
});
