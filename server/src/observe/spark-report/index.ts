import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { SparkEventLogAnalyzer } from './analyzer.js';
import { readEventLogLines } from './event-log-lines.js';
import type { SparkReport, SparkReportOptions } from './types.js';

export { SparkEventLogError } from './errors.js';
export { renderSparkReport } from './render-text.js';
export type * from './types.js';

/**
 * Analyzes a Spark event log (EventLoggingListener JSON, one event per line). An iterable of
 * lines is analyzed synchronously. An async iterable of lines or a Node byte stream (plain,
 * zstd or gzip, detected from its magic bytes) gives a promise. A log without
 * SparkListenerApplicationEnd, or with a cut-off last line, gives a report marked incomplete.
 * Raises SparkEventLogError when the input is not an event log or is damaged in the middle.
 */
export function analyzeSparkEventLog(lines: Iterable<string>, options?: SparkReportOptions): SparkReport;
export function analyzeSparkEventLog(
  source: AsyncIterable<string> | Readable,
  options?: SparkReportOptions,
): Promise<SparkReport>;
export function analyzeSparkEventLog(
  source: Iterable<string> | AsyncIterable<string> | Readable,
  options: SparkReportOptions = {},
): SparkReport | Promise<SparkReport> {
  if (source instanceof Readable) {
    return analyzeByteStream(source, options);
  }
  if (Symbol.asyncIterator in source) {
    return analyzeAsyncLines(source, new SparkEventLogAnalyzer(), options);
  }

  const analyzer = new SparkEventLogAnalyzer();
  for (const line of source) {
    analyzer.addLine(line);
  }
  return analyzer.finish(options);
}

/** Reads and analyzes an event log file, streaming it so large logs are never held whole. */
export function analyzeSparkEventLogFile(path: string, options: SparkReportOptions = {}): Promise<SparkReport> {
  return analyzeByteStream(createReadStream(path), options);
}

function analyzeByteStream(stream: Readable, options: SparkReportOptions): Promise<SparkReport> {
  const analyzer = new SparkEventLogAnalyzer();
  const lines = readEventLogLines(asBytes(stream), (sentence) => analyzer.markStreamCutOff(sentence));
  return analyzeAsyncLines(lines, analyzer, options);
}

/** Yields a stream's chunks as bytes, also when setEncoding made it yield strings. */
async function* asBytes(stream: Readable): AsyncIterable<Uint8Array> {
  for await (const chunk of stream) {
    yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
  }
}

async function analyzeAsyncLines(
  lines: AsyncIterable<string>,
  analyzer: SparkEventLogAnalyzer,
  options: SparkReportOptions,
): Promise<SparkReport> {
  for await (const line of lines) {
    analyzer.addLine(line);
  }
  return analyzer.finish(options);
}
