import type { Knex } from 'knex';

/** The scheduling policy's settings, edited by admins, and admins' capacity reservations. */
export async function up(knex: Knex): Promise<void> {
  // One row: the settings that differ from the defaults, as the admin API stored them.
  await knex.schema.createTable('policy_settings', (table) => {
    table.integer('id').primary();
    table.jsonb('settings').notNullable();
    table.integer('version').notNullable();
    table.text('updated_by').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.raw('ALTER TABLE policy_settings ADD CONSTRAINT policy_settings_single_row CHECK (id = 1)');

  await knex.schema.createTable('reservations', (table) => {
    table.increments('id').primary();
    table.text('team');
    table.text('owner');
    table.double('cores').notNullable();
    table.double('mem_gb').notNullable();
    table.timestamp('starts_at', { useTz: true }).notNullable();
    table.timestamp('ends_at', { useTz: true }).notNullable();
    table.text('note');
    table.text('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('cancelled_at', { useTz: true });
    table.index(['ends_at']);
  });
  await knex.raw('ALTER TABLE reservations ADD CONSTRAINT reservations_window CHECK (ends_at > starts_at)');
  await knex.raw(
    'ALTER TABLE reservations ADD CONSTRAINT reservations_holder CHECK ((team IS NULL) <> (owner IS NULL))',
  );
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only: restore a backup to go back.');
}
