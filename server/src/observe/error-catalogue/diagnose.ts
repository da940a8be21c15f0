import { CLASS_ENTRIES, KILLED_OUT_OF_MEMORY_ENTRY } from './class-entries.js';
import { CODE_ENTRIES, DATA_SKEW_ENTRY, SCHEDULER_CODES, UNKNOWN_ENTRY } from './code-entries.js';
import { EXCEPTION_ENTRIES } from './exception-entries.js';
import type { CatalogueEntry, Diagnosis, FailureFacts } from './types.js';

const MAX_DETAIL_CHARS = 2000;

/** Every entry in the order they are tried; the last one matches anything. */
export const CATALOGUE: readonly CatalogueEntry[] = [
  DATA_SKEW_ENTRY,
  KILLED_OUT_OF_MEMORY_ENTRY,
  ...EXCEPTION_ENTRIES,
  ...CODE_ENTRIES,
  ...CLASS_ENTRIES,
  UNKNOWN_ENTRY,
];

/**
 * Explain a failure: what happened and what to do next in one sentence each, with the raw
 * evidence. The exception is preferred over the log tail as evidence, because the tail may hold
 * warnings unrelated to the failure.
 */
export function diagnoseFailure(facts: FailureFacts): Diagnosis {
  const exception = facts.ename ? `${facts.ename}: ${facts.evalue ?? ''}`.trim() : '';
  const text = exception || (facts.logTail ?? '');
  const entry = pickEntry(facts, text);
  return {
    id: entry.id,
    summary: entry.summary(facts, text),
    action: entry.action(facts, text),
    detail: rawDetail(facts, exception),
  };
}

function pickEntry(facts: FailureFacts, text: string): CatalogueEntry {
  if (DATA_SKEW_ENTRY.matches(facts, text)) return DATA_SKEW_ENTRY;
  if (KILLED_OUT_OF_MEMORY_ENTRY.matches(facts, text)) return KILLED_OUT_OF_MEMORY_ENTRY;

  // A timeout or a lost runner is explained by how the attempt ended, whatever the log says.
  const candidates = SCHEDULER_CODES.has(facts.code) ? CODE_ENTRIES : [...EXCEPTION_ENTRIES, ...CODE_ENTRIES];
  const entry = candidates.find((candidate) => candidate.matches(facts, text));
  return entry ?? CLASS_ENTRIES.find((candidate) => candidate.matches(facts, text)) ?? UNKNOWN_ENTRY;
}

function rawDetail(facts: FailureFacts, exception: string): string {
  const parts = [facts.message];
  if (exception && !facts.message.includes(exception)) parts.push(exception);
  if (facts.exitSignal) parts.push(`exit signal ${facts.exitSignal}`);
  else if (facts.exitCode !== undefined && facts.exitCode !== null) parts.push(`exit code ${facts.exitCode}`);
  const detail = parts.filter((part) => part.length > 0).join('\n');
  return detail.length > MAX_DETAIL_CHARS ? `${detail.slice(0, MAX_DETAIL_CHARS)}…` : detail;
}

/**
 * The last `ExceptionName: message` line of a Python traceback in a log, for scripts, whose
 * exceptions reach the scheduler only through the log.
 */
export function lastExceptionLine(logTail: string): { ename: string; evalue: string } | null {
  const pattern = /^(?:\S+\s+\|\s)?([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)): ?(.*)$/gm;
  let last: { ename: string; evalue: string } | null = null;
  for (const match of logTail.matchAll(pattern)) {
    last = { ename: match[1] as string, evalue: (match[2] ?? '').trim() };
  }
  return last;
}
