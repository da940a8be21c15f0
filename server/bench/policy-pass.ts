/**
 * One scheduling pass of the DOFC policy over 10,000 queued jobs from 1,000 users (p50 and p99
 * milliseconds per pass, heap), and sustained admissions per second.
 * Run: npx tsx server/bench/policy-pass.ts
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { dofcPolicy } from '../src/policy/dofc.js';
import type { PolicyJob, PolicySnapshot } from '../src/policy/types.js';
import { percentile } from '../src/replay/metrics.js';
import { benchSnapshot, BENCH_ZONE } from './policy-workload.js';

const PASSES = 60;
const WARMUP = 5;

function measurePasses(planningDepth: number): { p50: number; p99: number; cpuP50: number; cpuP99: number; starts: number; heapMb: number } {
  const policy = dofcPolicy({ timeZone: BENCH_ZONE, planningDepth });
  const base = benchSnapshot({ queued: 10_000, users: 1_000, running: 250, seed: 42 });
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let starts = 0;
  let heapPeak = 0;

  for (let i = 0; i < PASSES + WARMUP; i += 1) {
    // Each pass a second later, as a live scheduler would call it.
    const snapshot: PolicySnapshot = { ...base, now: base.now + i * 1000 };
    const begin = performance.now();
    const cpuBefore = process.cpuUsage();
    const decisions = policy.decide(snapshot);
    const elapsed = performance.now() - begin;
    const cpu = process.cpuUsage(cpuBefore);
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    if (i < WARMUP) continue;
    times.push(elapsed);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    starts = decisions.filter((d) => d.kind === 'start').length;
  }
  return {
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    cpuP50: percentile(cpuTimes, 0.5),
    cpuP99: percentile(cpuTimes, 0.99),
    starts,
    heapMb: heapPeak / 2 ** 20,
  };
}

/**
 * Measures a steady state around 2,000 queued jobs. Before each pass the oldest BATCH running
 * jobs end and BATCH new jobs arrive, as when a live scheduler runs a pass every few seconds.
 * The policy decides and its starts are applied. Admissions per second counts the starts over
 * wall time.
 */
const BATCH = 25;

function measureAdmissions(seconds: number): { admissions: number; passes: number; perSecond: number } {
  const policy = dofcPolicy({ timeZone: BENCH_ZONE });
  const state = benchSnapshot({ queued: 2_000, users: 1_000, running: 250, seed: 7 });
  const spare = benchSnapshot({ queued: 20_000, users: 1_000, running: 0, seed: 8 }).queued;
  let arrivals = 0;
  let now = state.now;
  let admissions = 0;
  let passes = 0;
  const begin = performance.now();

  while (performance.now() - begin < seconds * 1000) {
    now += 5000;
    state.running.splice(0, BATCH);
    for (let i = 0; i < BATCH; i += 1) {
      const arrival = spare[arrivals % spare.length] as PolicyJob;
      arrivals += 1;
      state.queued.push({ ...arrival, id: 1_000_000 + arrivals, submittedAt: now });
    }

    const decisions = policy.decide({ ...state, now });
    passes += 1;
    const started = new Set(decisions.filter((d) => d.kind === 'start').map((d) => d.jobId));
    admissions += started.size;
    const waiting: PolicyJob[] = [];
    for (const job of state.queued) {
      if (started.has(job.id)) state.running.push({ ...job, startedAt: now });
      else waiting.push(job);
    }
    state.queued = waiting;
  }
  const wall = (performance.now() - begin) / 1000;
  return { admissions, passes, perSecond: admissions / wall };
}

const pass = measurePasses(100);
const deep = measurePasses(1000);
const steady = measureAdmissions(5);
const round = (value: number): number => Math.round(value * 100) / 100;
console.log(
  JSON.stringify(
    {
      pass_10k_queued_1k_users: { planning_depth: 100, p50_ms: round(pass.p50), p99_ms: round(pass.p99), cpu_p50_ms: round(pass.cpuP50), cpu_p99_ms: round(pass.cpuP99), starts_per_pass: pass.starts, heap_peak_mb: round(pass.heapMb) },
      pass_10k_queued_depth_1000: { planning_depth: 1000, p50_ms: round(deep.p50), p99_ms: round(deep.p99), cpu_p50_ms: round(deep.cpuP50), cpu_p99_ms: round(deep.cpuP99), heap_peak_mb: round(deep.heapMb) },
      sustained: { admissions: steady.admissions, passes: steady.passes, admissions_per_s: round(steady.perSecond) },
      rss_mb: round(process.memoryUsage().rss / 2 ** 20),
      load_average: os.loadavg().map(round),
    },
    null,
    2,
  ),
);
