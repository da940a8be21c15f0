import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BusinessCalendar } from '../policy/calendar.js';
import { validatePolicyConfig, type DofcPolicyConfig, type DofcPolicyConfigInput } from '../policy/config.js';
import { dofcPolicy } from '../policy/dofc.js';
import { easyBackfillPolicy } from '../policy/easy.js';
import { strictFcfsPolicy } from '../policy/fcfs.js';
import type { Policy } from '../policy/types.js';
import { mapTrace, type MappedTrace } from './mapping.js';
import { buildReport, type ReplayReport } from './metrics.js';
import { simulate } from './simulator.js';
import { parseSwf } from './swf.js';

export const REPLAY_POLICIES = ['dofc', 'fifo', 'easy'] as const;
export type ReplayPolicyName = (typeof REPLAY_POLICIES)[number];

/** Memory per core given to trace jobs and machines, since the traces record none. */
export const TRACE_MEM_PER_CORE_GB = 4;

export interface ReplayOptions {
  policy: ReplayPolicyName;
  /** Replay only the first `limit` jobs of the trace. */
  limit?: number;
  /** Settings over the DOFC defaults; the time zone always comes from the trace. */
  dofc?: DofcPolicyConfigInput;
}

/** Reads an SWF trace file and replays it; see `replayTrace`. */
export function replayTraceFile(file: string, options: ReplayOptions): ReplayReport {
  return replayTrace(readFileSync(file, 'utf8'), path.basename(file), options);
}

/** Replays SWF text under one policy and reports the metrics. */
export function replayTrace(text: string, name: string, options: ReplayOptions): ReplayReport {
  const started = performance.now();
  const trace = parseSwf(text);
  if (options.limit !== undefined) trace.records = trace.records.slice(0, options.limit);

  const config = traceConfig(trace.header['TimeZoneString'], options.dofc);
  const mapped = mapTrace(trace, {
    memPerCoreGb: TRACE_MEM_PER_CORE_GB,
    config,
    clampToHeavy: options.policy === 'dofc',
  });
  const result = runMapped(mapped, options.policy, config);
  return buildReport(name, options.policy, mapped.capacity.cores, result, (performance.now() - started) / 1000);
}

/** Simulates mapped jobs under a policy, with the business calendar on the trace's clock. */
export function runMapped(mapped: MappedTrace, policyName: ReplayPolicyName, config: DofcPolicyConfig) {
  const zoned = { ...config, timeZone: mapped.timeZone };
  const calendar = new BusinessCalendar(zoned);
  const policy = policyFor(policyName, zoned);
  const signal =
    policyName === 'dofc'
      ? {
          thresholdS: zoned.preemption.interactiveWaitThresholdS,
          windowS: zoned.preemption.windowS,
          halfLifeS: zoned.fairShare.halfLifeS,
        }
      : null;
  return simulate(mapped.jobs, { policy, capacity: mapped.capacity, calendar, floorConfig: zoned, signal });
}

export function policyFor(name: ReplayPolicyName, config: DofcPolicyConfig): Policy {
  if (name === 'dofc') return dofcPolicy(config);
  if (name === 'fifo') return strictFcfsPolicy();
  return easyBackfillPolicy();
}

function traceConfig(zone: string | undefined, overrides: DofcPolicyConfigInput | undefined): DofcPolicyConfig {
  const base = validatePolicyConfig(overrides ?? {});
  if (zone === undefined) return base;
  try {
    return validatePolicyConfig({ ...(overrides ?? {}), timeZone: zone });
  } catch {
    // A zone the runtime does not know: the mapping falls back to UTC too.
    return base;
  }
}
