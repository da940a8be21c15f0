import type { Knex } from 'knex';

/** Pre-flight analyses of jobs, and the history of finished runs that runtime estimates learn from. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_preflight', (table) => {
    table.integer('job_id').primary().references('jobs.id').onDelete('CASCADE');
    table.timestamp('analyzed_at', { useTz: true }).notNullable();
    table.jsonb('analysis').notNullable();
  });

  await knex.schema.createTable('run_history', (table) => {
    table.bigIncrements('id').primary();
    // One row per attempt, so a job retried after a lost runner is not counted twice.
    table.integer('job_id').notNullable().references('jobs.id').onDelete('CASCADE');
    table.integer('attempt').notNullable();
    // sha256 of the code cells' source, so the same notebook is recognised across submissions.
    table.text('fingerprint').notNullable();
    table.text('owner').notNullable();
    table.text('outcome').notNullable();
    table.bigInteger('input_bytes');
    table.integer('executors').notNullable();
    table.double('runtime_s').notNullable();
    table.timestamp('finished_at', { useTz: true }).notNullable();
    table.unique(['job_id', 'attempt']);
    table.index(['fingerprint', 'finished_at']);
    table.index(['owner', 'finished_at']);
  });
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only: restore a backup to go back.');
}
