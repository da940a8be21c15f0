import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The service's structured logger. Child loggers bind `jobId`, `pool`, `executor` and `cycle`.
 * DOFC_LOG_LEVEL sets the level (default info; "silent" in tests).
 */
export function createLogger(level = process.env['DOFC_LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ name: 'dofc', level });
}
