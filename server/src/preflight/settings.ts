import { REPO_ROOT } from '../config.js';
import { validatePolicyConfig, type DofcPolicyConfig } from '../policy/config.js';
import { loadSampleSettings, type SampleSettings } from './sample-settings.js';

/** The numbers and tools pre-flight uses. */
export interface PreflightSettings {
  /** Interpreter with the `dofc` package, the same one that runs jobs. */
  python: string;
  /** Folder the inspector runs in, so that `dofc` imports from the checkout. */
  repoRoot: string;
  inspectorTimeoutMs: number;
  /** Thresholds of the L→H routing rule. */
  routing: Pick<DofcPolicyConfig, 'interactive' | 'floor'>;
  /** Pre-flight sample runs. */
  sample: SampleSettings;
}

/** Inspecting a large notebook takes a few seconds, most of it Python start-up and imports. */
const DEFAULT_INSPECTOR_TIMEOUT_S = 60;

/**
 * Reads pre-flight settings from the environment: DOFC_INTERACTIVE_MAX_RUNTIME_S and
 * DOFC_INTERACTIVE_MAX_SHUFFLE_GB override the routing thresholds (checked by the policy's
 * validation), DOFC_INSPECTOR_TIMEOUT_S bounds one inspection, and the DOFC_SAMPLE_* variables
 * set the sample runs (see `loadSampleSettings`).
 */
export function loadPreflightSettings(python: string, env: NodeJS.ProcessEnv = process.env): PreflightSettings {
  const interactive: { maxRuntimeS?: number; maxShuffleGb?: number } = {};
  const runtime = numberFrom(env, 'DOFC_INTERACTIVE_MAX_RUNTIME_S');
  const shuffle = numberFrom(env, 'DOFC_INTERACTIVE_MAX_SHUFFLE_GB');
  if (runtime !== undefined) interactive.maxRuntimeS = runtime;
  if (shuffle !== undefined) interactive.maxShuffleGb = shuffle;
  const policy = validatePolicyConfig({ interactive });

  const timeoutS = numberFrom(env, 'DOFC_INSPECTOR_TIMEOUT_S') ?? DEFAULT_INSPECTOR_TIMEOUT_S;
  if (timeoutS <= 0) {
    throw new Error(`DOFC_INSPECTOR_TIMEOUT_S=${timeoutS} is invalid: set it to a positive number of seconds or unset it.`);
  }
  return {
    python,
    repoRoot: REPO_ROOT,
    inspectorTimeoutMs: timeoutS * 1000,
    routing: { interactive: policy.interactive, floor: policy.floor },
    sample: loadSampleSettings(env),
  };
}

function numberFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name}=${JSON.stringify(raw)} is invalid: set it to a number or unset it.`);
  return value;
}
