import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../src/policy/calendar.js';
import { validatePolicyConfig } from '../../src/policy/config.js';
import { dofcPolicy } from '../../src/policy/dofc.js';
import { expectedEnd } from '../../src/policy/estimate.js';
import { heavyLimit } from '../../src/policy/pools.js';
import type { Decision, PolicyJob, PolicySnapshot, RunningPolicyJob } from '../../src/policy/types.js';
import { simulate } from '../../src/replay/simulator.js';
import { STOCKHOLM, utc } from './fixtures.js';

/** Monday 2025-03-31 00:00 in Stockholm. */
const WEEK_START = utc(2025, 3, 30, 22);

interface Case {
  capacity: number;
  now: number;
  maxPerUser: number;
  critical: boolean;
  running: PolicyJob[];
  elapsed: number[];
  queued: PolicyJob[];
  reservation: boolean;
}

const jobArbitrary = fc.record({
  owner: fc.constantFrom('ana', 'bo', 'cy', 'di'),
  team: fc.constantFrom('risk', 'quant'),
  pool: fc.constantFrom('interactive' as const, 'heavy' as const),
  priority: fc.constantFrom('P0' as const, 'P1' as const, 'P2' as const),
  cores: fc.integer({ min: 1, max: 40 }),
  memGb: fc.integer({ min: 1, max: 160 }),
  p90S: fc.integer({ min: 60, max: 16 * 3600 }),
  ageS: fc.integer({ min: 0, max: 4 * 86_400 }),
  approved: fc.boolean(),
  notBeforeS: fc.option(fc.integer({ min: 0, max: 8 * 3600 }), { freq: 5 }),
});

type JobSpec = typeof jobArbitrary extends fc.Arbitrary<infer T> ? T : never;

const caseArbitrary: fc.Arbitrary<Case> = fc
  .record({
    capacity: fc.integer({ min: 20, max: 160 }),
    nowMinutes: fc.integer({ min: 0, max: 7 * 24 * 60 - 1 }),
    maxPerUser: fc.integer({ min: 1, max: 3 }),
    critical: fc.boolean(),
    running: fc.array(jobArbitrary, { maxLength: 12 }),
    elapsedFraction: fc.array(fc.double({ min: 0, max: 1.3, noNaN: true }), { minLength: 12, maxLength: 12 }),
    queued: fc.array(jobArbitrary, { maxLength: 40 }),
    reservation: fc.boolean(),
  })
  .map((raw) => {
    const now = WEEK_START + raw.nowMinutes * 60_000;
    const toJob = (spec: JobSpec, id: number): PolicyJob => ({
      id,
      owner: spec.owner,
      team: spec.team,
      label: spec.pool === 'heavy' ? 'H' : 'L',
      pool: spec.pool,
      priority: spec.priority,
      demand: { cores: spec.cores, memGb: spec.memGb },
      submittedAt: now - spec.ageS * 1000,
      notBefore: spec.notBeforeS === null ? null : now + spec.notBeforeS * 1000,
      deadline: null,
      etaP50S: null,
      etaP90S: spec.pool === 'interactive' ? Math.min(spec.p90S, 2700) : spec.p90S,
      criticalApproved: spec.approved,
    });
    return {
      capacity: raw.capacity,
      now,
      maxPerUser: raw.maxPerUser,
      critical: raw.critical,
      running: raw.running.map((spec, i) => toJob(spec, 1000 + i)),
      elapsed: raw.elapsedFraction,
      queued: raw.queued.map((spec, i) => toJob(spec, i + 1)),
      reservation: raw.reservation,
    };
  });

function configOf(c: Case) {
  return validatePolicyConfig({
    timeZone: STOCKHOLM,
    heavy: { maxRunningPerUser: c.maxPerUser },
    critical: { enabled: c.critical },
    planningDepth: 15,
  });
}

/**
 * Builds a snapshot whose running jobs already respect capacity, the user cap and the business-hours
 * limit of Heavy (the stricter one, so they respect the floor over all of their runtime).
 */
