import type { CatalogueEntry, FailureFacts } from './types.js';

/**
 * Failures recognised from the exception or the log text, most specific first: a Spark job that
 * runs out of disk raises a Py4J error whose text names ENOSPC, and the disk is what to fix.
 */

function cellPrefix(facts: FailureFacts): string {
  return facts.cellNumber ? `Cell ${facts.cellNumber}` : 'The code';
}

function firstMatch(text: string, pattern: RegExp): string | null {
  return pattern.exec(text)?.[1] ?? null;
}

function nameIs(facts: FailureFacts, ...names: string[]): boolean {
  const ename = facts.ename ?? '';
  return names.some((name) => ename === name || ename.endsWith(`.${name}`));
}

export const EXCEPTION_ENTRIES: readonly CatalogueEntry[] = [
  {
    id: 'disk_full',
    matches: (_facts, text) => /ENOSPC|No space left on device|\[Errno 28\]/.test(text),
    summary: (facts, text) => {
      const target = firstMatch(text, /No space left on device: '([^']+)'/);
      return `${cellPrefix(facts)} failed because a disk filled up${target ? ` while writing ${target}` : ''} (ENOSPC).`;
    },
    action: () =>
      'Free space on that file system or write to a larger one, and check that spark.local.dir and temporary folders point to a disk with room.',
  },
  {
    id: 'java_out_of_memory',
    matches: (_facts, text) => /java\.lang\.OutOfMemoryError|GC overhead limit exceeded/.test(text),
    summary: (facts, text) => {
      const kind = firstMatch(text, /OutOfMemoryError: ([^\n]+)/);
      return `${cellPrefix(facts)} failed because a Java virtual machine ran out of memory${kind ? ` (${kind.trim()})` : ''}.`;
    },
    action: () =>
      'Raise mem_per_executor_gb (and spark.driver.memory when the driver failed), or avoid collect()/toPandas() on large results and repartition skewed data.',
  },
  {
    id: 'executor_lost',
    matches: (_facts, text) => /ExecutorLostFailure|Lost executor \d+|Executor heartbeat timed out/.test(text),
    summary: (facts) => `${cellPrefix(facts)} failed because Spark lost an executor while its tasks were running.`,
    action: () =>
      'An executor is usually lost when it runs out of memory or its host fails; raise mem_per_executor_gb or spark.executor.memoryOverhead, then run the job again.',
  },
  {
    id: 'python_out_of_memory',
    matches: (facts, text) => nameIs(facts, 'MemoryError') || /^MemoryError\b/m.test(text),
    summary: (facts) => `${cellPrefix(facts)} ran out of memory: Python could not allocate more (MemoryError).`,
    action: () =>
      'Raise mem_per_executor_gb, or load less at once: read the data in chunks, select only the columns you need, or use smaller dtypes.',
  },
  {
    id: 'module_not_found',
    matches: (facts, text) => nameIs(facts, 'ModuleNotFoundError') || /No module named '[^']+'/.test(text),
    summary: (facts, text) => {
      const module = firstMatch(text, /No module named '([^']+)'/);
      return `${cellPrefix(facts)} imports ${module ? `the module ${module}` : 'a module'}, which is not installed in the kernel's environment.`;
    },
    action: (_facts, text) => {
      const module = firstMatch(text, /No module named '([^'.]+)/) ?? 'PACKAGE';
      return `Install the package that provides it into the scheduler's Python environment (for example pip install ${module}), or remove the import.`;
    },
  },
  {
    id: 'spark_path_not_found',
    matches: (_facts, text) => /PATH_NOT_FOUND|Path does not exist/.test(text),
    summary: (facts, text) => {
      const path = firstMatch(text, /Path does not exist: ([^\s.]+(?:\.[^\s.]+)*)/);
      return `${cellPrefix(facts)} asked Spark to read ${path ?? 'a path'}, which does not exist.`;
    },
    action: () =>
      "Check the path and its scheme (file:, hdfs:, s3a:); a relative path is resolved against the notebook's folder on the machine that runs the job.",
  },
  {
    id: 'file_not_found',
    matches: (facts, text) =>
      nameIs(facts, 'FileNotFoundError') || /No such file or directory|java\.io\.FileNotFoundException/.test(text),
    summary: (facts, text) => {
      const path = firstMatch(text, /No such file or directory: '([^']+)'/);
      return `${cellPrefix(facts)} opened ${path ? `the file ${path}` : 'a file'}, which does not exist.`;
    },
    action: () =>
      "Check the path; relative paths are resolved against the notebook's folder on the machine that runs the job, so put the data there or use an absolute path.",
  },
  {
    id: 'permission_denied',
    matches: (facts, text) => nameIs(facts, 'PermissionError') || /Permission denied|EACCES|\[Errno 13\]/.test(text),
    summary: (facts, text) => {
      const path = firstMatch(text, /Permission denied: '([^']+)'/);
      return `${cellPrefix(facts)} was denied access to ${path ?? 'a file or folder'}.`;
    },
    action: () =>
      'The job runs as the scheduler\'s user; give that user access to the path (chmod or chgrp) or write to a folder it owns.',
  },
  {
    id: 'spark_analysis_error',
    matches: (facts, text) => nameIs(facts, 'AnalysisException') || /AnalysisException/.test(text),
    summary: (facts) => `${cellPrefix(facts)} sent Spark a query it rejected before running it (AnalysisException).`,
    action: () =>
      'Read the first line of the error: it names the missing table, column or function; fix the name or create it first.',
  },
  {
    id: 'py4j_error',
    matches: (facts, text) => (facts.ename ?? '').includes('Py4J') || /Py4JJavaError|Py4JError|Py4JNetworkError/.test(text),
    summary: (facts) => `${cellPrefix(facts)} failed inside Spark's Java side (a Py4J error).`,
    action: () =>
      "Look for the first 'Caused by:' line in the error detail, which names the Java exception; a Py4JNetworkError means the Spark driver had already stopped.",
  },
  {
    id: 'kernel_died',
    matches: (facts, text) => nameIs(facts, 'DeadKernelError') || /Kernel died|kernel died/i.test(text),
    summary: (facts) => `${cellPrefix(facts)} crashed the Jupyter kernel, which died before the cell finished.`,
    action: () =>
      'A kernel usually dies when it runs out of memory or a native library crashes; raise mem_per_executor_gb or process less data at once, and check the log for a crash message.',
  },
];
