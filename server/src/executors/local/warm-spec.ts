import type { AttemptLaunch } from '../executor.js';

/** Folders the local executor passes to runners for warm starts and cached reads. */
export interface WarmLaunchOptions {
  /** The warm kernel pool's folder, or null when the pool is off. */
  warmKernelPoolDir?: string | null;
  /** The hot-set cache folder, or null when the cache is off. */
  hotSetDir?: string | null;
}

/**
 * Return the spec.json fields for warm starts, which dofc/warm/attach.py reads. Only
 * Interactive-pool attempts may claim a warm kernel, because the pool is sized for short Light
 * jobs. Every attempt reads through the hot-set cache.
 */
export function warmSpecFields(launch: Pick<AttemptLaunch, 'allocation'>, options: WarmLaunchOptions): Record<string, string> {
  const fields: Record<string, string> = {};
  if (options.warmKernelPoolDir && launch.allocation?.pool === 'interactive') fields['warm_kernel_pool'] = options.warmKernelPoolDir;
  if (options.hotSetDir) fields['hot_set_dir'] = options.hotSetDir;
  return fields;
}
