import type { Command } from 'commander';
import type { PreflightAnalysis } from '../../preflight/analysis.js';
import type { PlannedStart } from '../../preflight/planned-start.js';
import { formatSeconds } from '../../preflight/summary.js';
import { callApi, serverUrl } from '../client.js';
import { buildSubmission } from './submit.js';

/**
 * The `POST /preflight` response: the analysis and the live policy's planned start. A server
 * older than the planned start returns only the analysis.
 */
type PreflightResponse = PreflightAnalysis & Partial<PlannedStart>;

interface PreflightOptions {
  label: string;
  priority: string;
  owner?: string;
  team?: string;
  json?: boolean;
  /** False with --no-samples. */
  samples: boolean;
  url?: string;
}

export function registerPreflightCommand(program: Command): void {
  program
    .command('preflight')
    .description('Analyse a notebook or script as a submission would, without submitting it: ETA, planned start, shuffle, cost, flags and label verdict.')
    .argument('<file>', 'the notebook or script; its folder resolves relative input paths')
    .option('--label <L|H>', 'L for light, interactive work; H for heavy work', 'L')
    .option('--priority <P0|P1|P2>', 'priority band, P0 highest', 'P2')
    .option('--owner <user>', 'owner whose history estimates the runtime; only admins may name another user (default: the authenticated user)')
    .option('--team <team>', 'team the job would count against; only admins may name another team (default: your team)')
    .option('--json', 'print the analysis as JSON')
    .option('--no-samples', 'skip the sample runs on small shares of the inputs, which take about three job start-ups')
    .option('--url <url>', 'scheduler URL (default DOFC_URL or http://127.0.0.1:8780)')
    .action(async (file: string, options: PreflightOptions) => {
      const submission = await buildSubmission(file, options, new Date());
      const route = options.samples ? '/preflight' : '/preflight?samples=off';
      const response = await callApi(serverUrl(options.url), route, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(submission),
      });
      const analysis = (await response.json()) as PreflightResponse;
      process.stdout.write(options.json ? `${JSON.stringify(analysis, null, 2)}\n` : formatAnalysis(file, analysis));
    });
}

/** Formats the analysis as a few lines for the terminal. */
export function formatAnalysis(file: string, analysis: PreflightResponse): string {
  const seconds = (value: number | null): string => (value === null ? 'unknown' : formatSeconds(value));
  const label = analysis.label;
  const lines = [
    `Pre-flight of ${file}`,
    `  eta_p50_s ${seconds(analysis.eta_p50_s)}, eta_p90_s ${seconds(analysis.eta_p90_s)} (${analysis.eta_basis}, ${analysis.history_runs} past runs)`,
    ...formatPlannedStart(analysis),
    `  inputs ${analysis.inputs.length}, ${analysis.input_bytes} bytes; est_shuffle_gb ${analysis.est_shuffle_gb}${analysis.est_shuffle_basis === undefined ? '' : ` (${analysis.est_shuffle_basis})`}`,
    `  cost ${analysis.cost_core_hours === null ? 'unknown' : `${analysis.cost_core_hours} core-hours`}`,
    label.moved
      ? `  label ${label.requested} -> ${label.verdict} (${label.pool} pool): ${label.reason?.message ?? ''}`
      : `  label ${label.verdict} kept (${label.pool} pool)`,
  ];
  for (const input of analysis.inputs) {
    const size = input.bytes === null ? (input.note ?? 'not measured') : `${input.bytes} bytes, ${input.format}, ${input.files} files`;
    lines.push(`  input ${input.path} (${input.origin}): ${size}`);
  }
  lines.push(...formatSample(analysis.sample));
  for (const flag of analysis.flags) {
    lines.push(`  ${flag.severity} ${flag.id}${flag.cell === null ? '' : ` (cell ${flag.cell})`}: ${flag.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Formats the planned start and the finish it implies, or the finish if started now from an older server. */
function formatPlannedStart(analysis: PreflightResponse): string[] {
  if (analysis.planned_start_reason === undefined) {
    return [`  finish ETA if started now: ${analysis.finish_eta ?? 'unknown'} (p90 ${analysis.finish_eta_p90 ?? 'unknown'})`];
  }
  return [
    `  planned start ${analysis.planned_start ?? 'not promised'}: ${analysis.planned_start_reason.message}`,
    `  finish ETA ${analysis.finish_eta_p50 ?? 'unknown'} (p90 ${analysis.finish_eta_p90 ?? 'unknown'}) from the planned start`,
  ];
}

/** Formats the sample runs: one line for the outcome and the model, one per run. */
function formatSample(sample: PreflightAnalysis['sample']): string[] {
  if (sample === null || sample === undefined) return [];
  if (sample.status !== 'measured' || sample.model === null) {
    return [`  sample runs ${sample.status}: ${sample.reason ?? 'no reason given'}`, ...sample.runs.map(formatRun)];
  }
  const model = sample.model;
  const fit = model.r2 === null ? 'two points, exact fit' : `R² ${model.r2}, max residual ${Math.round((model.max_relative_residual ?? 0) * 100)}%`;
  return [
    `  sample runs measured: extrapolated ${formatSeconds(sample.extrapolated_s ?? 0)} = ${model.fixed_s} s fixed + ${model.b_s}·x^${model.exponent} s at x = 1 (slope fitted on ${model.fitted_on} time, ${fit})`,
    ...formatShuffleFit(sample.shuffle),
    ...sample.runs.map(formatRun),
  ];
}

/** Formats the shuffle fit of Spark sample runs; servers before it existed send none. */
function formatShuffleFit(shuffle: NonNullable<PreflightAnalysis['sample']>['shuffle'] | undefined): string[] {
  if (shuffle === null || shuffle === undefined) return [];
  const fit = shuffle.r2 === null ? 'two points, exact fit' : `R² ${shuffle.r2}, max residual ${Math.round((shuffle.max_relative_residual ?? 0) * 100)}%`;
  return [`  sample shuffle: extrapolated ${shuffle.extrapolated_gb} GB = ${shuffle.a_bytes} + ${shuffle.b_bytes}·x^${shuffle.exponent} bytes at x = 1 (${fit})`];
}

function formatRun(run: NonNullable<PreflightAnalysis['sample']>['runs'][number]): string {
  const share = `${Number((run.input_share * 100).toPrecision(3))}%`;
  const memory = run.max_rss_bytes === null ? 'unknown' : `${Math.round(run.max_rss_bytes / 2 ** 20)} MiB`;
  return `    ${share} of the input (${run.sample_bytes} bytes): ${run.outcome}, wall ${run.wall_s ?? '?'} s, cpu ${run.cpu_s ?? '?'} s, peak memory ${memory}`;
}
