import type { Knex } from 'knex';

/** Jobs, their source snapshots, their attempts and the timeline of events. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('jobs', (table) => {
    table.increments('id').primary();
    table.text('name');
    table.text('owner').notNullable();
    table.text('team').notNullable();
    table.text('label').notNullable();
    table.text('priority').notNullable();
    table.text('pool').notNullable();
    table.text('state').notNullable();
    table.text('reason_code');
    table.text('reason_message');
    table.integer('position');
    table.timestamp('planned_start', { useTz: true });
    table.jsonb('progress');
    table.integer('attempt').notNullable().defaultTo(0);
    table.jsonb('failed_cell');
    table.jsonb('spec').notNullable();
    table.double('cores').notNullable();
    table.double('mem_gb').notNullable();
    table.timestamp('not_before', { useTz: true });
    table.timestamp('retry_at', { useTz: true });
    table.timestamp('cancel_requested_at', { useTz: true });
    table.text('idempotency_key');
    table.text('request_hash');
    table.timestamp('submitted_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true });
    table.timestamp('finished_at', { useTz: true });
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['state', 'pool']);
    table.index(['owner', 'id']);
  });

  // A client that repeats a submission with the same key gets the first job back.
  await knex.raw(
    'CREATE UNIQUE INDEX jobs_owner_idempotency_key ON jobs (owner, idempotency_key) WHERE idempotency_key IS NOT NULL',
  );

  await knex.schema.createTable('job_sources', (table) => {
    table.integer('job_id').primary().references('jobs.id').onDelete('CASCADE');
    table.text('kind').notNullable();
    table.text('path');
    table.text('content').notNullable();
    table.jsonb('setup_cells');
  });

  await knex.schema.createTable('job_attempts', (table) => {
    table.integer('job_id').notNullable().references('jobs.id').onDelete('CASCADE');
    table.integer('attempt').notNullable();
    table.text('executor').notNullable();
    table.text('attempt_dir').notNullable();
    table.integer('pid');
    table.timestamp('claimed_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true });
    table.timestamp('ended_at', { useTz: true });
    // Why the scheduler stopped the runner ('cancel' or 'timeout'), kept so a restart still knows.
    table.text('stop_reason');
    table.timestamp('stop_requested_at', { useTz: true });
    table.jsonb('outcome');
    table.primary(['job_id', 'attempt']);
  });

  await knex.schema.createTable('job_events', (table) => {
    table.bigIncrements('id').primary();
    table.integer('job_id').notNullable().references('jobs.id').onDelete('CASCADE');
    table.timestamp('at', { useTz: true }).notNullable();
    table.text('type').notNullable();
    table.text('from_state');
    table.text('to_state');
    table.text('code');
    table.text('message');
    table.jsonb('data');
    table.index(['job_id', 'id']);
  });
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only: restore a backup to go back.');
}
