import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SparkEventLogError,
  analyzeSparkEventLog,
  analyzeSparkEventLogFile,
  type SparkReport,
} from '../../src/observe/spark-report/index.js';
import { missingDataMessage, sharedDataPath } from '../support/shared-data.js';

const DYNAMIC_LOG = 'spark-events/eventlog_4nodes_8cores_dynamic_alloc';
const LOCAL_LOG = 'spark-events/local-1532512550423';
const SPARKLENS_JSON = 'spark-events/local-1532512550423.sparklens.json';

const dynamicLog = sharedDataPath(DYNAMIC_LOG);
const localLog = sharedDataPath(LOCAL_LOG);
const sparklensJson = sharedDataPath(SPARKLENS_JSON);
for (const [relative, found] of [[DYNAMIC_LOG, dynamicLog], [LOCAL_LOG, localLog], [SPARKLENS_JSON, sparklensJson]] as const) {
  if (!found) {
    console.warn(missingDataMessage(relative));
  }
}

const zstdCli = findZstdCli();
if (!zstdCli) {
  console.warn('the zstd command is not installed (apt-get install -y zstd), so the zstd-compressed copies are not tested');
}

const tempDir = mkdtempSync(path.join(os.tmpdir(), 'dofc-spark-report-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function findZstdCli(): string | null {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return 'zstd';
  } catch {
    return null;
  }
}

/** Writes a temp file whose name says nothing about its format, so only the magic bytes can. */
function writeTemp(name: string, content: string | Uint8Array): string {
  const file = path.join(tempDir, name);
  writeFileSync(file, content);
  return file;
}

function compressWithZstdCli(source: string, name: string): string {
  const target = path.join(tempDir, name);
  execFileSync('zstd', ['-q', '-f', source, '-o', target]);
  return target;
}

/** Returns the first half of the lines with the last of them cut in its middle, as a crash leaves a log. */
function cutInTheMiddle(text: string): { cut: string; completeLines: string[] } {
  const lines = text.split('\n').filter((line) => line !== '');
  const half = lines.slice(0, Math.floor(lines.length / 2));
  const last = half.at(-1) ?? '';
  const completeLines = half.slice(0, -1);
  return { cut: `${completeLines.join('\n')}\n${last.slice(0, Math.floor(last.length / 2))}`, completeLines };
}

function countEvents(lines: string[], event: string): number {
  return lines.filter((line) => (JSON.parse(line) as { Event: string }).Event === event).length;
}

async function expectEventLogError(file: string, expected: RegExp): Promise<void> {
  const failure = analyzeSparkEventLogFile(file);
  await expect(failure).rejects.toBeInstanceOf(SparkEventLogError);
  await expect(failure).rejects.toThrow(expected);
}

describe.skipIf(!dynamicLog || !localLog)('Spark event log input', () => {
  it('reads a zstd copy like the plain log', { skip: !zstdCli }, async () => {
    const compressed = compressWithZstdCli(dynamicLog ?? '', 'dynamic-copy');
    expect([...readFileSync(compressed).subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);

    const plain = await analyzeSparkEventLogFile(dynamicLog ?? '');
    expect(await analyzeSparkEventLogFile(compressed)).toEqual(plain);
  });

  it('reads concatenated zstd frames', { skip: !zstdCli }, async () => {
    const text = readFileSync(localLog ?? '', 'utf8');
    const lines = text.split('\n');
    const firstPart = writeTemp('local-part-1', `${lines.slice(0, 10).join('\n')}\n`);
    const secondPart = writeTemp('local-part-2', lines.slice(10).join('\n'));
    const frames = Buffer.concat([
      readFileSync(compressWithZstdCli(firstPart, 'local-part-1.zst')),
      readFileSync(compressWithZstdCli(secondPart, 'local-part-2.zst')),
    ]);

    const report = await analyzeSparkEventLogFile(writeTemp('local-frames', frames));
    expect(report).toEqual(await analyzeSparkEventLogFile(localLog ?? ''));
  });

  it('reports a zstd log cut mid-frame as incomplete', { skip: !zstdCli }, async () => {
    const compressed = readFileSync(compressWithZstdCli(dynamicLog ?? '', 'dynamic-copy-to-cut'));
    const cut = writeTemp('dynamic-zstd-cut', compressed.subarray(0, Math.floor(compressed.length / 2)));

    const report = await analyzeSparkEventLogFile(cut);
    expect(report.incomplete).toBe(true);
    expect(report.incompleteReasons.join(' ')).toContain('zstd-compressed data ends mid-frame');
    expect(report.incompleteReasons.join(' ')).toContain('The application end is missing');
    expect(report.counts.tasks).toBeGreaterThan(0);
    expect(report.counts.tasks).toBeLessThan(235);
  });

  it('reads a gzip copy like the plain log', async () => {
    const file = writeTemp('dynamic-gzip', gzipSync(readFileSync(dynamicLog ?? '')));
    expect(await analyzeSparkEventLogFile(file)).toEqual(await analyzeSparkEventLogFile(dynamicLog ?? ''));
  });

  it('reports a gzip log cut short as incomplete', async () => {
    const compressed = gzipSync(readFileSync(dynamicLog ?? ''));
    const file = writeTemp('dynamic-gzip-cut', compressed.subarray(0, Math.floor(compressed.length / 2)));

    const report = await analyzeSparkEventLogFile(file);
    expect(report.incomplete).toBe(true);
    expect(report.incompleteReasons[0]).toBe('The gzip-compressed data ends early, so the log was cut off while it was being written.');
    expect(report.counts.tasks).toBeGreaterThan(0);
  });

  it('reports a log cut in the middle as incomplete', async () => {
    const { cut, completeLines } = cutInTheMiddle(readFileSync(dynamicLog ?? '', 'utf8'));
    const file = writeTemp('dynamic-cut', cut);

    const report = await analyzeSparkEventLogFile(file);
    expect(report.incomplete).toBe(true);
    expect(report.incompleteReasons).toHaveLength(2);
    expect(report.incompleteReasons[0]).toBe(`The last line (line ${completeLines.length + 1}) is cut off mid-event and was skipped.`);
    expect(report.incompleteReasons[1]).toContain('The application end is missing');
    expect(report.application.endTime).toBeNull();
    expect(report.application.id).toBe('application_1707709865217_0493');
    expect(report.counts.events).toBe(completeLines.length);
    expect(report.counts.jobs).toBe(countEvents(completeLines, 'SparkListenerJobStart'));
    expect(report.counts.tasks).toBe(countEvents(completeLines, 'SparkListenerTaskEnd'));
    expect(report.counts.tasksStillRunning).toBe(
      countEvents(completeLines, 'SparkListenerTaskStart') - countEvents(completeLines, 'SparkListenerTaskEnd'),
    );
  });

  it('reads the same report from lines, a line stream and a byte stream', async () => {
    const text = readFileSync(localLog ?? '', 'utf8');
    const lines = text.split('\n');
    const fromFile = await analyzeSparkEventLogFile(localLog ?? '');

    expect(analyzeSparkEventLog(lines)).toEqual(fromFile);
    expect(await analyzeSparkEventLog(Readable.from(lines).iterator())).toEqual(fromFile);

    // Five-byte chunks split lines at arbitrary points.
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 5) }, (_, i) => bytes.subarray(i * 5, i * 5 + 5));
    expect(await analyzeSparkEventLog(Readable.from(chunks))).toEqual(fromFile);
  });
});

