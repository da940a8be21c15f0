import { InvalidInputError } from '../../jobs/errors.js';

/**
 * The input is not a readable Spark event log. The message states what was found and what to
 * do, in sentences that leave out the file name, which the caller adds.
 */
export class SparkEventLogError extends InvalidInputError {
  constructor(
    message: string,
    /** The 1-based line where the problem was found; null for problems with the file as a whole. */
    readonly lineNumber: number | null = null,
  ) {
    super('invalid_spark_event_log', message);
  }
}
