import type { PolicyJob, PolicySnapshot, RunningPolicyJob } from '../src/policy/types.js';
import { seededRandom } from '../src/replay/sequences.js';

/** A synthetic cluster state for the policy benchmarks: the same for a given seed. */

export const BENCH_ZONE = 'Europe/Stockholm';
/** Monday 2025-03-31 10:00 in Stockholm, inside business hours. */
export const BENCH_NOW = Date.UTC(2025, 2, 31, 8);

export interface WorkloadShape {
  queued: number;
  users: number;
  running: number;
  seed: number;
}

export function benchSnapshot(shape: WorkloadShape): PolicySnapshot {
  const random = seededRandom(shape.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  let nextId = 1;

  const makeJob = (submittedAt: number): PolicyJob => {
    const interactive = random() < 0.3;
    const cores = interactive ? pick([1, 2, 4, 8]) : pick([2, 4, 8, 16, 32]);
    const owner = `user${Math.floor(random() * shape.users)}`;
    return {
      id: nextId++,
      owner,
      team: `team${owner.length % 7}`,
      label: interactive ? 'L' : 'H',
      pool: interactive ? 'interactive' : 'heavy',
      priority: pick(['P0', 'P1', 'P2', 'P2', 'P2'] as const),
      demand: { cores, memGb: cores * pick([2, 4, 8]) },
      submittedAt,
      notBefore: random() < 0.05 ? BENCH_NOW + Math.floor(random() * 8 * 3_600_000) : null,
      deadline: random() < 0.05 ? BENCH_NOW + Math.floor(random() * 48 * 3_600_000) : null,
      etaP50S: null,
      etaP90S: interactive ? 60 + Math.floor(random() * 2600) : 300 + Math.floor(random() * 12 * 3600),
    };
  };

  const running: RunningPolicyJob[] = [];
  for (let i = 0; i < shape.running; i += 1) {
    const job = makeJob(BENCH_NOW - 7_200_000);
    running.push({ ...job, startedAt: BENCH_NOW - Math.floor(random() * 3_600_000) });
  }
  const queued = Array.from({ length: shape.queued }, () => makeJob(BENCH_NOW - Math.floor(random() * 86_400_000)));
  const usage = Array.from({ length: shape.users }, (_, i) => ({
    owner: `user${i}`,
    coreSeconds: random() * 1e7,
    memGbSeconds: random() * 4e7,
    asOf: BENCH_NOW - 3_600_000,
  }));

  return {
    now: BENCH_NOW,
    capacity: { cores: 4000, memGb: 16_000 },
    running,
    queued,
    usage,
    reservations: [
      { id: 'r1', start: BENCH_NOW + 9 * 3_600_000, end: BENCH_NOW + 13 * 3_600_000, capacity: { cores: 800, memGb: 3200 }, team: 'team3' },
    ],
  };
}
