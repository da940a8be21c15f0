import type { LiveOps } from '../observe/live-ops/live-ops.js';
import type { Identity } from './identity.js';
import { mayActOn } from './job-access.js';

/** The name shown in place of a user whose jobs the caller may not see. */
export const HIDDEN_OWNER = '(another user)';

/**
 * Returns the live view as `identity` may see it. Every authenticated user sees the capacity, the
 * pools, queue positions and every user's share, so they can tell why they wait. The owner of a
 * job they may not act on is replaced by HIDDEN_OWNER. Its scheduling reason is removed too,
 * because it can name the owner or the notebook. Admins see everything.
 */
export function liveOpsFor(view: LiveOps, identity: Identity): LiveOps {
  if (identity.role === 'admin') return view;
  const teamOf = new Map(view.users.map((user) => [user.owner, user.team]));
  const visible = (owner: string) => mayActOn(identity, owner, teamOf.get(owner) ?? '');

  return {
    ...view,
    pools: view.pools.map((pool) => ({
      ...pool,
      queue: pool.queue.map((job) => (visible(job.owner) ? job : { ...job, owner: HIDDEN_OWNER, reason: null })),
    })),
    users: view.users.map((user) => (visible(user.owner) ? user : { ...user, owner: HIDDEN_OWNER })),
    pause_first: view.pause_first === null || visible(view.pause_first.owner) ? view.pause_first : { ...view.pause_first, owner: HIDDEN_OWNER },
  };
}
