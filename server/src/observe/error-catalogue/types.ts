/** What is known about a failed attempt when it is explained. */
export interface FailureFacts {
  /** The failure code the scheduler records as `reason.code`, such as cell_error or timeout. */
  code: string;
  /** The class that decided the retry, such as user_code or out_of_memory, when the scheduler classified it. */
  failureClass?: string | null;
  /** The reason message the scheduler recorded. */
  message: string;
  /** The exception class and message, from the failed cell or the last traceback in the log. */
  ename?: string | null;
  evalue?: string | null;
  /** The 1-based code cell number of a failed notebook cell. */
  cellNumber?: number | null;
  exitCode?: number | null;
  exitSignal?: string | null;
  /** The end of the attempt's log, searched when no exception was reported. */
  logTail?: string | null;
  /** Hint ids of the Spark report, when the attempt left a Spark event log. */
  sparkHintIds?: readonly string[];
  timeoutS?: number | null;
}

/** A failure explained in plain words for the person who submitted the job. */
export interface Diagnosis {
  /** Stable catalogue id, such as java_out_of_memory. */
  id: string;
  /** One sentence of what happened. */
  summary: string;
  /** One sentence of what to do next. */
  action: string;
  /** The raw evidence: the exception line, the exit status or the recorded message. */
  detail: string;
}

/** One kind of failure: how to recognise it and how to explain it. */
export interface CatalogueEntry {
  id: string;
  matches(facts: FailureFacts, text: string): boolean;
  summary(facts: FailureFacts, text: string): string;
  action(facts: FailureFacts, text: string): string;
}
