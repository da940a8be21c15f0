import type { BusinessCalendar } from './calendar.js';
import type { DofcPolicyConfig } from './config.js';
import { StepProfile } from './profile.js';
import type { Resources } from './types.js';

/**
 * How the machine is split. The critical lane, when enabled, is set aside for approved P0 jobs.
 * Heavy may hold at most the capacity minus the interactive floor and the lane, so the floor is
 * always there for Interactive. Interactive may use anything else that is free, Heavy's idle part
 * included. The floor is `floor.businessShare` in business hours and `floor.offHoursShare` outside.
 */

export function laneCapacity(capacity: Resources, config: Pick<DofcPolicyConfig, 'critical'>): Resources {
  const share = config.critical.enabled ? config.critical.share : 0;
  return { cores: capacity.cores * share, memGb: capacity.memGb * share };
}

export function floorShare(business: boolean, config: Pick<DofcPolicyConfig, 'floor'>): number {
  return business ? config.floor.businessShare : config.floor.offHoursShare;
}

/** The capacity held for Interactive at a time with the given business state. */
export function interactiveFloor(capacity: Resources, business: boolean, config: Pick<DofcPolicyConfig, 'floor'>): Resources {
  const share = floorShare(business, config);
  return { cores: capacity.cores * share, memGb: capacity.memGb * share };
}

/** The most Heavy may hold at a time with the given business state. */
export function heavyLimit(
  capacity: Resources,
  business: boolean,
  config: Pick<DofcPolicyConfig, 'floor' | 'critical'>,
): Resources {
  const floor = interactiveFloor(capacity, business, config);
  const lane = laneCapacity(capacity, config);
  return { cores: capacity.cores - floor.cores - lane.cores, memGb: capacity.memGb - floor.memGb - lane.memGb };
}

/** Free capacity over time before any job is booked. */
export interface CapacityProfiles {
  /** Everything but the critical lane; every job books here. */
  machine: StepProfile;
  /** Heavy's time-varying limit; heavy jobs book here too. */
  heavy: StepProfile;
  /** The critical lane, or null when it is disabled. */
  lane: StepProfile | null;
}

export function buildCapacityProfiles(
  now: number,
  capacity: Resources,
  calendar: BusinessCalendar,
  config: Pick<DofcPolicyConfig, 'floor' | 'critical' | 'planHorizonDays'>,
): CapacityProfiles {
  const lane = laneCapacity(capacity, config);
  const machine = new StepProfile(now, capacity.cores - lane.cores, capacity.memGb - lane.memGb);

  let business = calendar.isBusinessTime(now);
  let limit = heavyLimit(capacity, business, config);
  const heavy = new StepProfile(now, limit.cores, limit.memGb);
  const horizon = now + config.planHorizonDays * 86_400_000;
  for (const change of calendar.transitionsBetween(now, horizon)) {
    const next = heavyLimit(capacity, change.business, config);
    heavy.add(change.at, Infinity, next.cores - limit.cores, next.memGb - limit.memGb);
    limit = next;
    business = change.business;
  }
  if (!business) {
    const strict = heavyLimit(capacity, true, config);
    heavy.add(horizon, Infinity, strict.cores - limit.cores, strict.memGb - limit.memGb);
  }

  const laneProfile = config.critical.enabled ? new StepProfile(now, lane.cores, lane.memGb) : null;
  return { machine, heavy, lane: laneProfile };
}
