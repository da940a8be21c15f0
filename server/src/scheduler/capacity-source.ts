import type { Logger } from '../logger.js';
import type { Resources } from '../policy/types.js';

/** Source of the capacity the scheduler plans with, read once per decision. */
export interface CapacitySource {
  current(): Promise<Resources>;
}

/** One reading of a cluster manager: what DOFC may plan with, and where that figure came from. */
export interface CapacityReading {
  /** Capacity for DOFC's jobs: alive workers minus load that DOFC did not start. */
  capacity: Resources;
  /** Alive workers' cores and memory, before the foreign load is taken off. */
  total: Resources;
  /** Held by applications started outside DOFC. */
  foreign: Resources;
  aliveWorkers: number;
  /** Epoch milliseconds of the reading. */
  at: number;
}

export interface ClusterCapacityOptions {
  /** Reads the cluster manager; null means it cannot tell (no web UI), so `fallback` applies. */
  read: () => Promise<Omit<CapacityReading, 'at'> | null>;
  /** The configured capacity, used until the first successful reading. */
  fallback: Resources;
  /** A reading younger than this is reused, so a short scheduling tick does not query the master each cycle. */
  maxAgeMs: number;
  logger: Logger;
  now?: () => number;
}

/** Returns a source that always returns the configured capacity, as the local executor needs. */
export function fixedCapacity(capacity: Resources): CapacitySource {
  return { current: async () => capacity };
}

/**
 * Capacity that follows a cluster manager. A failed read keeps the last good reading (or the
 * configured capacity before the first one) and logs the failure once until a read succeeds
 * again, so a master restart neither stops scheduling nor floods the log.
 */
export class ClusterCapacitySource implements CapacitySource {
  private last: CapacityReading | null = null;
  private failing = false;
  private readonly now: () => number;

  constructor(private readonly options: ClusterCapacityOptions) {
    this.now = options.now ?? Date.now;
  }

  async current(): Promise<Resources> {
    const at = this.now();
    if (this.last !== null && at - this.last.at < this.options.maxAgeMs) return this.last.capacity;

    try {
      const reading = await this.options.read();
      if (reading === null) return this.last?.capacity ?? this.options.fallback;
      if (this.failing) this.options.logger.info({ capacity: reading.capacity }, 'cluster capacity readable again');
      this.failing = false;
      this.last = { ...reading, at };
      return reading.capacity;
    } catch (error) {
      if (!this.failing) {
        const planned = this.last?.capacity ?? this.options.fallback;
        this.options.logger.warn({ err: error, capacity: planned }, 'could not read the cluster capacity; planning with the last known capacity');
      }
      this.failing = true;
      return this.last?.capacity ?? this.options.fallback;
    }
  }

  /** Return the last successful reading, or null before the first. */
  lastReading(): CapacityReading | null {
    return this.last;
  }
}
