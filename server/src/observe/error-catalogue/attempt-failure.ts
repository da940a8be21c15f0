import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Reason } from '../../contract/job-view.js';
import type { RunnerResult } from '../../executors/executor.js';
import { lastExceptionLine, diagnoseFailure } from './diagnose.js';
import { findSparkEventLog } from './spark-event-log.js';
import { analyzeSparkEventLogFile } from '../spark-report/index.js';
import type { Diagnosis, FailureFacts } from './types.js';

const LOG_TAIL_BYTES = 16 * 1024;
const LOG_FILE = 'log.txt';

/** How an attempt ended, as the scheduler saw it. */
export interface EndedAttempt {
  attemptDir: string;
  reason: Reason;
  result: RunnerResult | null;
  exit: { code: number | null; signal: string | null } | null;
  timeoutS: number;
  /** The class the scheduler's retry logic gave the failure. */
  failureClass?: string | null;
}

/**
 * Explain a failed attempt from its result, its exit status and the end of its log. A timed
 * out attempt that left a Spark event log is checked for data skew. Returns null for an attempt
 * that succeeded or was cancelled, which needs no explanation.
 */
export async function diagnoseAttempt(ended: EndedAttempt): Promise<Diagnosis | null> {
  const code = ended.reason.code;
  if (code === 'succeeded' || code === 'cancelled') return null;

  const logTail = await readTail(path.join(ended.attemptDir, LOG_FILE), LOG_TAIL_BYTES);
  const cell = ended.result?.failed_cell;
  const exception = cell ? { ename: cell.ename, evalue: cell.evalue } : lastExceptionLine(logTail);
  const facts: FailureFacts = {
    code,
    failureClass: ended.failureClass ?? null,
    message: ended.reason.message,
    ename: exception?.ename ?? null,
    evalue: exception?.evalue ?? null,
    cellNumber: cell?.code_cell_number ?? null,
    exitCode: ended.exit?.code ?? null,
    exitSignal: ended.exit?.signal ?? null,
    logTail,
    timeoutS: ended.timeoutS,
    sparkHintIds: code === 'timeout' ? await sparkHintIds(ended.attemptDir) : [],
  };
  return diagnoseFailure(facts);
}

/** The last `bytes` of a file as text, or an empty string when it does not exist. */
export async function readTail(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'r').catch(() => null);
  if (handle === null) return '';
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

// NOTE: this runs inside the scheduling cycle, so a very large event log delays the cycle once, at the timeout.
async function sparkHintIds(attemptDir: string): Promise<string[]> {
  const eventLog = await findSparkEventLog(attemptDir);
  if (eventLog === null) return [];
  try {
    const report = await analyzeSparkEventLogFile(eventLog);
    return report.hints.map((hint) => hint.id);
  } catch {
    // A damaged event log must not hide the failure itself; the job report shows the log's error.
    return [];
  }
}
