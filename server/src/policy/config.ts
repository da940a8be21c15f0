import { IANAZone } from 'luxon';
import type { Resources } from './types.js';

/** Every number the DOFC policy uses. Times of day are local "HH:MM" in `timeZone`. */
export interface DofcPolicyConfig {
  /** IANA zone of the cluster's clock, for business hours and "off-peak". */
  timeZone: string;
  calendar: {
    businessStart: string;
    businessEnd: string;
    /** ISO weekdays, 1 = Monday to 7 = Sunday. */
    businessDays: number[];
    /** Local dates "YYYY-MM-DD" that are not business days. */
    holidays: string[];
    /** Local time at which "off-peak" starts on a business day. */
    offPeakStart: string;
  };
  /** Share of cores and memory held for the interactive pool. */
  floor: { businessShare: number; offHoursShare: number };
  critical: { enabled: boolean; share: number; maxRuntimeS: number };
  interactive: { maxRuntimeS: number; maxShuffleGb: number };
  heavy: {
    maxRunningPerUser: number;
    /** Most cores and memory one team's heavy jobs may hold together. */
    teamCaps: Record<string, Resources>;
    /**
     * Most cores and memory one job may hold, for a user or for every user of a team. A larger
     * job is admitted with as many whole executors as fit; a user's ceiling wins over its team's.
     */
    executorCeilings: { users: Record<string, Resources>; teams: Record<string, Resources> };
  };
  fairShare: {
    halfLifeS: number;
    /** Weight of each team's users in dominant-share ordering; missing teams weigh 1. */
    teamWeights: Record<string, number>;
    /** A job waiting this long is ranked ahead of every job that has not waited as long. */
    agingS: { interactive: number; heavy: number };
  };
  runtime: {
    /** Runtime assumed for a job with neither a p90 estimate nor a timeout. */
    defaultP90S: number;
    /** How much longer a job that outran its p90 is assumed to run, counted from now. */
    overrunExtensionS: number;
  };
  preemption: {
    enabled: boolean;
    cellLatencyThresholdS: number;
    interactiveWaitThresholdS: number;
    windowS: number;
    minRunS: number;
    maxPerJob: number;
    maxPerRound: number;
  };
  /**
   * How many queued jobs, in rank order, get an exact slot in the plan. A later job still starts
   * when it fits now without touching a planned slot; otherwise it gets a fluid estimate.
   */
  planningDepth: number;
  /**
   * How far ahead the plan follows the business calendar. Past it, Heavy is held to its
   * business-hours limit, the stricter one, so a far plan never breaks the floor.
   */
  planHorizonDays: number;
}

export const DEFAULT_POLICY_CONFIG: DofcPolicyConfig = {
  timeZone: 'UTC',
  calendar: {
    businessStart: '09:00',
    businessEnd: '18:00',
    businessDays: [1, 2, 3, 4, 5],
    holidays: [],
    offPeakStart: '19:00',
  },
  floor: { businessShare: 0.3, offHoursShare: 0.1 },
  critical: { enabled: false, share: 0.05, maxRuntimeS: 3600 },
  interactive: { maxRuntimeS: 45 * 60, maxShuffleGb: 50 },
  heavy: { maxRunningPerUser: 1, teamCaps: {}, executorCeilings: { users: {}, teams: {} } },
  fairShare: {
    halfLifeS: 7 * 86400,
    teamWeights: {},
    agingS: { interactive: 3600, heavy: 3 * 86400 },
  },
  runtime: { defaultP90S: 6 * 3600, overrunExtensionS: 300 },
  preemption: {
    enabled: true,
    cellLatencyThresholdS: 5,
    interactiveWaitThresholdS: 5,
    windowS: 120,
    minRunS: 600,
    maxPerJob: 2,
    maxPerRound: 1,
  },
  planningDepth: 100,
  planHorizonDays: 28,
};

type DeepPartial<T> = T extends unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export type DofcPolicyConfigInput = DeepPartial<DofcPolicyConfig>;

/** A configuration value out of range; `field` is its dotted path. */
export class PolicyConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PolicyConfigError';
  }
}

/**
 * Merges `input` over the defaults and checks every field. Throws PolicyConfigError naming the
 * first invalid field, its value and the accepted range.
 */