describe('Spark event log decoding', () => {
  it('keeps multi-byte characters split across chunks', async () => {
    const name = 'Umsätze — 売上';
    const lines = [
      '{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}',
      `{"Event":"SparkListenerApplicationStart","App Name":"${name}","App ID":"app-1","Timestamp":1000}`,
      '{"Event":"SparkListenerApplicationEnd","Timestamp":2000}',
    ];
    const bytes = Buffer.from(lines.join('\n'));
    const oneByteChunks = Array.from(bytes, (byte) => Buffer.from([byte]));

    const report = await analyzeSparkEventLog(Readable.from(oneByteChunks));
    expect(report.application.name).toBe(name);
    expect(report.incomplete).toBe(false);
  });
});

describe('Spark event log errors', () => {
  it('rejects a file that is not an event log', async () => {
    const file = writeTemp('jobs.csv', 'job_id,owner\n1,ana\n');
    await expectEventLogError(file, /Line 1 is not a Spark event \(a JSON object with an "Event" field.*\) but "job_id,owner", so the file is not a Spark event log/);
  });

  it('rejects JSON lines without an Event field', async () => {
    const file = writeTemp('records.jsonl', '{"id": 1}\n{"id": 2}\n');
    await expectEventLogError(file, /Line 1 is not a Spark event .* but "\{\\"id\\": 1\}", so the file is not a Spark event log/);
  });

  it.skipIf(!sparklensJson)('rejects a pretty-printed JSON report', async () => {
    await expectEventLogError(sparklensJson ?? '', /Line 1 is not a Spark event .* but "\{", so the file is not a Spark event log/);
  });

  it('rejects an empty file', async () => {
    await expectEventLogError(writeTemp('empty', ''), /The file contains no events/);
  });

  it('rejects a damaged line followed by more lines', async () => {
    const lines = [
      '{"Event":"SparkListenerLogStart","Spark Version":"3.2.1"}',
      '{"Event":"SparkListenerApplicationStart","App Name":"demo","App ID":"app-1","Timestamp":1000,"Us',
      '{"Event":"SparkListenerApplicationEnd","Timestamp":2000}',
    ];
    const failure = (): SparkReport => analyzeSparkEventLog(lines);
    expect(failure).toThrow(SparkEventLogError);
    expect(failure).toThrow(/Line 2 is not valid JSON .*, and more lines follow it, so the log is damaged rather than cut off/);
  });

  it.each([
    ['lz4', Buffer.concat([Buffer.from('LZ4Block'), Buffer.alloc(32)])],
    ['snappy', Buffer.concat([Buffer.from([0x82]), Buffer.from('SNAPPY'), Buffer.alloc(32)])],
  ])('rejects a log compressed with %s', async (codec, content) => {
    const file = writeTemp(`compressed-with-${codec}`, content);
    await expectEventLogError(file, new RegExp(`compressed with Spark's ${codec} codec.*spark\\.eventLog\\.compression\\.codec=zstd`));
  });

  it('rejects invalid zstd data', async () => {
    const file = writeTemp('bad-zstd', Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(64, 0xff)]));
    await expectEventLogError(file, /The zstd data is invalid/);
  });
});
