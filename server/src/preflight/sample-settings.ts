/** Settings of pre-flight's runs of jobs on samples of their inputs. */
export interface SampleSettings {
  /** `auto` samples jobs whose sampled inputs reach `minInputBytes`; `off` never samples. */
  mode: 'auto' | 'off';
  /** Shares of the input the sample runs read, smallest first. */
  fractions: number[];
  /** Wall-time cap of one sample run, milliseconds. */
  timeoutMs: number;
  /** Sampled inputs smaller than this run too briefly to measure scaling, so they are not sampled. */
  minInputBytes: number;
  /** Sample runs at once; each uses `cores` of the interactive pool. */
  maxConcurrent: number;
  /** Cores one sample run holds: the runner and its kernel, which are single-threaded for pandas code. */
  cores: number;
  /** How long a job waits for interactive capacity for its sample runs before it is estimated without them. */
  admissionWaitMs: number;
}

/**
 * 1% and 2% are the sample runs users are promised. The third, 0.5%, is a cheap point that
 * lets the fit tell a linear from a curved scaling and report a residual.
 */
const DEFAULT_FRACTIONS = [0.005, 0.01, 0.02];
const DEFAULT_TIMEOUT_S = 60;
/** About the size below which kernel start-up, not the data, sets the runtime. */
const DEFAULT_MIN_INPUT_BYTES = 1024 * 1024;
const DEFAULT_ADMISSION_WAIT_S = 120;

/**
 * Reads the sample-run settings: DOFC_SAMPLE_RUNS (`auto` or `off`), DOFC_SAMPLE_FRACTIONS
 * (comma-separated shares in (0, 1)), DOFC_SAMPLE_TIMEOUT_S, DOFC_SAMPLE_MIN_INPUT_BYTES,
 * DOFC_SAMPLE_CONCURRENCY and DOFC_SAMPLE_ADMISSION_WAIT_S.
 */
export function loadSampleSettings(env: NodeJS.ProcessEnv = process.env): SampleSettings {
  const mode = env['DOFC_SAMPLE_RUNS'] || 'auto';
  if (mode !== 'auto' && mode !== 'off') {
    throw new Error(`DOFC_SAMPLE_RUNS=${JSON.stringify(mode)} is invalid: set it to "auto" or "off", or unset it.`);
  }
  return {
    mode,
    fractions: fractionsFrom(env['DOFC_SAMPLE_FRACTIONS']),
    timeoutMs: positive(env, 'DOFC_SAMPLE_TIMEOUT_S', DEFAULT_TIMEOUT_S) * 1000,
    minInputBytes: positive(env, 'DOFC_SAMPLE_MIN_INPUT_BYTES', DEFAULT_MIN_INPUT_BYTES, true),
    maxConcurrent: Math.max(1, Math.floor(positive(env, 'DOFC_SAMPLE_CONCURRENCY', 1))),
    cores: 1,
    admissionWaitMs: positive(env, 'DOFC_SAMPLE_ADMISSION_WAIT_S', DEFAULT_ADMISSION_WAIT_S, true) * 1000,
  };
}

function fractionsFrom(raw: string | undefined): number[] {
  if (raw === undefined || raw.trim() === '') return DEFAULT_FRACTIONS;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.length < 2 || values.some((value) => !(value > 0 && value < 1))) {
    throw new Error(
      `DOFC_SAMPLE_FRACTIONS=${JSON.stringify(raw)} is invalid: list at least two shares between 0 and 1, such as "0.01,0.02".`,
    );
  }
  return [...new Set(values)].sort((left, right) => left - right);
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, zeroAllowed = false): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    throw new Error(`${name}=${JSON.stringify(raw)} is invalid: set it to a ${zeroAllowed ? 'non-negative' : 'positive'} number or unset it.`);
  }
  return value;
}
