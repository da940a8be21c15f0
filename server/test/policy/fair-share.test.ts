import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validatePolicyConfig } from '../../src/policy/config.js';
import { accrueUsage, decayUsage, dominantShare, progressiveFill, userShares } from '../../src/policy/fair-share.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';
import { job, running, snapshot } from './fixtures.js';

const DRF_FILE = 'drf/drf_examples.json';
const drfPath = sharedDataPath(DRF_FILE);

interface DrfExample {
  id: string;
  capacity: { cpu: number; mem_gb: number };
  users: Record<string, { task_demand: { cpu: number; mem_gb: number } }>;
  expected_allocation: Record<string, { tasks: number; cpu: number; mem_gb: number; dominant_share: string }>;
}

function fraction(text: string): number {
  const [top, bottom] = text.split('/').map(Number);
  return (top ?? 0) / (bottom ?? 1);
}

describe.skipIf(drfPath === null)(`DRF golden vectors (${drfPath ?? missingDataMessage(DRF_FILE)})`, () => {
  const examples = drfPath === null ? [] : (JSON.parse(readFileSync(drfPath, 'utf8')) as { examples: DrfExample[] }).examples;

  it.each(examples.map((example) => [example.id, example] as const))('reproduces %s exactly', (_id, example) => {
    const capacity = { cores: example.capacity.cpu, memGb: example.capacity.mem_gb };
    const users = Object.entries(example.users).map(([name, user]) => ({
      name,
      taskDemand: { cores: user.task_demand.cpu, memGb: user.task_demand.mem_gb },
    }));
    const allocation = progressiveFill(capacity, users);

    for (const [name, expected] of Object.entries(example.expected_allocation)) {
      const got = allocation.get(name);
      expect(got?.tasks).toBe(expected.tasks);
      expect(got?.share).toBeCloseTo(fraction(expected.dominant_share), 12);
      const demand = users.find((user) => user.name === name)?.taskDemand;
      expect((demand?.cores ?? 0) * (got?.tasks ?? 0)).toBe(expected.cpu);
      expect((demand?.memGb ?? 0) * (got?.tasks ?? 0)).toBe(expected.mem_gb);
    }
  });
});

describe('fair share', () => {
  const config = validatePolicyConfig({ fairShare: { halfLifeS: 3600, teamWeights: { risk: 2 } } });

  it('takes the larger of the two resource shares', () => {
    expect(dominantShare({ cores: 1, memGb: 4 }, { cores: 9, memGb: 18 })).toBeCloseTo(2 / 9, 12);
  });

  it('halves usage every half-life', () => {
    const decayed = decayUsage({ owner: 'a', coreSeconds: 800, memGbSeconds: 80, asOf: 0 }, 2 * 3600 * 1000, 3600);
    expect(decayed.coreSeconds).toBeCloseTo(200, 9);
    expect(decayed.memGbSeconds).toBeCloseTo(20, 9);
  });

  it('accrues the same usage in one step or in many', () => {
    const start = { owner: 'a', coreSeconds: 0, memGbSeconds: 0, asOf: 0 };
    const held = { cores: 4, memGb: 16 };
    const once = accrueUsage(start, held, 5000 * 1000, 3600);
    let stepped = start;
    for (let t = 500; t <= 5000; t += 500) stepped = accrueUsage(stepped, held, t * 1000, 3600);
    expect(stepped.coreSeconds).toBeCloseTo(once.coreSeconds, 6);
    expect(stepped.memGbSeconds).toBeCloseTo(once.memGbSeconds, 6);
  });

  it('adds decayed usage and divides by the team weight', () => {
    const lifetimeS = 3600 / Math.LN2;
    const shares = userShares(
      snapshot(0, {
        running: [running(job(1, { owner: 'ana', team: 'risk', demand: { cores: 20, memGb: 0 } }), 0)],
        queued: [job(2, { owner: 'ana', team: 'risk' }), job(3, { owner: 'bo' })],
        usage: [{ owner: 'bo', coreSeconds: 0.1 * 100 * lifetimeS, memGbSeconds: 0, asOf: 0 }],
      }),
      config,
    );
    expect(shares.get('ana')).toBeCloseTo(0.1, 9);
    expect(shares.get('bo')).toBeCloseTo(0.1, 9);
  });

  it('rejects a task demand of zero', () => {
    expect(() => progressiveFill({ cores: 1, memGb: 1 }, [{ name: 'x', taskDemand: { cores: 0, memGb: 0 } }])).toThrow(/task demand of zero/);
  });
});
