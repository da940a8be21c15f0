import type { Label, PoolName } from '../contract/job-spec.js';
import type { Reason } from '../contract/job-view.js';
import type { DofcPolicyConfig } from './config.js';
import { formatDuration, formatPercent } from './messages.js';
import type { Resources } from './types.js';

export interface RoutingInput {
  label: Label;
  etaP90S: number | null;
  estShuffleGb: number | null;
  /** With `capacity`, a job wider than the business-hours floor is routed to Heavy too. */
  demand?: Resources;
  capacity?: Resources;
}

export interface Routing {
  label: Label;
  pool: PoolName;
  /** Why an L job was moved to Heavy; null when it stays where its label puts it. */
  reason: Reason | null;
}

/**
 * Decides the pool of a job at pre-flight. An L job stays interactive unless its p90 runtime
 * exceeds the interactive maximum, its shuffle estimate exceeds the interactive threshold, or
 * it is wider than the interactive floor; then it runs as H, with the reason. An H job stays H.
 */
export function routeJob(input: RoutingInput, config: Pick<DofcPolicyConfig, 'interactive' | 'floor'>): Routing {
  if (input.label === 'H') return { label: 'H', pool: 'heavy', reason: null };

  const maxRuntimeS = config.interactive.maxRuntimeS;
  if (input.etaP90S !== null && input.etaP90S > maxRuntimeS) {
    return heavy(
      'interactive_runtime_exceeded',
      `Its p90 runtime of ${formatDuration(input.etaP90S)} exceeds the ${formatDuration(maxRuntimeS)} interactive maximum, so it runs in the heavy pool.`,
    );
  }

  const maxShuffleGb = config.interactive.maxShuffleGb;
  if (input.estShuffleGb !== null && input.estShuffleGb > maxShuffleGb) {
    return heavy(
      'interactive_shuffle_exceeded',
      `Its estimated shuffle of ${input.estShuffleGb} GB exceeds the ${maxShuffleGb} GB interactive threshold, so it runs in the heavy pool.`,
    );
  }

  if (input.demand !== undefined && input.capacity !== undefined) {
    const share = config.floor.businessShare;
    const floorCores = input.capacity.cores * share;
    const floorMemory = input.capacity.memGb * share;
    if (input.demand.cores > floorCores || input.demand.memGb > floorMemory) {
      return heavy(
        'interactive_floor_exceeded',
        `It asks for ${input.demand.cores} cores and ${input.demand.memGb} GB, more than the ${formatPercent(share)} interactive floor ` +
          `(${floorCores} cores, ${floorMemory} GB), so it runs in the heavy pool.`,
      );
    }
  }
  return { label: 'L', pool: 'interactive', reason: null };
}

function heavy(code: string, message: string): Routing {
  return { label: 'H', pool: 'heavy', reason: { code, message } };
}
