import type { Resources } from '../policy/types.js';
import type { CapacitySource } from '../scheduler/capacity-source.js';
import type { PreflightAnalyzer } from './preflight.js';

/**
 * Wraps the scheduler's capacity so that the policy plans with what is left after pre-flight's
 * sample runs. A core in use by a sample run counts as taken, as a running L job's would.
 */
export function afterSampleRuns(capacity: Resources | CapacitySource, analyzer: PreflightAnalyzer): CapacitySource {
  return {
    async current() {
      const total = 'current' in capacity ? await capacity.current() : capacity;
      return analyzer.capacityLeft?.(total) ?? total;
    },
  };
}
