/**
 * Measures how well pre-flight sample runs predict real runs of public notebooks.
 *
 * Usage: npx tsx bench/preflight-accuracy.ts [REPETITIONS] [OUT.json]
 *        npx tsx bench/preflight-accuracy.ts --rescore OUT.json
 *
 * Each workload is a real notebook from the shared test data, run unmodified in a temporary
 * copy of its folder whose data files are scaled. Their rows are repeated k times, and dates in
 * the first column move by the file's span on each copy, so that date indexes stay unique. For every
 * size the benchmark runs the sample runs that pre-flight would run (the inspector's plan, the
 * shadow folder, `python -m dofc.runner` with `sample_fraction`), then the real run, and
 * predicts the real runtime four ways:
 * - `sample`: the extrapolation alone, p90 from the fit's default spread;
 * - `sample_calibrated`: the extrapolation calibrated by the actual / extrapolated ratios of
 *   the runs before it in the benchmark (what the service does with `run_history`);
 * - `sample_with_history`: as the service does when earlier runs of the same notebook exist;
 * - `history_only`: the estimator without sample runs, for comparison;
 * and, as an ablation, `two_point` from the 1% and 2% runs only.
 * It prints one JSON line per run and a summary: the share within ±25% of p50 and the p90 coverage.
 * With OUT.json it saves the measurements, and `--rescore OUT.json` scores them again with the
 * current model code without running anything.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../src/config.js';
import { codeFingerprint } from '../src/preflight/fingerprint.js';
import { runInspector } from '../src/preflight/inspector-pool.js';
import { estimateRuntime, type PastRun, type RuntimeEstimate } from '../src/preflight/runtime-estimate.js';
import { combineWithSample, historyThroughModel } from '../src/preflight/sample-estimate.js';
import { planSampleRuns } from '../src/preflight/sample-plan.js';
import { runSample, type SamplePlan, type SampleRunRecord } from '../src/preflight/sample-run.js';
import { summarize } from '../src/preflight/sample-runs.js';
import { loadSampleSettings } from '../src/preflight/sample-settings.js';

const SHARED = process.env['DOFC_SHARED_DATA'] ?? path.join(REPO_ROOT, '..', 'shared', 'data');
const PYTHON = process.env['DOFC_PYTHON'] ?? path.join(REPO_ROOT, '.venv', 'bin', 'python');
const REAL_RUN_TIMEOUT_MS = 15 * 60 * 1000;

interface Workload {
  name: string;
  /** Folder copied whole, relative to the shared runnable folder. */
  folder: string;
  /** The notebook, relative to the folder. */
  notebook: string;
  /** Data files scaled with the input, relative to the folder; other files are copied as they are. */
  scaled: string[];
  scales: number[];
  /** Caps the repetitions of a slow workload. */
  maxRepetitions?: number;
}

const WORKLOADS: Workload[] = [
  {
    // pandas merges: the fact table (state population) grows, the two lookup tables stay.
    name: 'pdsh-merge-join',
    folder: 'jakevdp-pdsh',
    notebook: '03.07-Merge-and-Join.ipynb',
    scaled: ['data/state-population.csv'],
    scales: [1, 2, 4, 8, 16, 64, 256, 1024],
  },
  {
    // scikit-learn cross-validation by quarter: more rows mean more quarters and larger fits.
    name: 'inria-cv-time',
    folder: 'inria-scikit-learn-mooc',
    notebook: 'notebooks/cross_validation_time.ipynb',
    scaled: ['COP', 'CVX', 'TOT', 'VLO', 'XOM'].map((symbol) => `datasets/financial-data/${symbol}.csv`),
    scales: [1, 2, 4, 8],
    // One real run takes 30 to 80 s on a shared 2-core machine, so it runs once.
    maxRepetitions: 1,
  },
];

interface Prediction {
  p50S: number | null;
  p90S: number | null;
}

/** One measured real run with the sample runs before it; enough to score any model later. */
interface Measurement {
  workload: string;
  scale: number;
  repetition: number;
  fingerprint: string;
  input_bytes: number;
  actual_s: number;
  samples: SampleRunRecord[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})(.*)$/;

