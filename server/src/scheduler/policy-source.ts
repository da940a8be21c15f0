import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import { dofcPolicy } from '../policy/dofc.js';
import type { Policy } from '../policy/types.js';
import { loadPolicySettings } from '../store/policy-settings.js';

/** The provider of each cycle's policy, so admins can change settings without a restart. */
export interface PolicySource {
  readonly name: string;
  current(db: Knex): Promise<Policy>;
}

/** Always the same policy, such as FIFO for a comparison run. */
export function fixedPolicy(policy: Policy): PolicySource {
  return { name: policy.name, current: async () => policy };
}

/**
 * Build the DOFC policy from the settings stored by the admin API. It is rebuilt only when the
 * settings' version changes, and a stored version that no longer validates keeps the last good one.
 */
export function storedDofcPolicy(logger: Logger): PolicySource {
  let cached: { version: number; policy: Policy } | null = null;
  return {
    name: 'dofc',
    async current(db) {
      const stored = await loadPolicySettings(db);
      if (cached !== null && cached.version === stored.version) return cached.policy;
      try {
        cached = { version: stored.version, policy: dofcPolicy(stored.settings) };
        logger.info({ version: stored.version }, 'policy settings loaded');
      } catch (error) {
        logger.error(
          { err: error, version: stored.version },
          'stored policy settings are invalid; keeping the previous ones',
        );
        if (cached === null) cached = { version: stored.version, policy: dofcPolicy() };
      }
      return cached.policy;
    },
  };
}
