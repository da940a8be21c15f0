import { describe, expect, it } from 'vitest';
import { validatePolicyConfig } from '../../src/policy/config.js';
import { rankJobs, rankPool } from '../../src/policy/order.js';
import { job } from './fixtures.js';

const config = validatePolicyConfig({ fairShare: { teamWeights: { risk: 3 } } });
const capacity = { cores: 100, memGb: 400 };
const ids = (jobs: { id: number }[]): number[] => jobs.map((j) => j.id);

describe('rankPool', () => {
  it('orders priority bands before anything else', () => {
    const jobs = [job(1, { priority: 'P2' }), job(2, { priority: 'P0' }), job(3, { priority: 'P1' })];
    expect(ids(rankPool(jobs, new Map(), capacity, config))).toEqual([2, 3, 1]);
  });

  it('puts deadline jobs first in a band, earliest deadline first', () => {
    const jobs = [job(1), job(2, { deadline: 9000 }), job(3, { deadline: 5000 })];
    expect(ids(rankPool(jobs, new Map(), capacity, config))).toEqual([3, 2, 1]);
  });

  it('takes the user with the lowest dominant share first', () => {
    const jobs = [job(1, { owner: 'ana', submittedAt: 1 }), job(2, { owner: 'bo', submittedAt: 2 })];
    const shares = new Map([['ana', 0.5], ['bo', 0.1]]);
    expect(ids(rankPool(jobs, shares, capacity, config))).toEqual([2, 1]);
  });

  it('interleaves users as their shares grow, each in submit order', () => {
    const jobs = [
      job(1, { owner: 'ana', submittedAt: 1, demand: { cores: 10, memGb: 0 } }),
      job(2, { owner: 'ana', submittedAt: 2, demand: { cores: 10, memGb: 0 } }),
      job(3, { owner: 'ana', submittedAt: 3, demand: { cores: 10, memGb: 0 } }),
      job(4, { owner: 'bo', submittedAt: 4, demand: { cores: 20, memGb: 0 } }),
      job(5, { owner: 'bo', submittedAt: 5, demand: { cores: 20, memGb: 0 } }),
    ];
    expect(ids(rankPool(jobs, new Map(), capacity, config))).toEqual([1, 4, 2, 3, 5]);
  });

  it('lets a heavier team weight keep its turn longer', () => {
    const jobs = (team: string) => [
      job(1, { owner: 'ana', team, submittedAt: 1, demand: { cores: 10, memGb: 0 } }),
      job(2, { owner: 'ana', team, submittedAt: 2, demand: { cores: 10, memGb: 0 } }),
      job(3, { owner: 'bo', submittedAt: 3, demand: { cores: 10, memGb: 0 } }),
    ];
    const shares = new Map([['bo', 0.05]]);
    expect(ids(rankPool(jobs('risk'), shares, capacity, config))).toEqual([1, 2, 3]);
    expect(ids(rankPool(jobs('default'), shares, capacity, config))).toEqual([1, 3, 2]);
  });

  it('breaks equal shares by submit time', () => {
    const jobs = [job(1, { owner: 'bo', submittedAt: 5 }), job(2, { owner: 'ana', submittedAt: 7 })];
    expect(ids(rankPool(jobs, new Map(), capacity, config))).toEqual([1, 2]);
  });
});

describe('rankJobs', () => {
  it('ranks a job past the aging limit ahead of higher bands', () => {
    const hour = 3_600_000;
    const now = 4 * 86_400_000;
    const old = job(1, { priority: 'P2', submittedAt: 0 });
    const fresh = job(2, { priority: 'P0', submittedAt: now - hour });
    const ranked = rankJobs([fresh, old], [], new Map(), now, capacity, config);
    expect(ids(ranked.order)).toEqual([1, 2]);
    expect(ranked.aged.has(1)).toBe(true);
    expect(ranked.aged.has(2)).toBe(false);
  });

  it('places interactive jobs before heavy ones', () => {
    const ranked = rankJobs(
      [job(1, { submittedAt: 1 }), job(2, { pool: 'interactive', label: 'L', submittedAt: 2 })],
      [],
      new Map(),
      10,
      capacity,
      config,
    );
    expect(ids(ranked.order)).toEqual([2, 1]);
  });
});
