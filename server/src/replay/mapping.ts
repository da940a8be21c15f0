import { IANAZone } from 'luxon';
import type { DofcPolicyConfig } from '../policy/config.js';
import { heavyLimit } from '../policy/pools.js';
import { routeJob } from '../policy/routing.js';
import type { PolicyJob, Resources } from '../policy/types.js';
import { TraceInputError, type SwfRecord, type SwfTrace } from './swf.js';

/**
 * How a trace becomes DOFC jobs.
 * - Capacity: the header's MaxProcs (else MaxNodes) cores; memory is `memPerCoreGb` per core,
 *   because none of the shared traces records memory (field 7 is -1), so memory never binds
 *   before cores do.
 * - A job asks for max(allocated, requested) processors (fields 5 and 8) as cores, and
 *   cores × memPerCoreGb of memory. Jobs with no processor count or a negative runtime are dropped.
 * - Runtime is field 4. The p90 estimate is the requested time (field 9) when the trace has it,
 *   else the runtime itself, as RLScheduler does for traces without requests.
 * - Users are field 12 ("u<id>"), teams field 13 ("g<id>"); -1 becomes "u0" or "default".
 * - Every job is submitted as L and goes through the pre-flight routing: it stays interactive
 *   when its p90 is within the interactive maximum (45 min) and it is no wider than the
 *   business-hours floor (30% of the cores); otherwise it is H.
 * - Priority P2, no deadlines, no not-before.
 * - Clock: times are UnixStartTime (header) plus the submit time, in the header's
 *   TimeZoneString, so business hours follow the site's own clock. A trace without them (the
 *   Lublin model) starts on Monday 2024-01-01 00:00 UTC.
 * - With `clampToHeavy`, a heavy job wider than Heavy's business-hours limit is narrowed to it
 *   and its runtime and p90 stretched by the same factor (the same work, assuming linear
 *   speedup), because such a job could never run under the floor.
 */

export const SYNTHETIC_ORIGIN_MS = Date.UTC(2024, 0, 1);

export interface TraceJob {
  job: PolicyJob;
  /** Runtime the replay runs the job for, after any clamping. */
  runS: number;
  /** Runtime recorded in the trace; bounded slowdown divides by it. */
  traceRunS: number;
}

export interface MappedTrace {
  jobs: TraceJob[];
  capacity: Resources;
  timeZone: string;
  originMs: number;
  dropped: number;
  clamped: number;
}

export interface MappingOptions {
  memPerCoreGb: number;
  config: Pick<DofcPolicyConfig, 'interactive' | 'floor' | 'critical'>;
  clampToHeavy: boolean;
}

export function mapTrace(trace: SwfTrace, options: MappingOptions): MappedTrace {
  const cores = Number(trace.header['MaxProcs'] ?? trace.header['MaxNodes'] ?? NaN);
  if (!(cores > 0)) throw new TraceInputError('The trace header has no MaxProcs or MaxNodes; add a line "; MaxProcs: N" to the header.');
  const capacity = { cores, memGb: cores * options.memPerCoreGb };

  const zone = trace.header['TimeZoneString'];
  const timeZone = zone !== undefined && IANAZone.isValidZone(zone) ? zone : 'UTC';
  const unixStart = Number(trace.header['UnixStartTime'] ?? NaN);
  const originMs = Number.isFinite(unixStart) ? unixStart * 1000 : SYNTHETIC_ORIGIN_MS;
  const widest = Math.floor(heavyLimit(capacity, true, options.config).cores);

  const jobs: TraceJob[] = [];
  let dropped = 0;
  let clamped = 0;
  for (const record of trace.records) {
    const procs = Math.max(record.allocatedProcs, record.requestedProcs);
    if (procs <= 0 || record.runS < 0) {
      dropped += 1;
      continue;
    }
    const mapped = mapRecord(record, Math.min(procs, cores), originMs, capacity, options, widest);
    if (mapped.job.demand.cores < Math.min(procs, cores)) clamped += 1;
    jobs.push(mapped);
  }
  jobs.sort((a, b) => a.job.submittedAt - b.job.submittedAt || a.job.id - b.job.id);
  return { jobs, capacity, timeZone, originMs, dropped, clamped };
}

function mapRecord(
  record: SwfRecord,
  procs: number,
  originMs: number,
  capacity: Resources,
  options: MappingOptions,
  widest: number,
): TraceJob {
  const requested = record.requestedTimeS > 0 ? record.requestedTimeS : record.runS;
  const demand = { cores: procs, memGb: procs * options.memPerCoreGb };
  const routing = routeJob({ label: 'L', etaP90S: requested, estShuffleGb: null, demand, capacity }, options.config);

  let cores = procs;
  let stretch = 1;
  if (options.clampToHeavy && routing.pool === 'heavy' && procs > widest) {
    cores = widest;
    stretch = procs / widest;
  }

  const job: PolicyJob = {
    id: record.jobId,
    owner: record.userId > 0 ? `u${record.userId}` : 'u0',
    team: record.groupId > 0 ? `g${record.groupId}` : 'default',
    label: routing.label,
    pool: routing.pool,
    priority: 'P2',
    demand: { cores, memGb: cores * options.memPerCoreGb },
    submittedAt: originMs + record.submitS * 1000,
    notBefore: null,
    deadline: null,
    etaP50S: null,
    etaP90S: requested * stretch,
  };
  return { job, runS: record.runS * stretch, traceRunS: record.runS };
}