/** Writes `source` repeated `scale` times under one header, shifting leading dates so they stay unique. */
function writeScaledCsv(source: string, target: string, scale: number): void {
  const [header, ...rows] = readFileSync(source, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const times = rows.map((row) => DATE.exec(row)).map((match) => (match === null ? null : Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!)));
  const datedRows = times.every((time) => time !== null);
  const spanMs = datedRows ? Math.max(...(times as number[])) - Math.min(...(times as number[])) + 86_400_000 : 0;

  const out: string[] = [header!];
  for (let copy = 0; copy < scale; copy += 1) {
    for (let i = 0; i < rows.length; i += 1) {
      const row = rows[i]!;
      if (!datedRows || copy === 0) {
        out.push(row);
        continue;
      }
      const shifted = new Date((times[i] as number) + copy * spanMs).toISOString().slice(0, 10);
      out.push(shifted + (DATE.exec(row)![4] ?? ''));
    }
  }
  writeFileSync(target, `${out.join('\n')}\n`);
}

function copyFolder(source: string, target: string, skip: Set<string>, relative = ''): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const rel = path.join(relative, entry.name);
    if (skip.has(rel)) continue;
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isDirectory()) copyFolder(from, to, skip, rel);
    else copyFileSync(from, to);
  }
}

function prepareCopy(workload: Workload, scale: number): { dir: string; notebookPath: string; inputBytes: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `dofc-accuracy-${workload.name}-`));
  const source = path.join(SHARED, 'runnable', workload.folder);
  copyFolder(source, dir, new Set(workload.scaled));
  let inputBytes = 0;
  for (const file of workload.scaled) {
    writeScaledCsv(path.join(source, file), path.join(dir, file), scale);
    inputBytes += statSync(path.join(dir, file)).size;
  }
  return { dir, notebookPath: path.join(dir, workload.notebook), inputBytes };
}

function within25(prediction: Prediction, actual: number): boolean {
  return prediction.p50S !== null && Math.abs(prediction.p50S - actual) <= 0.25 * actual;
}

function covered(prediction: Prediction, actual: number): boolean {
  return prediction.p90S !== null && actual <= prediction.p90S;
}

const NO_HISTORY: RuntimeEstimate = { p50S: null, p90S: null, basis: 'unknown', runs: 0, calibrationRuns: 0 };

/** Runs the sample runs and the real run of every workload at every size, `repetitions` times. */
async function measure(repetitions: number, outFile: string | null): Promise<Measurement[]> {
  const settings = loadSampleSettings({ ...process.env, DOFC_SAMPLE_MIN_INPUT_BYTES: '0' });
  const options = { python: PYTHON, repoRoot: REPO_ROOT, timeoutMs: settings.timeoutMs };
  const measurements: Measurement[] = [];

  for (let repetition = 1; repetition <= repetitions; repetition += 1) {
    for (const workload of WORKLOADS) {
      if (repetition > (workload.maxRepetitions ?? Infinity)) continue;
      for (const scale of workload.scales) {
        const copy = prepareCopy(workload, scale);
        try {
          const content = readFileSync(copy.notebookPath, 'utf8');
          const report = await runInspector('notebook', content, { python: PYTHON, cwd: REPO_ROOT, timeoutMs: 60_000 });
          const plan = planSampleRuns({ source: { kind: 'notebook', content, path: copy.notebookPath }, declaredInputs: [] }, report, settings);
          if ('skip' in plan) throw new Error(`${workload.name} was not sampled: ${plan.skip}`);

          const samples: SampleRunRecord[] = [];
          for (const fraction of settings.fractions) samples.push(await runSample(plan, fraction, options));
          // The real run: no shadow folder, and a fraction of 1, which the runner treats as no sampling.
          const real = await runSample({ ...plan, inputs: [] } satisfies SamplePlan, 1, { ...options, timeoutMs: REAL_RUN_TIMEOUT_MS });
          if (real.outcome !== 'succeeded' || real.wall_s === null) throw new Error(`${workload.name} x${scale} failed: ${real.message}`);

          const measurement: Measurement = {
            workload: workload.name,
            scale,
            repetition,
            fingerprint: codeFingerprint('notebook', content),
            input_bytes: copy.inputBytes,
            actual_s: real.wall_s,
            samples,
          };
          measurements.push(measurement);
          // Saved after every run, so a long benchmark stopped early still leaves its measurements.
          if (outFile !== null) writeFileSync(outFile, JSON.stringify({ measurements }, null, 2));
          process.stderr.write(`${workload.name} x${scale} #${repetition}: ${real.wall_s} s\n`);
        } finally {
          rmSync(copy.dir, { recursive: true, force: true });
        }
      }
    }
  }
  return measurements;
}

