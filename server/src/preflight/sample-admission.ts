import type { Knex } from 'knex';
import type { Resources } from '../policy/types.js';

/**
 * Decides whether a sample run may start now. Sample runs use the interactive pool's capacity
 * like an L job and do not jump ahead of one. A run starts only while no interactive job is
 * queued and enough cores are free after starting and running jobs and the other sample runs.
 * The scheduler takes the sample runs' cores off the capacity it gives the policy (see
 * `PreflightAnalyzer.capacityLeft`), so the policy does not start a job on them.
 */
export async function interactiveRoomFor(db: Knex, capacity: Resources, heldCores: number, cores: number): Promise<boolean> {
  const queued = await db('jobs').where({ state: 'queued', pool: 'interactive' }).first('id');
  if (queued !== undefined) return false;

  const [row] = await db('jobs').whereIn('state', ['starting', 'running']).sum<{ cores: string | number | null }[]>('cores as cores');
  const busy = Number(row?.cores ?? 0);
  return busy + heldCores + cores <= capacity.cores + 1e-9;
}