export function validatePolicyConfig(input: DofcPolicyConfigInput = {}): DofcPolicyConfig {
  const config = mergeDefaults(DEFAULT_POLICY_CONFIG, input) as DofcPolicyConfig;

  if (!IANAZone.isValidZone(config.timeZone)) {
    fail('timeZone', config.timeZone, 'an IANA time zone such as "Europe/Stockholm"');
  }
  checkClock('calendar.businessStart', config.calendar.businessStart);
  checkClock('calendar.businessEnd', config.calendar.businessEnd);
  checkClock('calendar.offPeakStart', config.calendar.offPeakStart);
  if (minutesOf(config.calendar.businessEnd) <= minutesOf(config.calendar.businessStart)) {
    fail(
      'calendar.businessEnd',
      config.calendar.businessEnd,
      `a time after calendar.businessStart (${config.calendar.businessStart})`,
    );
  }
  config.calendar.businessDays.forEach((day, i) =>
    checkInteger(`calendar.businessDays[${i}]`, day, 1, 7),
  );
  config.calendar.holidays.forEach((day, i) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day))
      fail(`calendar.holidays[${i}]`, day, 'a local date "YYYY-MM-DD"');
  });

  checkNumber('floor.businessShare', config.floor.businessShare, 0.25, 0.35);
  checkNumber('floor.offHoursShare', config.floor.offHoursShare, 0, config.floor.businessShare);
  checkNumber('critical.share', config.critical.share, 0, 0.2);
  checkNumber('critical.maxRuntimeS', config.critical.maxRuntimeS, 60, 86400);
  checkNumber('interactive.maxRuntimeS', config.interactive.maxRuntimeS, 60, 86400);
  checkNumber('interactive.maxShuffleGb', config.interactive.maxShuffleGb, 0, 1_000_000);
  checkInteger('heavy.maxRunningPerUser', config.heavy.maxRunningPerUser, 1, 1000);
  for (const [team, cap] of Object.entries(config.heavy.teamCaps)) {
    checkNumber(`heavy.teamCaps.${team}.cores`, cap.cores, 0, Number.MAX_SAFE_INTEGER);
    checkNumber(`heavy.teamCaps.${team}.memGb`, cap.memGb, 0, Number.MAX_SAFE_INTEGER);
  }

  for (const kind of ['users', 'teams'] as const) {
    for (const [name, ceiling] of Object.entries(config.heavy.executorCeilings[kind])) {
      checkNumber(
        `heavy.executorCeilings.${kind}.${name}.cores`,
        ceiling.cores,
        0.001,
        Number.MAX_SAFE_INTEGER,
      );
      checkNumber(
        `heavy.executorCeilings.${kind}.${name}.memGb`,
        ceiling.memGb,
        0.001,
        Number.MAX_SAFE_INTEGER,
      );
    }
  }

  checkNumber('fairShare.halfLifeS', config.fairShare.halfLifeS, 60, 365 * 86400);
  for (const [team, weight] of Object.entries(config.fairShare.teamWeights)) {
    checkNumber(`fairShare.teamWeights.${team}`, weight, 0.01, 100);
  }
  checkNumber('fairShare.agingS.interactive', config.fairShare.agingS.interactive, 60, 30 * 86400);
  checkNumber('fairShare.agingS.heavy', config.fairShare.agingS.heavy, 60, 30 * 86400);
  checkNumber('runtime.defaultP90S', config.runtime.defaultP90S, 1, 30 * 86400);
  checkNumber('runtime.overrunExtensionS', config.runtime.overrunExtensionS, 1, 86400);

  checkNumber(
    'preemption.cellLatencyThresholdS',
    config.preemption.cellLatencyThresholdS,
    0.1,
    3600,
  );
  checkNumber(
    'preemption.interactiveWaitThresholdS',
    config.preemption.interactiveWaitThresholdS,
    0.1,
    86400,
  );
  checkNumber('preemption.windowS', config.preemption.windowS, 1, 86400);
  checkNumber('preemption.minRunS', config.preemption.minRunS, 0, 86400);
  checkInteger('preemption.maxPerJob', config.preemption.maxPerJob, 0, 100);
  checkInteger('preemption.maxPerRound', config.preemption.maxPerRound, 0, 100);
  checkInteger('planningDepth', config.planningDepth, 1, 1_000_000);
  checkInteger('planHorizonDays', config.planHorizonDays, 1, 366);
  return config;
}

/** Minutes after local midnight of an "HH:MM" time that checkClock accepted. */
export function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function checkClock(field: string, value: string): void {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value))
    fail(field, value, 'a local time "HH:MM" from 00:00 to 23:59');
}

function checkNumber(field: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(field, value, `a number from ${min} to ${max}`);
  }
}

function checkInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    fail(field, value, `an integer from ${min} to ${max}`);
}

function fail(field: string, value: unknown, expected: string): never {
  throw new PolicyConfigError(
    field,
    `Invalid policy setting ${field}: ${JSON.stringify(value)}; set it to ${expected}.`,
  );
}

/**
 * Deep merge of plain objects. Arrays given in `input` replace the default whole. A default
 * object with no keys is a record (team caps, team weights), so it accepts any key; elsewhere an
 * unknown key is a typo and is rejected.
 */
function mergeDefaults(defaults: unknown, input: unknown, path = ''): unknown {
  if (input === undefined) return structuredClone(defaults);
  if (!isPlainObject(defaults) || !isPlainObject(input)) return structuredClone(input);

  const isRecord = Object.keys(defaults).length === 0;
  const merged: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(defaults), ...Object.keys(input)])) {
    const field = path === '' ? key : `${path}.${key}`;
    if (!isRecord && !(key in defaults)) {
      throw new PolicyConfigError(
        field,
        `Unknown policy setting ${field}; check its spelling against DEFAULT_POLICY_CONFIG.`,
      );
    }
    merged[key] = mergeDefaults(defaults[key], input[key], field);
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
