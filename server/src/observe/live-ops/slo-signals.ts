/** How far back finished waits count towards the queue-wait percentile of the live view. */
export const QUEUE_WAIT_WINDOW_S = 15 * 60;

/** The interactive service-level signals next to the thresholds that trigger preemption. */
export interface SloSignals {
  window_s: number;
  /** p95 of interactive queue waits, in seconds; null when no interactive job waited in the window. */
  queue_wait_p95_s: number | null;
  queue_wait_threshold_s: number;
  queue_wait_samples: number;
  /** p95 cell latency of Light notebooks, in seconds; null while its window has too few samples. */
  cell_latency_p95_s: number | null;
  cell_latency_threshold_s: number;
  /** Seconds of cell-latency samples behind the p95 (DOFC_CELL_LATENCY_WINDOW_S). */
  cell_latency_window_s: number;
  cell_latency_samples: number;
}

/** A wait in the interactive queue: from entering the queue until start, or until now while it waits. */
export interface QueueWait {
  queuedAt: number;
  startedAt: number | null;
}

/** Return the nearest-rank 95th percentile of `values`, or null when there are none. */
export function percentile95(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil(0.95 * sorted.length);
  return sorted[rank - 1] ?? null;
}

/** Return the wait of each job, in seconds, counting a job still queued up to `now`. */
export function waitSeconds(waits: QueueWait[], now: number): number[] {
  return waits.map((wait) => Math.max(0, ((wait.startedAt ?? now) - wait.queuedAt) / 1000));
}
