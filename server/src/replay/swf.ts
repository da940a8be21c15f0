/**
 * Standard Workload Format (Parallel Workloads Archive, Feitelson et al.): one job a line of 18
 * whitespace-separated fields, "-1" for unknown; lines starting with ";" are header comments
 * of the form "; Key: value".
 */

export interface SwfRecord {
  jobId: number;
  submitS: number;
  waitS: number;
  runS: number;
  allocatedProcs: number;
  usedMemoryKb: number;
  requestedProcs: number;
  requestedTimeS: number;
  requestedMemoryKb: number;
  status: number;
  userId: number;
  groupId: number;
  queue: number;
  partition: number;
}

export interface SwfTrace {
  /** Header values by key, as "MaxProcs" → "100". */
  header: Record<string, string>;
  records: SwfRecord[];
}

/** A trace that cannot be replayed as given; the message says what to change. */
export class TraceInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceInputError';
  }
}

/** A line that is neither a comment nor 18 numbers; `line` is 1-based. */
export class SwfParseError extends TraceInputError {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`Invalid SWF line ${line}: ${detail}; each job line needs 18 numeric fields, with -1 for unknown values.`);
    this.name = 'SwfParseError';
  }
}

export function parseSwf(text: string): SwfTrace {
  const header: Record<string, string> = {};
  const records: SwfRecord[] = [];
  const lines = text.split('\n');

  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    if (line.startsWith(';')) {
      const match = /^;\s*([A-Za-z]+)\s*:\s*(.*)$/.exec(line);
      if (match !== null && header[match[1] as string] === undefined) header[match[1] as string] = (match[2] ?? '').trim();
      continue;
    }

    const fields = line.split(/\s+/).map(Number);
    if (fields.length < 18) throw new SwfParseError(i + 1, `found ${fields.length} fields`);
    if (fields.some((value) => Number.isNaN(value))) throw new SwfParseError(i + 1, 'found a field that is not a number');
    const field = (n: number): number => fields[n - 1] as number;
    records.push({
      jobId: field(1),
      submitS: field(2),
      waitS: field(3),
      runS: field(4),
      allocatedProcs: field(5),
      usedMemoryKb: field(7),
      requestedProcs: field(8),
      requestedTimeS: field(9),
      requestedMemoryKb: field(10),
      status: field(11),
      userId: field(12),
      groupId: field(13),
      queue: field(15),
      partition: field(16),
    });
  }
  return { header, records };
}
