import type { DofcPolicyConfig } from '../../policy/config.js';
import { teamWeight } from '../../policy/fair-share.js';

/** Shares are compared with this tolerance, so rounding never marks a user as above its share. */
const SHARE_TOLERANCE = 1e-6;

export interface ShareInput {
  owner: string;
  team: string;
  dominant_share: number;
}

export interface FairShareEntry {
  owner: string;
  team: string;
  /** The user's team weight divided by the weights of every user with a running or queued job. */
  fair_share: number;
  above_fair_share: boolean;
}

/**
 * Give every listed user its weighted fair share of the machine. Each user counts once with its
 * team's weight, as in the policy's dominant-share ordering, so two users of equal weight get
 * one half each whatever their number of jobs.
 */
export function fairShares(users: ShareInput[], config: Pick<DofcPolicyConfig, 'fairShare'>): FairShareEntry[] {
  const weights = users.map((user) => teamWeight(user.team, config));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return users.map((user, index) => {
    const fair = total === 0 ? 0 : (weights[index] ?? 0) / total;
    const rounded = Math.round(fair * 10_000) / 10_000;
    return {
      owner: user.owner,
      team: user.team,
      fair_share: rounded,
      above_fair_share: user.dominant_share > fair + SHARE_TOLERANCE,
    };
  });
}
