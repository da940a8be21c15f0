import { fitsMachine, inSubmitOrder, machineProfile, runtimeMs, tooWideDecision } from './machine-queue.js';
import type { Decision, Policy, PolicySnapshot } from './types.js';

/**
 * FCFS with EASY backfilling (Lifka, "The ANL/IBM SP scheduling system", 1995) on the whole
 * machine. Jobs start in submit order while they fit. The first job that does not fit gets a
 * reservation at the earliest time it will fit, computed from p90 runtimes. A later job may
 * start now when it fits and does not touch that reservation, because it ends before the
 * reservation starts or uses only cores the reservation leaves free. Only the first waiting job
 * has a planned start.
 */
export function easyBackfillPolicy(): Policy {
  return { name: 'easy', decide: decideEasy };
}

function decideEasy(snapshot: PolicySnapshot): Decision[] {
  const profile = machineProfile(snapshot);
  const decisions: Decision[] = [];
  const now = snapshot.now;
  let reserved = false;
  let position = 0;

  for (const job of inSubmitOrder(snapshot.queued)) {
    const duration = runtimeMs(job);
    const earliest = Math.max(now, job.notBefore ?? now);
    if (!fitsMachine(job, snapshot)) {
      position += 1;
      decisions.push(tooWideDecision(job, position, snapshot));
      continue;
    }

    const start = profile.earliestFit(earliest, duration, job.demand.cores, job.demand.memGb);
    if (start === now) {
      profile.add(now, now + duration, -job.demand.cores, -job.demand.memGb);
      const code = reserved ? 'backfilled' : 'capacity_available';
      const message = reserved ? 'Started ahead of the first waiting job without delaying its reservation.' : 'Started: it fits now.';
      decisions.push({ kind: 'start', jobId: job.id, reason: { code, message } });
      continue;
    }

    position += 1;
    if (!reserved) {
      reserved = true;
      profile.add(start, start + duration, -job.demand.cores, -job.demand.memGb);
      decisions.push({
        kind: 'wait',
        jobId: job.id,
        position,
        plannedStart: start,
        reason: { code: 'reserved_head', message: 'First in line; capacity is reserved for it at its planned start.' },
      });
      continue;
    }
    decisions.push({
      kind: 'wait',
      jobId: job.id,
      position,
      plannedStart: null,
      reason: { code: 'queued_behind', message: `Position ${position} in the queue; it may start early by backfilling.` },
    });
  }
  return decisions;
}
