import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Sources the runner tags each log line with (dofc/runner/attempt_log.py). */
export const LOG_SOURCES = ['runner', 'stdout', 'stderr', 'spark'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];

const TAGGED_LINE = /^(runner|stdout|stderr|spark) *\| ?/;

/** Return the source of a log line, or null for a line written before lines were tagged. */
export function sourceOf(line: string): LogSource | null {
  return (TAGGED_LINE.exec(line)?.[1] as LogSource | undefined) ?? null;
}

export interface LogQuery {
  /** Case-insensitive text a line must contain. */
  text: string;
  source?: LogSource;
}

/**
 * Yield the lines of a log file that match the query. The file is read as a stream because a
 * log may be as large as its cap; a missing file yields nothing.
 */
export async function* searchLogFile(file: string, query: LogQuery): AsyncGenerator<string> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = await new Promise<boolean>((resolve) => {
    stream.once('open', () => resolve(true));
    stream.once('error', () => resolve(false));
  });
  if (!opened) return;

  const needle = query.text.toLowerCase();
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (query.source !== undefined && sourceOf(line) !== query.source) continue;
      if (line.toLowerCase().includes(needle)) yield line;
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}
