import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoreLocation } from './store/database.js';
import type { Resources } from './policy/types.js';
import { DEFAULT_CELL_LATENCY, type CellLatencySettings } from './scheduler/cell-latency.js';
import { DEFAULT_PAUSE_GRACE_MS } from './scheduler/pause.js';
import { loadAuthSettings, type AuthSettings } from './auth/settings.js';
import { loadSparkSettings, type SparkSettings } from './executors/spark/spark-settings.js';
import { loadSparkWarmSettings, type SparkWarmSettings } from './executors/spark/spark-warm-settings.js';
import { loadRateLimitSettings, type RateLimitSettings } from './api/rate-limit.js';
import { loadWarmKernelSettings, type WarmKernelSettings } from './executors/local/warm-settings.js';
import { loadHotSetSettings, type HotSetSettings } from './cache/hot-set-settings.js';

/** Everything the service reads from its environment, resolved once at start-up. */
export interface ServiceConfig {
  host: string;
  port: number;
  dataDir: string;
  store: StoreLocation;
  capacity: Resources;
  /** Interpreter that runs the job runner; its environment is the kernel's environment. */
  python: string;
  /** Milliseconds between scheduling cycles when nothing wakes the loop earlier. */
  tickMs: number;
  /** Seconds a runner gets to exit after SIGTERM before it is killed. */
  killGraceS: number;
  /** Seconds a runner asked to pause gets to reach a cell or checkpoint boundary before it is stopped. */
  pauseGraceS: number;
  /** Window and minimum sample count of the rolling p95 of Light notebooks' cell latency. */
  cellLatency: CellLatencySettings;
  /** `dofc`, the full policy with settings from the admin API, or `fifo` for plain first come, first served. */
  policy: 'dofc' | 'fifo';
  /** Spark cluster that runs attempts (DOFC_EXECUTOR=spark), or null to run them on this machine (DOFC_EXECUTOR=local). */
  spark: SparkSettings | null;
  /** Pre-started kernels for Interactive-pool jobs on the local executor. */
  warmKernels: WarmKernelSettings;
  /** Pre-started Spark drivers, each with its SparkSession, for Interactive-pool notebooks on the Spark executor. */
  sparkWarm: SparkWarmSettings;
  /** Local copies of the inputs Light jobs read most, under `<dataDir>/cache`. */
  hotSet: HotSetSettings;
  /** Shared secret, bootstrap users and JupyterHub for authenticating API requests. */
  auth: AuthSettings;
  /** Each user's token bucket for submissions (DOFC_SUBMIT_RATE_PER_MIN, DOFC_SUBMIT_BURST). */
  submitRateLimit: RateLimitSettings;
}

/** The repository root when the service runs from a checkout (server/dist or server/src). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const DEFAULT_PORT = 8780;

function defaultPython(): string {
  const venvPython = path.join(REPO_ROOT, '.venv', 'bin', 'python');
  return existsSync(venvPython) ? venvPython : 'python3';
}

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name}=${JSON.stringify(raw)} is invalid: set it to a positive number or unset it.`);
  }
  return value;
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  const value = positiveNumber(name, raw, fallback);
  if (!Number.isInteger(value)) {
    throw new Error(`${name}=${JSON.stringify(raw)} is invalid: set it to a positive whole number or unset it.`);
  }
  return value;
}

function policyName(raw: string | undefined): ServiceConfig['policy'] {
  if (raw === undefined || raw === '' || raw === 'dofc') return 'dofc';
  if (raw === 'fifo') return 'fifo';
  throw new Error(`DOFC_POLICY=${JSON.stringify(raw)} is invalid: set it to "dofc" or "fifo", or unset it.`);
}

function sparkSettings(env: NodeJS.ProcessEnv, python: string): SparkSettings | null {
  const executor = env['DOFC_EXECUTOR'] || 'local';
  if (executor === 'local') return null;
  if (executor === 'spark') return loadSparkSettings(env, python);
  throw new Error(`DOFC_EXECUTOR=${JSON.stringify(executor)} is invalid: set it to "local" or "spark", or unset it.`);
}

/**
 * Build the configuration from environment variables and command-line overrides.
 * DATABASE_URL selects PostgreSQL; without it the store is PGlite under the data folder.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Pick<ServiceConfig, 'host' | 'port' | 'dataDir'>> = {},
): ServiceConfig {
  const dataDir = path.resolve(overrides.dataDir ?? env['DOFC_DATA_DIR'] ?? path.join(process.cwd(), '.dofc'));
  const databaseUrl = env['DATABASE_URL'];
  const store: StoreLocation =
    databaseUrl !== undefined && databaseUrl !== ''
      ? { kind: 'postgres', url: databaseUrl }
      : { kind: 'pglite', dir: path.join(dataDir, 'db') };

  return {
    host: overrides.host ?? env['DOFC_HOST'] ?? '127.0.0.1',
    port: overrides.port ?? positiveNumber('DOFC_PORT', env['DOFC_PORT'], DEFAULT_PORT),
    dataDir,
    store,
    capacity: {
      cores: positiveNumber('DOFC_CORES', env['DOFC_CORES'], os.cpus().length),
      memGb: positiveNumber('DOFC_MEMORY_GB', env['DOFC_MEMORY_GB'], Math.floor(os.totalmem() / 2 ** 30)),
    },
    python: env['DOFC_PYTHON'] ?? defaultPython(),
    tickMs: positiveNumber('DOFC_TICK_MS', env['DOFC_TICK_MS'], 500),
    killGraceS: positiveNumber('DOFC_KILL_GRACE_S', env['DOFC_KILL_GRACE_S'], 10),
    pauseGraceS: positiveNumber('DOFC_PAUSE_GRACE_S', env['DOFC_PAUSE_GRACE_S'], DEFAULT_PAUSE_GRACE_MS / 1000),
    cellLatency: {
      windowS: positiveNumber('DOFC_CELL_LATENCY_WINDOW_S', env['DOFC_CELL_LATENCY_WINDOW_S'], DEFAULT_CELL_LATENCY.windowS),
      minSamples: positiveInteger('DOFC_CELL_LATENCY_MIN_SAMPLES', env['DOFC_CELL_LATENCY_MIN_SAMPLES'], DEFAULT_CELL_LATENCY.minSamples),
    },
    policy: policyName(env['DOFC_POLICY']),
    spark: sparkSettings(env, env['DOFC_PYTHON'] ?? defaultPython()),
    warmKernels: loadWarmKernelSettings(env),
    sparkWarm: loadSparkWarmSettings(env),
    hotSet: loadHotSetSettings(env),
    auth: loadAuthSettings(env, dataDir),
    submitRateLimit: loadRateLimitSettings(env),
  };
}
