import os from 'node:os';
import { InspectorError, type InspectionReport, type InspectorOptions } from './inspector-report.js';
import { InspectorWorker } from './inspector-worker.js';

/**
 * Requests one worker handles before it is replaced, so that memory the inspector keeps
 * between requests (caches, fragmentation) stays bounded.
 */
const REQUESTS_PER_WORKER = 500;

type Waiting = {
  kind: 'notebook' | 'script';
  text: string;
  resolve: (report: InspectionReport) => void;
  reject: (error: InspectorError) => void;
};

/**
 * Long-running code inspector processes, started when first needed. Starting Python and
 * importing the inspector costs about 0.25 s of CPU on a 2-vCPU machine, while inspecting a
 * typical notebook takes a few milliseconds. So a few kept processes analyse a burst of
 * submissions far faster than one new process per job. Requests beyond the pool's size wait in order.
 */
export class InspectorPool {
  private readonly workers = new Set<InspectorWorker>();
  private readonly waiting: Waiting[] = [];

  constructor(
    private readonly options: InspectorOptions,
    private readonly size: number = defaultPoolSize(),
  ) {}

  inspect(kind: 'notebook' | 'cell' | 'script', content: string): Promise<InspectionReport> {
    // A cell's source is Python code, so it is inspected as a script.
    const sourceKind = kind === 'notebook' ? 'notebook' : 'script';
    return new Promise<InspectionReport>((resolve, reject) => {
      this.waiting.push({ kind: sourceKind, text: content, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends every worker; requests still waiting fail. */
  close(): void {
    for (const worker of this.workers) worker.kill();
    this.workers.clear();
    for (const request of this.waiting.splice(0)) {
      request.reject(new InspectorError('the code inspector pool was closed; analyse the job again', { transient: true }));
    }
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const worker = this.idleWorker();
      if (worker === null) return;

      const request = this.waiting.shift() as Waiting;
      worker
        .inspect(request.kind, request.text)
        .then(request.resolve, request.reject)
        .finally(() => {
          if (worker.served >= REQUESTS_PER_WORKER) {
            this.workers.delete(worker);
            worker.retire();
          }
          this.dispatch();
        });
    }
  }

  private idleWorker(): InspectorWorker | null {
    for (const worker of this.workers) {
      if (!worker.usable && !worker.busy) this.workers.delete(worker);
    }
    for (const worker of this.workers) {
      if (worker.usable && !worker.busy) return worker;
    }
    if (this.workers.size >= this.size) return null;

    const worker = new InspectorWorker(this.options, (ended) => {
      this.workers.delete(ended);
      this.dispatch();
    });
    this.workers.add(worker);
    return worker;
  }
}

function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

const sharedPools = new Map<string, InspectorPool>();

/**
 * Inspects a notebook, cell or script with the pool shared by every caller that uses the same
 * interpreter, folder and timeout in this process.
 */
export function runInspector(
  kind: 'notebook' | 'cell' | 'script',
  content: string,
  options: InspectorOptions,
): Promise<InspectionReport> {
  const key = JSON.stringify([options.python, options.cwd, options.timeoutMs]);
  let pool = sharedPools.get(key);
  if (pool === undefined) {
    pool = new InspectorPool(options);
    sharedPools.set(key, pool);
  }
  return pool.inspect(kind, content);
}
