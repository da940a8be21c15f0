import type { BusinessCalendar } from '../../policy/calendar.js';
import type { DofcPolicyConfig } from '../../policy/config.js';
import { interactiveFloor } from '../../policy/pools.js';
import type { Resources } from '../../policy/types.js';

/** How far back the usage chart of the live view reaches, and the spacing of its points. */
export const HISTORY_SPAN_S = 3 * 3600;
export const HISTORY_STEP_S = 5 * 60;

/** One attempt's hold on the machine: from its claim until it ended, or until now while it runs. */
export interface HeldInterval {
  pool: string;
  cores: number;
  memGb: number;
  from: number;
  /** Null while the attempt is still running. */
  to: number | null;
}

/** Cores and memory in use at one instant, with the interactive floor that applied then. */
export interface UsagePoint {
  at: string;
  cores: number;
  mem_gb: number;
  interactive_cores: number;
  heavy_cores: number;
  floor_cores: number;
  floor_mem_gb: number;
}

export interface UsageHistory {
  step_s: number;
  points: UsagePoint[];
}

/**
 * Sample what the attempts held every `stepS` seconds over the `spanS` seconds up to `now`, the
 * last point being `now` itself. The floor follows the business calendar at each point, so the
 * chart shows the line stepping between the business-hours and off-hours shares.
 */
export function usageHistory(
  intervals: HeldInterval[],
  capacity: Resources,
  calendar: BusinessCalendar,
  config: Pick<DofcPolicyConfig, 'floor'>,
  now: number,
  spanS = HISTORY_SPAN_S,
  stepS = HISTORY_STEP_S,
): UsageHistory {
  const points: UsagePoint[] = [];
  const count = Math.floor(spanS / stepS);
  for (let i = count; i >= 0; i -= 1) {
    const at = now - i * stepS * 1000;
    const held = intervals.filter((interval) => interval.from <= at && (interval.to === null || interval.to > at));
    const floor = interactiveFloor(capacity, calendar.isBusinessTime(at), config);
    points.push({
      at: new Date(at).toISOString(),
      cores: sum(held, (interval) => interval.cores),
      mem_gb: sum(held, (interval) => interval.memGb),
      interactive_cores: sum(held.filter((interval) => interval.pool === 'interactive'), (interval) => interval.cores),
      heavy_cores: sum(held.filter((interval) => interval.pool === 'heavy'), (interval) => interval.cores),
      floor_cores: floor.cores,
      floor_mem_gb: floor.memGb,
    });
  }
  return { step_s: stepS, points };
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
