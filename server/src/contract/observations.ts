import { z } from 'zod';

/** Maximum samples in one report; JupyterLab sends a batch every few seconds. */
export const MAX_CELL_LATENCY_SAMPLES = 500;

/** One code cell execution in a Light notebook, from the request to run it until its reply. */
export const CellLatencySampleSchema = z.strictObject({
  notebook: z.string().min(1).max(4096),
  duration_ms: z.number().min(0).max(86_400_000),
  at: z.iso.datetime({ offset: true }),
});

/** The body of `POST /observations/cell-latency`; the owner is the authenticated caller. */
export const CellLatencyReportSchema = z.strictObject({
  samples: z.array(CellLatencySampleSchema).min(1).max(MAX_CELL_LATENCY_SAMPLES),
});

export type CellLatencyReport = z.output<typeof CellLatencyReportSchema>;
