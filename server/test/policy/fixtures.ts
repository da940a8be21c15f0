import type { PolicyJob, PolicySnapshot, RunningPolicyJob } from '../../src/policy/types.js';

/** Builders for policy tests. Times are epoch milliseconds; Stockholm is UTC+1 in winter, UTC+2 in summer. */

export const STOCKHOLM = 'Europe/Stockholm';

/** An instant given as UTC fields, month 1-based. */
export function utc(year: number, month: number, day: number, hour = 0, minute = 0): number {
  return Date.UTC(year, month - 1, day, hour, minute);
}

export function job(id: number, overrides: Partial<PolicyJob> = {}): PolicyJob {
  return {
    id,
    owner: `user${id}`,
    team: 'default',
    label: 'H',
    pool: 'heavy',
    priority: 'P2',
    demand: { cores: 10, memGb: 40 },
    submittedAt: 0,
    notBefore: null,
    deadline: null,
    etaP50S: null,
    etaP90S: 3600,
    ...overrides,
  };
}

export function interactive(id: number, overrides: Partial<PolicyJob> = {}): PolicyJob {
  return job(id, { label: 'L', pool: 'interactive', etaP90S: 600, demand: { cores: 2, memGb: 8 }, ...overrides });
}

export function running(base: PolicyJob, startedAt: number, overrides: Partial<RunningPolicyJob> = {}): RunningPolicyJob {
  return { ...base, startedAt, ...overrides };
}

export function snapshot(now: number, overrides: Partial<PolicySnapshot> = {}): PolicySnapshot {
  return { now, capacity: { cores: 100, memGb: 400 }, running: [], queued: [], ...overrides };
}
