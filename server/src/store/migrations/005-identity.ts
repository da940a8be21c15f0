import type { Knex } from 'knex';

/** Users with their role and team, and personal API tokens stored as SHA-256 hashes. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (table) => {
    table.text('name').primary();
    table.text('role').notNullable().defaultTo('user');
    table.text('team');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.raw("ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('user', 'team_lead', 'admin'))");

  await knex.schema.createTable('api_tokens', (table) => {
    table.increments('id').primary();
    table.text('owner').notNullable().references('name').inTable('users').onDelete('CASCADE');
    table.text('name').notNullable();
    // Hex SHA-256 of the whole token; the token itself is shown once and never stored.
    table.text('token_hash').notNullable().unique();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('last_used_at', { useTz: true });
    table.timestamp('expires_at', { useTz: true });
    table.index(['owner']);
  });
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only: restore a backup to go back.');
}
