import { describe, expect, it } from 'vitest';
import { validatePolicyConfig } from '../../src/policy/config.js';
import { mapTrace, SYNTHETIC_ORIGIN_MS } from '../../src/replay/mapping.js';
import { parseSwf, TraceInputError } from '../../src/replay/swf.js';

const config = validatePolicyConfig({});

/** Builds one SWF job line from the fields that matter here. */
function line(id: number, fields: { submit?: number; run: number; alloc: number; req?: number; time?: number; user?: number; group?: number }): string {
  const { submit = 0, run, alloc, req = -1, time = -1, user = -1, group = -1 } = fields;
  return `${id} ${submit} -1 ${run} ${alloc} -1 -1 ${req} ${time} -1 1 ${user} ${group} -1 -1 -1 -1 -1`;
}

function mapped(lines: string[], header = '; MaxProcs: 100\n; UnixStartTime: 1000\n; TimeZoneString: Europe/Stockholm', clampToHeavy = true) {
  return mapTrace(parseSwf(`${header}\n${lines.join('\n')}\n`), { memPerCoreGb: 4, config, clampToHeavy });
}

describe('mapTrace', () => {
  it('reads capacity, zone and clock from the header', () => {
    const trace = mapped([line(1, { submit: 60, run: 10, alloc: 2 })]);
    expect(trace.capacity).toEqual({ cores: 100, memGb: 400 });
    expect(trace.timeZone).toBe('Europe/Stockholm');
    expect(trace.jobs[0]?.job.submittedAt).toBe(1_060_000);
  });

  it('starts a trace without a clock on Monday 2024-01-01 UTC', () => {
    const trace = mapped([line(1, { run: 10, alloc: 2 })], '; MaxProcs: 8');
    expect(trace.timeZone).toBe('UTC');
    expect(trace.originMs).toBe(SYNTHETIC_ORIGIN_MS);
  });

  it.each([
    ['takes the larger processor count as cores', line(1, { run: 100, alloc: 4, req: 6, time: 600 }), { cores: 6, memGb: 24 }, 600, 'interactive'],
    ['uses the runtime as p90 without a requested time', line(1, { run: 100, alloc: 4 }), { cores: 4, memGb: 16 }, 100, 'interactive'],
    ['routes a job over 45 min to heavy', line(1, { run: 100, alloc: 4, time: 2701 }), { cores: 4, memGb: 16 }, 2701, 'heavy'],
    ['routes a job wider than the floor to heavy', line(1, { run: 100, alloc: 31, time: 60 }), { cores: 31, memGb: 124 }, 60, 'heavy'],
  ])('%s', (_name, text, demand, p90, pool) => {
    const job = mapped([text]).jobs[0]?.job;
    expect(job?.demand).toEqual(demand);
    expect(job?.etaP90S).toBe(p90);
    expect(job?.pool).toBe(pool);
  });

  it('names users and teams from their ids', () => {
    const trace = mapped([line(1, { run: 1, alloc: 1, user: 7, group: 3 }), line(2, { run: 1, alloc: 1 })]);
    expect(trace.jobs.map((t) => [t.job.owner, t.job.team])).toEqual([
      ['u7', 'g3'],
      ['u0', 'default'],
    ]);
  });

  it('narrows a job wider than Heavy and stretches its runtime', () => {
    const trace = mapped([line(1, { run: 700, alloc: 100, time: 1400 })]);
    expect(trace.jobs[0]).toMatchObject({ runS: 1000, traceRunS: 700, job: { demand: { cores: 70 }, etaP90S: 2000 } });
    expect(trace.clamped).toBe(1);
    expect(mapped([line(1, { run: 700, alloc: 100, time: 1400 })], undefined, false).jobs[0]?.job.demand.cores).toBe(100);
  });

  it('drops jobs without processors or with a negative runtime', () => {
    const trace = mapped([line(1, { run: 10, alloc: -1 }), line(2, { run: -1, alloc: 2 }), line(3, { run: 10, alloc: 2 })]);
    expect(trace.jobs.map((t) => t.job.id)).toEqual([3]);
    expect(trace.dropped).toBe(2);
  });

  it('rejects a header without a machine size', () => {
    expect(() => mapped([line(1, { run: 10, alloc: 2 })], '; Version: 2')).toThrow(TraceInputError);
  });
});