function snapshotOf(c: Case): PolicySnapshot {
  const config = configOf(c);
  const capacity = { cores: c.capacity, memGb: c.capacity * 4 };
  const limit = heavyLimit(capacity, true, config);
  const running: RunningPolicyJob[] = [];
  const used = { cores: 0, memGb: 0 };
  const heavy = { cores: 0, memGb: 0 };
  const perUser = new Map<string, number>();

  c.running.forEach((job, i) => {
    const machineLeft = { cores: capacity.cores * (1 - (c.critical ? config.critical.share : 0)) - used.cores, memGb: capacity.memGb * (1 - (c.critical ? config.critical.share : 0)) - used.memGb };
    if (job.demand.cores > machineLeft.cores || job.demand.memGb > machineLeft.memGb) return;
    if (job.pool === 'heavy') {
      if (heavy.cores + job.demand.cores > limit.cores || heavy.memGb + job.demand.memGb > limit.memGb) return;
      if ((perUser.get(job.owner) ?? 0) >= c.maxPerUser) return;
      heavy.cores += job.demand.cores;
      heavy.memGb += job.demand.memGb;
      perUser.set(job.owner, (perUser.get(job.owner) ?? 0) + 1);
    }
    used.cores += job.demand.cores;
    used.memGb += job.demand.memGb;
    const elapsedMs = Math.round((c.elapsed[i] ?? 0) * (job.etaP90S ?? 0) * 1000);
    running.push({ ...job, startedAt: c.now - elapsedMs });
  });

  const reservations = c.reservation
    ? [{ id: 'r1', start: c.now + 2 * 3_600_000, end: c.now + 6 * 3_600_000, capacity: { cores: Math.floor(c.capacity * 0.3), memGb: c.capacity }, team: 'risk' }]
    : [];
  return { now: c.now, capacity, running, queued: c.queued, reservations };
}

function started(decisions: Decision[], state: PolicySnapshot): PolicyJob[] {
  const ids = new Set(decisions.filter((d) => d.kind === 'start').map((d) => d.jobId));
  return state.queued.filter((job) => ids.has(job.id));
}

function stillRunning(decisions: Decision[], state: PolicySnapshot): RunningPolicyJob[] {
  const paused = new Set(decisions.filter((d) => d.kind === 'pause').map((d) => d.jobId));
  return state.running.filter((job) => !paused.has(job.id));
}

const RUNS = { numRuns: 150 };

