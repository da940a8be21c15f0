/** Settings of the hot-set cache: local copies of the inputs Light jobs read most. */
export interface HotSetSettings {
  /** Largest total size of the copies; 0 disables the cache. */
  maxBytes: number;
  /** Light-job reads a file needs within the window before it is copied. */
  minReads: number;
  /** How far back pre-flight analyses are counted. */
  windowDays: number;
  /** Seconds between refreshes: counting reads, copying, evicting. */
  refreshS: number;
}

const GIB = 2 ** 30;

function nonNegativeNumber(name: string, raw: string | undefined, fallback: number, unit: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name}=${JSON.stringify(raw)} is invalid: set it to a number of ${unit} (0 or more), or unset it.`);
  }
  return value;
}

/**
 * Read DOFC_HOT_SET_GB (size bound in GiB, default 2, 0 disables), DOFC_HOT_SET_MIN_READS
 * (default 2), DOFC_HOT_SET_WINDOW_DAYS (default 14) and DOFC_HOT_SET_REFRESH_S (default 30).
 */
export function loadHotSetSettings(env: NodeJS.ProcessEnv): HotSetSettings {
  const refreshS = nonNegativeNumber('DOFC_HOT_SET_REFRESH_S', env['DOFC_HOT_SET_REFRESH_S'], 30, 'seconds');
  if (refreshS === 0) throw new Error('DOFC_HOT_SET_REFRESH_S=0 is invalid: set it to a positive number of seconds, or set DOFC_HOT_SET_GB=0 to turn the cache off.');
  return {
    maxBytes: Math.floor(nonNegativeNumber('DOFC_HOT_SET_GB', env['DOFC_HOT_SET_GB'], 2, 'GiB') * GIB),
    minReads: Math.max(1, Math.floor(nonNegativeNumber('DOFC_HOT_SET_MIN_READS', env['DOFC_HOT_SET_MIN_READS'], 2, 'reads'))),
    windowDays: nonNegativeNumber('DOFC_HOT_SET_WINDOW_DAYS', env['DOFC_HOT_SET_WINDOW_DAYS'], 14, 'days'),
    refreshS,
  };
}
