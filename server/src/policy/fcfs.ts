import { fitsMachine, inSubmitOrder, machineProfile, runtimeMs, tooWideDecision } from './machine-queue.js';
import type { Decision, Policy, PolicySnapshot } from './types.js';

/**
 * Strict first come, first served on the whole machine, the baseline of trace replays: the
 * oldest job starts when it fits and nothing overtakes it. Every waiting job's planned start is
 * the earliest time it fits after the job ahead of it starts, from p90 runtimes.
 */
export function strictFcfsPolicy(): Policy {
  return { name: 'fifo', decide: decideStrictFcfs };
}

function decideStrictFcfs(snapshot: PolicySnapshot): Decision[] {
  const profile = machineProfile(snapshot);
  const decisions: Decision[] = [];
  let notBefore = snapshot.now;
  let position = 0;

  for (const job of inSubmitOrder(snapshot.queued)) {
    if (!fitsMachine(job, snapshot)) {
      position += 1;
      decisions.push(tooWideDecision(job, position, snapshot));
      continue;
    }

    const duration = runtimeMs(job);
    const start = profile.earliestFit(Math.max(notBefore, job.notBefore ?? snapshot.now), duration, job.demand.cores, job.demand.memGb);
    notBefore = start;
    profile.add(start, start + duration, -job.demand.cores, -job.demand.memGb);
    if (start === snapshot.now) {
      decisions.push({ kind: 'start', jobId: job.id, reason: { code: 'capacity_available', message: 'Started: it is first in line and fits.' } });
      continue;
    }
    position += 1;
    decisions.push({
      kind: 'wait',
      jobId: job.id,
      position,
      plannedStart: start,
      reason: { code: 'queued_behind', message: `Position ${position} in the first-come, first-served queue.` },
    });
  }
  return decisions;
}
