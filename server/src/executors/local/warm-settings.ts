/** Settings of the warm kernel pool that Light jobs on the local executor start on. */
export interface WarmKernelSettings {
  /** Kernels kept started and waiting; 0 disables the pool. */
  size: number;
  /** Modules imported in each waiting kernel, so that the job's own import of them is quick. */
  preload: string[];
}

/** More kernels than this would hold gigabytes of memory idle on a shared machine. */
const MAX_WARM_KERNELS = 16;
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Read DOFC_WARM_KERNELS (kernels kept ready, default 2, 0 disables) and DOFC_WARM_KERNEL_PRELOAD
 * (comma-separated modules imported in advance, default "pandas"; set it empty for none).
 */
export function loadWarmKernelSettings(env: NodeJS.ProcessEnv): WarmKernelSettings {
  const rawSize = env['DOFC_WARM_KERNELS'];
  const size = rawSize === undefined || rawSize === '' ? 2 : Number(rawSize);
  if (!Number.isInteger(size) || size < 0 || size > MAX_WARM_KERNELS) {
    throw new Error(`DOFC_WARM_KERNELS=${JSON.stringify(rawSize)} is invalid: set it to a whole number from 0 (no pool) to ${MAX_WARM_KERNELS}, or unset it.`);
  }

  const rawPreload = env['DOFC_WARM_KERNEL_PRELOAD'] ?? 'pandas';
  const preload = rawPreload
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const invalid = preload.find((name) => !MODULE_NAME.test(name));
  if (invalid !== undefined) {
    throw new Error(`DOFC_WARM_KERNEL_PRELOAD contains ${JSON.stringify(invalid)}, which is not a Python module name; list modules such as "pandas,numpy", or set it empty.`);
  }
  return { size, preload };
}
