import type { Knex } from 'knex';
import { percentile95 } from '../observe/live-ops/slo-signals.js';
import type { InteractiveObservation } from '../policy/types.js';

/** Settings of the rolling p95 of Light notebooks' cell latency. */
export interface CellLatencySettings {
  /** Seconds of samples behind each p95 value. */
  windowS: number;
  /** Fewer samples than this in a window give no value, so one slow cell cannot pause a job. */
  minSamples: number;
}

export const DEFAULT_CELL_LATENCY: CellLatencySettings = { windowS: 120, minSamples: 5 };

/** Samples are kept this long at least, so operators can look back over the last hour. */
const KEEP_SAMPLES_S = 3600;

/** Observations per lookback, which bounds the work of one cycle whatever the sample rate. */
const OBSERVATION_POINTS = 24;

/** One cell execution reported by JupyterLab. */
export interface CellLatencySample {
  owner: string;
  notebook: string;
  durationMs: number;
  at: Date;
}

export async function storeCellLatencySamples(db: Knex, samples: CellLatencySample[], receivedAt: Date): Promise<void> {
  if (samples.length === 0) return;
  await db('cell_latency_samples').insert(
    samples.map((sample) => ({
      owner: sample.owner,
      notebook: sample.notebook,
      duration_ms: sample.durationMs,
      at: sample.at,
      received_at: receivedAt,
    })),
  );
}

/** Compute the p95 of the window that ends at `now`, for the live view; it is null when the window has too few samples. */
export async function readCellLatencyP95(
  db: Knex,
  now: Date,
  settings: CellLatencySettings,
): Promise<{ p95S: number | null; samples: number }> {
  const durations = await durationsSince(db, new Date(now.getTime() - settings.windowS * 1000), now);
  const values = durations.map((row) => row.durationMs);
  return { p95S: p95Seconds(values, settings.minSamples), samples: values.length };
}

/**
 * Build the policy's observations of the last `lookbackS` seconds: the rolling p95 at evenly
 * spaced points up to `now`, so the policy can tell a breach that lasted its whole window from
 * a short one. Samples older than the lookback, and than an hour, are deleted on the way.
 */
export async function loadCellLatencyObservations(
  db: Knex,
  now: Date,
  lookbackS: number,
  settings: CellLatencySettings,
): Promise<InteractiveObservation[]> {
  const nowMs = now.getTime();
  const oldestMs = nowMs - (lookbackS + settings.windowS) * 1000;
  await db('cell_latency_samples')
    .where('at', '<', new Date(Math.min(oldestMs, nowMs - KEEP_SAMPLES_S * 1000)))
    .delete();

  const samples = await durationsSince(db, new Date(oldestMs), now);
  const stepMs = (lookbackS * 1000) / OBSERVATION_POINTS;
  const observations: InteractiveObservation[] = [];
  for (let point = OBSERVATION_POINTS; point >= 0; point -= 1) {
    const at = nowMs - point * stepMs;
    const windowStart = at - settings.windowS * 1000;
    const values = samples.filter((sample) => sample.atMs > windowStart && sample.atMs <= at).map((sample) => sample.durationMs);
    observations.push({ at, cellLatencyP95S: p95Seconds(values, settings.minSamples) });
  }
  return observations;
}

/** Nearest-rank 95th percentile of durations in milliseconds, in seconds. */
export function p95Seconds(durationsMs: number[], minSamples: number): number | null {
  if (durationsMs.length < minSamples) return null;
  const p95Ms = percentile95(durationsMs);
  return p95Ms === null ? null : p95Ms / 1000;
}

async function durationsSince(db: Knex, since: Date, until: Date): Promise<Array<{ atMs: number; durationMs: number }>> {
  const rows: Array<{ at: Date; duration_ms: number }> = await db('cell_latency_samples')
    .where('at', '>', since)
    .andWhere('at', '<=', until)
    .select('at', 'duration_ms');
  return rows.map((row) => ({ atMs: new Date(row.at).getTime(), durationMs: Number(row.duration_ms) }));
}
