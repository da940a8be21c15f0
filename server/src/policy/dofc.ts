import { BusinessCalendar } from './calendar.js';
import { runCycle } from './cycle.js';
import { validatePolicyConfig, type DofcPolicyConfig, type DofcPolicyConfigInput } from './config.js';
import type { Policy } from './types.js';

export interface DofcPolicy extends Policy {
  readonly config: DofcPolicyConfig;
  readonly calendar: BusinessCalendar;
}

/**
 * The DOFC policy: pools with an interactive floor, fair share, caps, reservations, conservative
 * backfilling, start-time promises and preemption. Throws PolicyConfigError for an invalid
 * setting.
 */
export function dofcPolicy(input: DofcPolicyConfigInput = {}): DofcPolicy {
  const config = validatePolicyConfig(input);
  const calendar = new BusinessCalendar(config);
  return { name: 'dofc', config, calendar, decide: (snapshot) => runCycle(snapshot, config, calendar) };
}
