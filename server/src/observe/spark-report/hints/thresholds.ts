/**
 * Thresholds of the report's hints. They are rules of thumb for where a change is worth its cost,
 * not limits from Spark itself.
 */

/** A stage is skewed when its slowest successful task takes at least this many times the median. */
export const SKEW_RATIO_THRESHOLD = 5;

/** Below this, a slow task costs less than the time it takes to find and fix its cause. */
export const SKEW_MIN_SLOWEST_TASK_MS = 2_000;

/** Minimum successful tasks for the median to represent a typical task. */
export const SKEW_MIN_TASKS = 3;

/** The slowest task has data skew when it read at least this many times the median task's bytes. */
export const DATA_SKEW_RATIO = 2;

/** A single cause (deserialization, GC, shuffle fetch wait) is named when it took at least this share of the slowest task. */
export const DOMINANT_CAUSE_SHARE = 0.5;

/** Disk spill of a stage worth a hint: 100 MB, about a second of disk writes and reads on one executor. */
export const DISK_SPILL_MIN_BYTES = 100_000_000;

/** GC time over executor run time above which more memory usually pays off. */
export const GC_SHARE_THRESHOLD = 0.1;

/** Below this much executor run time, GC tuning saves too little to matter. */
export const GC_MIN_EXECUTOR_RUN_TIME_MS = 10_000;

/** Busy executors over the ceiling at or below which the ceiling is too high for the application. */
export const CEILING_BUSY_SHARE_THRESHOLD = 0.5;

/** Task time over held core time at or below which the executors were mostly idle. */
export const IDLE_CORE_USE_THRESHOLD = 0.3;

/** Below ten core-minutes held, idle capacity is too small to be worth tuning. */
export const IDLE_MIN_CORE_TIME_MS = 10 * 60_000;

/** Any failed task attempt is reported: Spark retries them, but each one costs time and hides a cause. */
export const TASK_FAILURES_MIN = 1;

/** Any executor lost without the driver releasing it is reported. */
export const EXECUTOR_LOSSES_MIN = 1;