describe('dofc policy properties', () => {
  it('never commits more cores or memory than the machine has', () => {
    fc.assert(
      fc.property(caseArbitrary, (c) => {
        const state = snapshotOf(c);
        const decisions = dofcPolicy(configOf(c)).decide(state);
        const holding = [...stillRunning(decisions, state), ...started(decisions, state)];
        const cores = holding.reduce((sum, job) => sum + job.demand.cores, 0);
        const memory = holding.reduce((sum, job) => sum + job.demand.memGb, 0);
        expect(cores).toBeLessThanOrEqual(state.capacity.cores + 1e-9);
        expect(memory).toBeLessThanOrEqual(state.capacity.memGb + 1e-9);
      }),
      RUNS,
    );
  });

  it('keeps Heavy within its limit at every business-hours instant of the plan', () => {
    fc.assert(
      fc.property(caseArbitrary, (c) => {
        const config = configOf(c);
        const calendar = new BusinessCalendar(config);
        const state = snapshotOf(c);
        const decisions = dofcPolicy(config).decide(state);
        const startedHeavy = decisions.filter((d) => d.kind === 'start' && d.lane === undefined);
        const intervals = [
          ...stillRunning(decisions, state)
            .filter((job) => job.pool === 'heavy' && job.lane !== 'critical')
            .map((job) => ({ job, end: expectedEnd(job, state.now, config) })),
          ...started(decisions, state)
            .filter((job) => job.pool === 'heavy' && startedHeavy.some((d) => d.jobId === job.id))
            .map((job) => ({ job, end: state.now + (job.etaP90S ?? 0) * 1000 })),
        ];
        const horizon = Math.max(state.now, ...intervals.map((i) => i.end));
        const instants = [state.now, ...calendar.transitionsBetween(state.now, horizon).map((t) => t.at), ...intervals.map((i) => i.end)];
        for (const at of instants) {
          if (!calendar.isBusinessTime(at)) continue;
          const limit = heavyLimit(state.capacity, true, config);
          const held = intervals.filter((i) => i.end > at).reduce((sum, i) => sum + i.job.demand.cores, 0);
          expect(held).toBeLessThanOrEqual(limit.cores + 1e-9);
        }
      }),
      RUNS,
    );
  });

  it('keeps every user within the heavy cap', () => {
    fc.assert(
      fc.property(caseArbitrary, (c) => {
        const state = snapshotOf(c);
        const decisions = dofcPolicy(configOf(c)).decide(state);
        const counts = new Map<string, number>();
        for (const job of [...stillRunning(decisions, state), ...started(decisions, state)]) {
          if (job.pool === 'heavy') counts.set(job.owner, (counts.get(job.owner) ?? 0) + 1);
        }
        for (const count of counts.values()) expect(count).toBeLessThanOrEqual(c.maxPerUser);
      }),
      RUNS,
    );
  });

  it('never delays a higher-ranked job by starting a lower-ranked one', () => {
    fc.assert(
      fc.property(caseArbitrary, (c) => {
        const policy = dofcPolicy(configOf(c));
        const state = snapshotOf(c);
        const placed = policy.decide(state).filter((d) => d.kind !== 'pause');
        placed.forEach((decision, index) => {
          if (decision.kind !== 'start') return;
          const without = policy.decide({ ...state, queued: state.queued.filter((job) => job.id !== decision.jobId) });
          for (const ahead of placed.slice(0, index)) {
            const again = without.find((d) => d.jobId === ahead.jobId);
            expect(again?.kind).toBe(ahead.kind);
            if (ahead.kind === 'wait' && again?.kind === 'wait') expect(again.plannedStart).toBe(ahead.plannedStart);
          }
        });
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same decisions for the same inputs in any order', () => {
    fc.assert(
      fc.property(caseArbitrary, (c) => {
        const state = snapshotOf(c);
        const first = dofcPolicy(configOf(c)).decide(state);
        const shuffled = { ...state, queued: [...state.queued].reverse(), running: [...state.running].reverse() };
        expect(dofcPolicy(configOf(c)).decide(shuffled)).toEqual(first);
      }),
      RUNS,
    );
  });

  it('holds the floor at every instant when runtimes match their p90', () => {
    const config = validatePolicyConfig({ timeZone: STOCKHOLM, heavy: { maxRunningPerUser: 3 } });
    const calendar = new BusinessCalendar(config);
    fc.assert(
      fc.property(fc.array(jobArbitrary, { minLength: 5, maxLength: 40 }), fc.integer({ min: 0, max: 7 * 24 * 60 }), (specs, startMinutes) => {
        const start = WEEK_START + startMinutes * 60_000;
        const jobs = specs.map((spec, i) => {
          const p90S = spec.pool === 'interactive' ? Math.min(spec.p90S, 2700) : spec.p90S;
          const job: PolicyJob = {
            id: i + 1,
            owner: spec.owner,
            team: spec.team,
            label: spec.pool === 'heavy' ? 'H' : 'L',
            pool: spec.pool,
            priority: spec.priority,
            demand: { cores: Math.min(spec.cores, 30), memGb: spec.memGb },
            submittedAt: start + spec.ageS * 100,
            notBefore: null,
            deadline: null,
            etaP50S: null,
            etaP90S: p90S,
          };
          return { job, runS: p90S, traceRunS: p90S };
        });
        jobs.sort((a, b) => a.job.submittedAt - b.job.submittedAt || a.job.id - b.job.id);
        const result = simulate(jobs, {
          policy: dofcPolicy(config),
          capacity: { cores: 100, memGb: 400 },
          calendar,
          floorConfig: config,
          signal: null,
        });
        expect(result.floorViolations).toBe(0);
        expect(result.outcomes.every((outcome) => outcome.end !== null)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
