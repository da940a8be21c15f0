import { describe, expect, it } from 'vitest';
import type { Identity } from '../../src/auth/identity.js';
import { HIDDEN_OWNER, liveOpsFor } from '../../src/auth/live-ops-view.js';
import type { LiveOps, QueuedJob, UserUsage } from '../../src/observe/live-ops/live-ops.js';

function queued(jobId: number, owner: string): QueuedJob {
  return { job_id: jobId, owner, priority: 'P2', position: jobId, cores: 1, mem_gb: 1, submitted_at: '2026-01-01T00:00:00.000Z', waiting_s: 5, planned_start: null, reason: `waits behind the jobs of ${owner}` };
}

function usage(owner: string, team: string): UserUsage {
  return { owner, team, running: 1, queued: 1, cores: 1, mem_gb: 1, dominant_share: 0.25, fair_share: 0.5, above_fair_share: false };
}

const VIEW = {
  at: '2026-01-01T00:00:00.000Z',
  capacity: { cores: 4, mem_gb: 8 },
  in_use: { cores: 2, mem_gb: 2 },
  pools: [{ pool: 'interactive', in_use: { cores: 2, mem_gb: 2 }, running: 2, queue_length: 2, queue: [queued(1, 'ana'), queued(2, 'zoe')] }],
  users: [usage('ana', 'data'), usage('zoe', 'ml')],
  history: { step_s: 60, points: [] },
  pause_first: { job_id: 3, owner: 'ana', priority: 'P3', cores: 1, mem_gb: 1 },
  slo: { window_s: 900, queue_wait_p95_s: null, queue_wait_threshold_s: 30, queue_wait_samples: 0, cell_latency_p95_s: null, cell_latency_threshold_s: 2 },
} as unknown as LiveOps;

const zoe: Identity = { user: 'zoe', role: 'user', team: 'ml' };
const lea: Identity = { user: 'lea', role: 'team_lead', team: 'data' };
const admin: Identity = { user: 'admin', role: 'admin', team: null };

describe('live view per caller', () => {
  it('hides other owners from a user', () => {
    const view = liveOpsFor(VIEW, zoe);
    expect(view.pools[0]?.queue.map((job) => job.owner)).toEqual([HIDDEN_OWNER, 'zoe']);
    expect(view.users.map((user) => user.owner)).toEqual([HIDDEN_OWNER, 'zoe']);
    expect(view.pause_first?.owner).toBe(HIDDEN_OWNER);
  });

  it('drops the reason of a hidden job', () => {
    const view = liveOpsFor(VIEW, zoe);
    expect(view.pools[0]?.queue[0]?.reason).toBeNull();
    expect(view.pools[0]?.queue[1]?.reason).toBe('waits behind the jobs of zoe');
  });

  it('keeps positions and shares of hidden jobs', () => {
    const view = liveOpsFor(VIEW, zoe);
    expect(view.pools[0]?.queue.map((job) => job.position)).toEqual([1, 2]);
    expect(view.users[0]?.dominant_share).toBe(0.25);
  });

  it("shows a team lead their team's owners", () => {
    const view = liveOpsFor(VIEW, lea);
    expect(view.pools[0]?.queue.map((job) => job.owner)).toEqual(['ana', HIDDEN_OWNER]);
    expect(view.pause_first?.owner).toBe('ana');
  });

  it('shows an admin everything', () => {
    expect(liveOpsFor(VIEW, admin)).toBe(VIEW);
  });

  it('leaves no hidden name in the output', () => {
    expect(JSON.stringify(liveOpsFor(VIEW, zoe))).not.toContain('ana');
  });
});
