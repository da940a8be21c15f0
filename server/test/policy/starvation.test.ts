import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../src/policy/calendar.js';
import { validatePolicyConfig } from '../../src/policy/config.js';
import { dofcPolicy } from '../../src/policy/dofc.js';
import type { TraceJob } from '../../src/replay/mapping.js';
import { simulate } from '../../src/replay/simulator.js';
import { job, utc } from './fixtures.js';

const START = utc(2025, 3, 31);
const MINUTE = 60_000;

/**
 * Builds a stream of P0 jobs that always has one waiting, each filling Heavy for 15 min, and one P2
 * job from another user submitted a minute after the stream begins.
 */
function workload(): TraceJob[] {
  const stream = Array.from({ length: 40 }, (_, i) => ({
    job: job(i + 1, { owner: 'ana', priority: 'P0', demand: { cores: 90, memGb: 90 }, etaP90S: 900, submittedAt: START + i * 10 * MINUTE }),
    runS: 900,
    traceRunS: 900,
  }));
  const victim = { job: job(100, { owner: 'bo', demand: { cores: 90, memGb: 90 }, etaP90S: 900, submittedAt: START + MINUTE }), runS: 900, traceRunS: 900 };
  return [...stream, victim].sort((a, b) => a.job.submittedAt - b.job.submittedAt);
}

function waitOfVictimS(agingS: number): number {
  // No business days, so Heavy may always hold 90% and the calendar plays no part.
  const config = validatePolicyConfig({
    calendar: { businessDays: [] },
    heavy: { maxRunningPerUser: 10 },
    fairShare: { agingS: { interactive: 3600, heavy: agingS } },
  });
  const result = simulate(workload(), {
    policy: dofcPolicy(config),
    capacity: { cores: 100, memGb: 400 },
    calendar: new BusinessCalendar(config),
    floorConfig: config,
    signal: null,
  });
  const outcome = result.outcomes.find((o) => o.id === 100);
  return ((outcome?.firstStart ?? Infinity) - (outcome?.submittedAt ?? 0)) / 1000;
}

describe('starvation bound', () => {
  it('starts an aged job within the aging limit plus one running p90', () => {
    // Once aged, the job ranks ahead of every job submitted after it, so it waits at most for
    // the jobs running when it aged: here one 15-min job.
    expect(waitOfVictimS(3600)).toBeLessThanOrEqual(3600 + 900);
  });

  it('leaves a P2 job behind a P0 stream without aging', () => {
    expect(waitOfVictimS(30 * 86_400)).toBeGreaterThan(6 * 3600);
  });
});
