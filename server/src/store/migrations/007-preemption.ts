import type { Knex } from 'knex';

/**
 * Counters that pausing and retrying keep per job, and the cell-latency samples that JupyterLab
 * reports for Light notebooks.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('jobs', (table) => {
    // Attempts that ended in a failure; a paused attempt does not count against retry_policy.max_attempts.
    table.integer('failed_attempts').notNullable().defaultTo(0);
    // Pauses requested so far, which the policy bounds per job (preemption.maxPerJob).
    table.integer('preemptions').notNullable().defaultTo(0);
    table.timestamp('last_paused_at', { useTz: true });
    // Seconds the job ran in attempts that ended in a pause, so a resumed job is planned for what is left.
    table.double('ran_s').notNullable().defaultTo(0);
  });

  // Samples are stored, not kept in memory, so the API of any replica can accept them and the
  // signal's history survives a scheduler restart: a sustained breach needs a whole window of it.
  await knex.schema.createTable('cell_latency_samples', (table) => {
    table.bigIncrements('id').primary();
    table.text('owner').notNullable();
    table.text('notebook').notNullable();
    table.double('duration_ms').notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.index(['at']);
  });
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only: restore a backup to go back.');
}
