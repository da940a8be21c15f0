import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../src/policy/calendar.js';
import { validatePolicyConfig } from '../../src/policy/config.js';
import { easyBackfillPolicy } from '../../src/policy/easy.js';
import { strictFcfsPolicy } from '../../src/policy/fcfs.js';
import type { Policy, PolicyJob } from '../../src/policy/types.js';
import type { TraceJob } from '../../src/replay/mapping.js';
import { simulate } from '../../src/replay/simulator.js';

const config = validatePolicyConfig({});

function traceJob(id: number, submitS: number, cores: number, runS: number): TraceJob {
  const job: PolicyJob = {
    id,
    owner: `u${id}`,
    team: 'default',
    label: 'H',
    pool: 'heavy',
    priority: 'P2',
    demand: { cores, memGb: cores },
    submittedAt: submitS * 1000,
    notBefore: null,
    deadline: null,
    etaP50S: null,
    etaP90S: runS,
  };
  return { job, runS, traceRunS: runS };
}

/** On 4 cores: a 3-core job, then a 4-core job that must wait, then a short 1-core job. */
const JOBS = [traceJob(1, 0, 3, 100), traceJob(2, 1, 4, 100), traceJob(3, 2, 1, 50)];

function starts(policy: Policy): Record<number, number | null> {
  const result = simulate(JOBS, { policy, capacity: { cores: 4, memGb: 4 }, calendar: new BusinessCalendar(config), floorConfig: config, signal: null });
  return Object.fromEntries(result.outcomes.map((o) => [o.id, o.firstStart === null ? null : o.firstStart / 1000]));
}

describe('simulate', () => {
  it('keeps strict FCFS order on the whole machine', () => {
    expect(starts(strictFcfsPolicy())).toEqual({ 1: 0, 2: 100, 3: 200 });
  });

  it('backfills a short job under EASY without delaying the head', () => {
    expect(starts(easyBackfillPolicy())).toEqual({ 1: 0, 2: 100, 3: 2 });
  });

  it('records the start promised at the first decision', () => {
    const result = simulate(JOBS, { policy: strictFcfsPolicy(), capacity: { cores: 4, memGb: 4 }, calendar: new BusinessCalendar(config), floorConfig: config, signal: null });
    const promised = Object.fromEntries(result.outcomes.map((o) => [o.id, o.promisedStart === null ? null : o.promisedStart / 1000]));
    expect(promised).toEqual({ 1: 0, 2: 100, 3: 200 });
  });

  it('stops with a job that never fits left unstarted', () => {
    const jobs = [traceJob(1, 0, 2, 100), traceJob(2, 5, 8, 100)];
    const result = simulate(jobs, { policy: easyBackfillPolicy(), capacity: { cores: 4, memGb: 4 }, calendar: new BusinessCalendar(config), floorConfig: config, signal: null });
    expect(result.outcomes.find((o) => o.id === 1)?.end).toBe(100_000);
    expect(result.outcomes.find((o) => o.id === 2)?.firstStart).toBeNull();
  });

  it('ends every job after its runtime', () => {
    const result = simulate(JOBS, { policy: easyBackfillPolicy(), capacity: { cores: 4, memGb: 4 }, calendar: new BusinessCalendar(config), floorConfig: config, signal: null });
    for (const outcome of result.outcomes) {
      expect(((outcome.end ?? 0) - (outcome.firstStart ?? 0)) / 1000).toBe(outcome.traceRunS);
    }
  });
});
