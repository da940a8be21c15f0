import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_CONFIG } from '../../src/policy/config.js';
import { breachState } from '../../src/policy/preemption.js';
import { loadCellLatencyObservations, p95Seconds, readCellLatencyP95, storeCellLatencySamples } from '../../src/scheduler/cell-latency.js';
import { openDatabase } from '../../src/store/database.js';
import { createTestStore, storeKindUnderTest, type TestStore } from '../support/test-store.js';

const NOW = new Date('2026-03-02T10:00:00.000Z');

function secondsBefore(seconds: number): Date {
  return new Date(NOW.getTime() - seconds * 1000);
}

describe('cell-latency p95', () => {
  it.each([
    ['no samples give no value', [], 1, null],
    ['too few samples give no value', [900, 900], 3, null],
    ['one sample is its own p95', [1200], 1, 1.2],
    ['twenty samples take the 19th', Array.from({ length: 20 }, (_, i) => (i + 1) * 100), 1, 1.9],
    ['one slow cell in twenty-one is above p95', [...Array.from({ length: 20 }, () => 100), 60_000], 1, 0.1],
  ] as const)('%s', (_name, durations, minSamples, expected) => {
    expect(p95Seconds([...durations], minSamples)).toBe(expected);
  });
});

describe(`cell-latency signal on ${storeKindUnderTest()}`, () => {
  let store: TestStore;
  let db: Knex;
  const settings = { windowS: 10, minSamples: 1 };

  beforeAll(async () => {
    store = await createTestStore();
    db = await openDatabase(store.location);
  });
  afterAll(async () => {
    await db.destroy();
    await store.drop();
  });
  beforeEach(async () => {
    await db('cell_latency_samples').delete();
  });

  async function report(durationMs: number, secondsAgo: number): Promise<void> {
    await storeCellLatencySamples(db, [{ owner: 'ana', notebook: 'explore.ipynb', durationMs, at: secondsBefore(secondsAgo) }], NOW);
  }

  it('reads the p95 of the window that ends now', async () => {
    await report(400, 2);
    await report(7000, 5);
    await report(9000, 30);
    expect(await readCellLatencyP95(db, NOW, settings)).toEqual({ p95S: 7, samples: 2 });
  });

  it('sustains a breach that lasted the policy window', async () => {
    for (let ago = 0; ago <= 60; ago += 2) await report(8000, ago);
    const observations = await loadCellLatencyObservations(db, NOW, 120, settings);
    const breach = breachState(observations, NOW.getTime(), { preemption: { ...DEFAULT_POLICY_CONFIG.preemption, windowS: 60 } });
    expect(breach.sustained).toBe(true);
    expect(breach.detail).toBe('p95 cell latency 8.0 s');
  });

  it('does not sustain a breach younger than the window', async () => {
    for (let ago = 0; ago <= 20; ago += 2) await report(8000, ago);
    const observations = await loadCellLatencyObservations(db, NOW, 120, settings);
    const breach = breachState(observations, NOW.getTime(), { preemption: { ...DEFAULT_POLICY_CONFIG.preemption, windowS: 60 } });
    expect(breach.breaching).toBe(true);
    expect(breach.sustained).toBe(false);
  });

  it('clears once slow samples leave the window', async () => {
    for (let ago = 15; ago <= 60; ago += 2) await report(8000, ago);
    const observations = await loadCellLatencyObservations(db, NOW, 120, settings);
    expect(observations.at(-1)).toEqual({ at: NOW.getTime(), cellLatencyP95S: null });
    expect(breachState(observations, NOW.getTime(), DEFAULT_POLICY_CONFIG).breaching).toBe(false);
  });

  it('deletes samples older than an hour and the lookback', async () => {
    await report(500, 2 * 3600);
    await report(500, 30 * 60);
    await loadCellLatencyObservations(db, NOW, 120, settings);
    const left = await db('cell_latency_samples').count<{ count: string | number }[]>({ count: '*' }).first();
    expect(Number(left?.count)).toBe(1);
  });
});
