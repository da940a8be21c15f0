import { SparkEventLogError } from './errors.js';
import { type JsonObject, isJsonObject } from './json-fields.js';

const PREVIEW_CHARS = 60;

/** The start of every line that Spark's EventLoggingListener writes, which survives when the line is cut short. */
const EVENT_LINE_PREFIX = /^\{\s*"Event"\s*:/;

/**
 * Parses event-log lines into events. Like Spark's replay of an in-progress log, it tolerates a
 * cut-off last line, but a damaged line followed by more lines raises SparkEventLogError.
 */
export class EventLineParser {
  private lineNumber = 0;
  private nonEmptyLines = 0;
  private eventCount = 0;
  private pendingBadLine: { lineNumber: number; detail: string } | null = null;

  get lines(): number {
    return this.nonEmptyLines;
  }

  get events(): number {
    return this.eventCount;
  }

  /** The line that failed to parse when no line followed it, which means the log was cut there. */
  get cutOffLine(): number | null {
    return this.pendingBadLine?.lineNumber ?? null;
  }

  /** Returns the event on the line, or null for a blank line or a line that may be a cut-off last line. */
  parse(line: string): JsonObject | null {
    this.lineNumber += 1;
    const text = line.trim();
    if (text === '') {
      return null;
    }
    this.nonEmptyLines += 1;

    if (this.pendingBadLine) {
      const { lineNumber, detail } = this.pendingBadLine;
      throw new SparkEventLogError(
        `Line ${lineNumber} is not valid JSON (${detail}), and more lines follow it, so the log is damaged rather than cut off. Copy it again from spark.eventLog.dir.`,
        lineNumber,
      );
    }

    const parsed = this.parseJson(text);
    if (parsed === undefined) {
      return null;
    }
    if (!isJsonObject(parsed) || typeof parsed['Event'] !== 'string') {
      throw this.notAnEventError(text);
    }
    this.eventCount += 1;
    return parsed;
  }

  /** Raises unless at least one event was read, because then the input was empty or blank. */
  requireEvents(): void {
    if (this.eventCount === 0 && this.pendingBadLine === null) {
      throw new SparkEventLogError(
        "The file contains no events. Pass the application's event log from spark.eventLog.dir, plain or zstd-compressed.",
      );
    }
  }

  /** Returns the parsed value, or undefined when the line is held as a possibly cut-off last line. */
  private parseJson(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      // Only a line that starts like an event can be the truncated tail of one.
      if (this.eventCount === 0 && !EVENT_LINE_PREFIX.test(text)) {
        throw this.notAnEventError(text);
      }
      this.pendingBadLine = { lineNumber: this.lineNumber, detail };
      return undefined;
    }
  }

  private notAnEventError(text: string): SparkEventLogError {
    const preview = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}...` : text;
    const conclusion =
      this.eventCount === 0
        ? "so the file is not a Spark event log. Pass the application's event log from spark.eventLog.dir, plain or zstd-compressed."
        : 'so the log is damaged. Copy it again from spark.eventLog.dir.';
    return new SparkEventLogError(
      `Line ${this.lineNumber} is not a Spark event (a JSON object with an "Event" field, such as {"Event":"SparkListenerLogStart",...}) ` +
        `but ${JSON.stringify(preview)}, ${conclusion}`,
      this.lineNumber,
    );
  }
}
