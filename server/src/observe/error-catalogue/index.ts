export { CATALOGUE, diagnoseFailure, lastExceptionLine } from './diagnose.js';
export { diagnoseAttempt, readTail, type EndedAttempt } from './attempt-failure.js';
export { findSparkEventLog, SPARK_EVENTS_DIR } from './spark-event-log.js';
export type { Diagnosis, FailureFacts } from './types.js';
