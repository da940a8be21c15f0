import type { Knex } from 'knex';

/** Recurring submissions, and admins' approvals of P0 jobs for the critical lane. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('recurring_jobs', (table) => {
    table.increments('id').primary();
    table.text('owner').notNullable();
    table.text('cron').notNullable();
    table.text('time_zone').notNullable();
    // The job submitted at each tick, validated when the schedule was created.
    table.jsonb('submission').notNullable();
    // The last tick that submitted a job; ticks after it are due.
    table.timestamp('last_fired_at', { useTz: true }).notNullable();
    table.timestamp('next_at', { useTz: true });
    table.text('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('cancelled_at', { useTz: true });
  });

  await knex.schema.alterTable('jobs', (table) => {
    table.timestamp('critical_approved_at', { useTz: true });
    table.text('critical_approved_by');
  });
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only: restore a backup to go back.');
}
