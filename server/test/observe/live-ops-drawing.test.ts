import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../src/policy/calendar.js';
import { validatePolicyConfig } from '../../src/policy/config.js';
import { fairShares } from '../../src/observe/live-ops/fair-share-view.js';
import type { LiveOps } from '../../src/observe/live-ops/live-ops.js';
import { percentile95, waitSeconds } from '../../src/observe/live-ops/slo-signals.js';
import { usageHistory, type HeldInterval } from '../../src/observe/live-ops/usage-history.js';
import { apiFetch, postJson, startTestService, waitForState, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

const CONFIG = validatePolicyConfig({ timeZone: 'UTC', calendar: { businessDays: [1, 2, 3, 4, 5] } });
const CALENDAR = new BusinessCalendar(CONFIG);
const CAPACITY = { cores: 10, memGb: 40 };
// Monday 2026-11-30, 10:00 UTC, inside business hours.
const MONDAY_10 = Date.parse('2026-11-30T10:00:00Z');
const MINUTE = 60_000;

function interval(pool: string, cores: number, fromMin: number, toMin: number | null): HeldInterval {
  return { pool, cores, memGb: cores * 4, from: MONDAY_10 + fromMin * MINUTE, to: toMin === null ? null : MONDAY_10 + toMin * MINUTE };
}

describe('usage history', () => {
  const cases: Array<{ name: string; intervals: HeldInterval[]; atMin: number; cores: number; heavy: number }> = [
    { name: 'counts an attempt from its claim', intervals: [interval('heavy', 4, -20, null)], atMin: -20, cores: 4, heavy: 4 },
    { name: 'drops an attempt at its end', intervals: [interval('heavy', 4, -30, -10)], atMin: -10, cores: 0, heavy: 0 },
    { name: 'counts a running attempt up to now', intervals: [interval('interactive', 2, -5, null)], atMin: 0, cores: 2, heavy: 0 },
    {
      name: 'adds overlapping attempts of both pools',
      intervals: [interval('heavy', 4, -60, null), interval('interactive', 3, -15, -5)],
      atMin: -10,
      cores: 7,
      heavy: 4,
    },
  ];

  it.each(cases)('$name', ({ intervals, atMin, cores, heavy }) => {
    const history = usageHistory(intervals, CAPACITY, CALENDAR, CONFIG, MONDAY_10, 3600, 300);
    const point = history.points.find((candidate) => Date.parse(candidate.at) === MONDAY_10 + atMin * MINUTE);
    expect(point?.cores).toBe(cores);
    expect(point?.mem_gb).toBe(cores * 4);
    expect(point?.heavy_cores).toBe(heavy);
    expect(point?.interactive_cores).toBe(cores - heavy);
  });

  it('ends at now with evenly spaced points', () => {
    const history = usageHistory([], CAPACITY, CALENDAR, CONFIG, MONDAY_10, 3600, 300);
    expect(history.points).toHaveLength(13);
    expect(history.points.at(-1)?.at).toBe(new Date(MONDAY_10).toISOString());
    expect(Date.parse(history.points[1]?.at ?? '') - Date.parse(history.points[0]?.at ?? '')).toBe(300_000);
  });

  it('steps the floor at the start of business hours', () => {
    const nine = Date.parse('2026-11-30T09:00:00Z');
    const history = usageHistory([], CAPACITY, CALENDAR, CONFIG, nine + 10 * MINUTE, 1200, 600);
    expect(history.points.map((point) => point.floor_cores)).toEqual([1, 3, 3]);
    expect(history.points.map((point) => point.floor_mem_gb)).toEqual([4, 12, 12]);
  });
});

describe('fair shares', () => {
  const weighted = validatePolicyConfig({ fairShare: { teamWeights: { ml: 2 } } });
  const cases = [
    {
      name: 'splits equally between equal weights',
      users: [{ owner: 'ana', team: 'data', dominant_share: 0.6 }, { owner: 'ben', team: 'data', dominant_share: 0.1 }],
      fair: [0.5, 0.5],
      above: [true, false],
    },
    {
      name: 'gives a heavier team a larger share',
      users: [{ owner: 'ana', team: 'data', dominant_share: 0.4 }, { owner: 'zoe', team: 'ml', dominant_share: 0.6 }],
      fair: [0.3333, 0.6667],
      above: [true, false],
    },
    {
      name: 'does not mark a user exactly at its share',
      users: [{ owner: 'ana', team: 'data', dominant_share: 1 }],
      fair: [1],
      above: [false],
    },
  ];

  it.each(cases)('$name', ({ users, fair, above }) => {
    const shares = fairShares(users, weighted);
    expect(shares.map((share) => share.fair_share)).toEqual(fair);
    expect(shares.map((share) => share.above_fair_share)).toEqual(above);
  });
});

describe('queue wait percentile', () => {
  const cases: Array<{ name: string; values: number[]; p95: number | null }> = [
    { name: 'is null without samples', values: [], p95: null },
    { name: 'is the only sample', values: [7], p95: 7 },
    { name: 'takes the nearest rank of twenty', values: Array.from({ length: 20 }, (_, i) => i + 1), p95: 19 },
    { name: 'ignores input order', values: [30, 1, 2], p95: 30 },
  ];

  it.each(cases)('$name', ({ values, p95 }) => {
    expect(percentile95(values)).toBe(p95);
  });

  it('counts a queued job up to now', () => {
    const now = MONDAY_10;
    expect(waitSeconds([{ queuedAt: now - 9000, startedAt: null }, { queuedAt: now - 60_000, startedAt: now - 58_000 }], now)).toEqual([9, 2]);
  });
});

describe(`live view fields on ${storeKindUnderTest()}`, () => {
  let service: TestService;
  const jobIds: number[] = [];

  async function submit(content: string): Promise<number> {
    const response = await postJson(service.url, '/jobs', { owner: 'ana', source: { kind: 'script', content } });
    expect(response.status, await response.clone().text()).toBe(201);
    const id = ((await response.json()) as { job_id: number }).job_id;
    jobIds.push(id);
    return id;
  }

  async function live(): Promise<LiveOps> {
    return (await (await apiFetch(service.url, '/ops/live')).json()) as LiveOps;
  }

  beforeAll(async () => {
    service = await startTestService({ capacity: { cores: 1, memGb: 4 } });
  }, 60_000);
  afterAll(async () => {
    for (const id of jobIds) await postJson(service.url, `/jobs/${id}/cancel`, {});
    if (jobIds[0] !== undefined) await waitForState(service.url, jobIds[0], undefined, 30_000);
    await service?.stopAndDrop();
  });

  it('starts empty without signals', async () => {
    const view = await live();
    expect(view.history.points).toHaveLength(37);
    expect(view.history.points.at(-1)?.cores).toBe(0);
    expect(view.pause_first).toBeNull();
    expect(view.slo.queue_wait_p95_s).toBeNull();
    expect(view.slo.queue_wait_threshold_s).toBe(5);
    expect(view.slo.cell_latency_threshold_s).toBe(5);
  });

  it('counts running use and queued waits', async () => {
    // The holder takes the only core, so the second job waits in the interactive queue.
    const holder = await submit('import time\ntime.sleep(60)');
    await waitForState(service.url, holder, new Set(['running']));
    const waiter = await submit('print(1)');
    await waitForState(service.url, waiter, new Set(['queued']));

    const view = await live();
    expect(view.history.points.at(-1)?.cores).toBe(1);
    expect(view.history.points.at(-1)?.interactive_cores).toBe(1);
    // The holder's wait before it started counts as well as the waiter's wait so far.
    expect(view.slo.queue_wait_samples).toBe(2);
    expect(view.slo.queue_wait_p95_s).not.toBeNull();
    expect(view.users).toEqual([expect.objectContaining({ owner: 'ana', fair_share: 1, above_fair_share: false })]);
    expect(view.pause_first).toBeNull();
  }, 60_000);
});
