import type { Knex } from 'knex';

/**
 * The runtime that pre-flight extrapolated from sample runs, kept with each finished run, so
 * that later extrapolations are calibrated by how far earlier ones were from the actual runtime.
 * The sample runs themselves are stored with the job's analysis in `job_preflight`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('run_history', (table) => {
    table.double('sample_estimate_s');
  });
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only: restore a backup to go back.');
}