/**
 * Predicts every measured run, in order, from its sample runs and from what earlier runs
 * taught: the same notebook's runtimes (history) and the actual / extrapolated ratios of all
 * earlier runs (calibration).
 */
function score(measurements: Measurement[]): Array<Measurement & { predictions: Record<string, Prediction> }> {
  const history: PastRun[] = [];
  const ratios: number[] = [];
  return measurements.map((measurement) => {
    const summary = summarize(measurement.samples, 1);
    const twoPoint = summarize(measurement.samples.filter((run) => run.fraction >= 0.01), 1);
    const historyEstimate = estimateRuntime(
      { fingerprint: measurement.fingerprint, owner: 'bench', inputBytes: measurement.input_bytes, declaredP50S: null, declaredP90S: null },
      history.filter((run) => run.fingerprint === measurement.fingerprint),
    );
    const sameCodeP50S =
      summary.model === null || summary.extrapolated_s === null
        ? null
        : historyThroughModel(history, measurement.fingerprint, measurement.input_bytes, summary.model, summary.extrapolated_s);
    const predict = (base: RuntimeEstimate, extrapolated: number | null, residual: number | null, past: number[]): Prediction =>
      extrapolated === null
        ? { p50S: null, p90S: null }
        : combineWithSample(base, { extrapolatedS: extrapolated, maxRelativeResidual: residual, pastRatios: past, sameCodeP50S });
    const residual = summary.model?.max_relative_residual ?? null;
    const predictions: Record<string, Prediction> = {
      sample: predict(NO_HISTORY, summary.extrapolated_s, residual, []),
      sample_calibrated: predict(NO_HISTORY, summary.extrapolated_s, residual, [...ratios]),
      sample_with_history: predict(historyEstimate, summary.extrapolated_s, residual, [...ratios]),
      history_only: { p50S: historyEstimate.p50S, p90S: historyEstimate.p90S },
      two_point: predict(NO_HISTORY, twoPoint.extrapolated_s, null, []),
    };

    history.push({ fingerprint: measurement.fingerprint, owner: 'bench', inputBytes: measurement.input_bytes, runtimeS: measurement.actual_s });
    if (summary.extrapolated_s !== null && summary.extrapolated_s > 0) ratios.push(measurement.actual_s / summary.extrapolated_s);
    return { ...measurement, extrapolated_s: summary.extrapolated_s, model: summary.model, predictions };
  });
}

function report(scored: ReturnType<typeof score>): Record<string, unknown> {
  const methods = Object.keys(scored[0]?.predictions ?? {});
  const summary = methods.map((method) => {
    const rows = scored.filter((row) => row.predictions[method]?.p50S !== null);
    return {
      method,
      runs: rows.length,
      within_25_pct: percent(rows.filter((row) => within25(row.predictions[method]!, row.actual_s)).length, rows.length),
      p90_coverage_pct: percent(rows.filter((row) => covered(row.predictions[method]!, row.actual_s)).length, rows.length),
    };
  });
  return { machine: `${os.cpus().length} vCPU, ${Math.round(os.totalmem() / 2 ** 30)} GiB`, runs: scored.length, summary };
}

async function main(): Promise<void> {
  // --rescore FILE scores the measurements saved by an earlier run with the current model.
  const rescoring = process.argv[2] === '--rescore';
  const measurements = rescoring
    ? (JSON.parse(readFileSync(process.argv[3] as string, 'utf8')) as { measurements: Measurement[] }).measurements
    : await measure(Number(process.argv[2] ?? '2'), process.argv[3] ?? null);

  const scored = score(measurements);
  for (const row of scored) {
    const { samples: _samples, ...shown } = row;
    process.stdout.write(`${JSON.stringify(shown)}\n`);
  }
  process.stdout.write(`${JSON.stringify(report(scored))}\n`);
}

function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Number(((100 * part) / whole).toFixed(1));
}

await main();
