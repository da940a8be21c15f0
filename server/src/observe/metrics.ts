import type { Knex } from 'knex';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JOB_STATES } from '../contract/job-view.js';
import { POOLS } from '../contract/job-spec.js';

/** What the scheduling loop reports; the scheduler calls these and knows nothing of Prometheus. */
export interface SchedulerMetrics {
  observeCycle(durationSeconds: number): void;
  countDecision(kind: string): void;
  countAdmission(pool: string): void;
  countFinished(pool: string, outcome: string): void;
}

/**
 * The Prometheus metrics of one service instance, in a registry of its own rather than
 * prom-client's global one, so that tests starting several services in one process keep
 * separate counts. Job counts per pool and state are read from the store at each scrape.
 */
export class ServiceMetrics implements SchedulerMetrics {
  readonly registry = new Registry();
  private readonly cycleSeconds: Histogram;
  private readonly decisions: Counter;
  private readonly admissions: Counter;
  private readonly finished: Counter;
  private readonly httpSeconds: Histogram;

  constructor(db: Knex) {
    const registers = [this.registry];
    this.cycleSeconds = new Histogram({
      name: 'dofc_scheduler_cycle_duration_seconds',
      help: 'Wall time of one scheduling cycle: pre-flight, retries, watching attempts and the policy decision.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.decisions = new Counter({
      name: 'dofc_scheduler_decisions_total',
      help: 'Decisions the policy returned, by kind (start, wait and any other kind the policy uses).',
      labelNames: ['kind'],
      registers,
    });
    this.admissions = new Counter({
      name: 'dofc_scheduler_admissions_total',
      help: 'Jobs the scheduler started (claimed and spawned), by pool.',
      labelNames: ['pool'],
      registers,
    });
    this.finished = new Counter({
      name: 'dofc_jobs_finished_total',
      help:
        'Attempts the scheduler ended, by pool and outcome (succeeded, failed, cancelled, retry). Jobs cancelled ' +
        'before they started are not counted here; dofc_jobs{state="cancelled"} includes them.',
      labelNames: ['pool', 'outcome'],
      registers,
    });
    this.httpSeconds = new Histogram({
      name: 'dofc_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    });
    new Gauge({
      name: 'dofc_jobs',
      help: 'Jobs in the store by pool and state; state="queued" is the queue length of the pool.',
      labelNames: ['pool', 'state'],
      registers,
      async collect() {
        const counts = await countJobsByPoolAndState(db);
        // Every pool and state gets a sample, so an empty queue reads 0 rather than vanishing.
        for (const pool of POOLS) {
          for (const state of JOB_STATES) this.set({ pool, state }, counts.get(`${pool}/${state}`) ?? 0);
        }
      },
    });
  }

  observeCycle(durationSeconds: number): void {
    this.cycleSeconds.observe(durationSeconds);
  }

  countDecision(kind: string): void {
    this.decisions.inc({ kind });
  }

  countAdmission(pool: string): void {
    this.admissions.inc({ pool });
  }

  countFinished(pool: string, outcome: string): void {
    this.finished.inc({ pool, outcome });
  }

  observeRequest(method: string, route: string, status: number, durationSeconds: number): void {
    this.httpSeconds.observe({ method, route, status: String(status) }, durationSeconds);
  }
}

async function countJobsByPoolAndState(db: Knex): Promise<Map<string, number>> {
  const rows = (await db('jobs').select('pool', 'state').count({ count: '*' }).groupBy('pool', 'state')) as Array<{
    pool: string;
    state: string;
    count: string | number;
  }>;
  return new Map(rows.map((row) => [`${row.pool}/${row.state}`, Number(row.count)]));
}
